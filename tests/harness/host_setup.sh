#!/usr/bin/env bash
# Runs as the first process inside a fresh test host (new UTS, IPC, mount and PID namespaces,
# already inside the host's network namespace): gives it its hostname and its own
# /etc/kubernetes, /var/lib/etcd, /var/lib/kubelet and /etc/hosts, then becomes the host's init.
#   host_setup.sh NAME HOST_ROOT HOSTS_FILE READY_FILE
set -euo pipefail
name=$1 root=$2 hosts_file=$3 ready=$4

hostname "$name"
# unshare already made every mount private; repeat it so nothing here can leak to the real host.
mount --make-rprivate /
for dir in /etc/kubernetes /var/lib/etcd /var/lib/kubelet; do
  mount --bind "$root/fs$dir" "$dir"
done
mount --bind "$hosts_file" /etc/hosts
if [[ -f $root/node ]]; then
  # A node: what containerd, the CNI plugins and the kubelet write is the host's own. /run last:
  # nothing above may live under it.
  # /etc/sysctl.d and /etc/modules-load.d: what `kadm preflight --fix` persists stays the host's.
  for dir in /var/lib/containerd /etc/containerd /etc/cni/net.d /var/lib/cni /opt/cni/bin \
    /var/log/pods /var/log/containers /etc/sysctl.d /etc/modules-load.d /run; do
    mount --bind "$root/fs$dir" "$dir"
  done
  # No upstream resolver is reachable from a host: an address on no host keeps lookups local.
  echo "nameserver 10.213.0.1" >"$root/resolv.conf"
  mount --bind "$root/resolv.conf" /etc/resolv.conf
  # The kubelet sets these machine-wide sysctls at start; each host gets a file of its own.
  mkdir -p "$root/sysctl"
  for key in kernel/panic kernel/panic_on_oops vm/overcommit_memory; do
    cat "/proc/sys/$key" >"$root/sysctl/${key//\//.}"
    mount --bind "$root/sysctl/${key//\//.}" "/proc/sys/$key"
  done
  # The pod network and the kubelet's checks need what a node's sysctl.d would set.
  sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 \
    net.bridge.bridge-nf-call-ip6tables=1
fi
ip link set lo up
exec /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/ns_init.py" "$ready"
