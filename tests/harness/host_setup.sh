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
ip link set lo up
exec /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/ns_init.py" "$ready"
