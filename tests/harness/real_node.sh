# shellcheck shell=bash
# Real nodes (source after lib.sh): a host that runs its own containerd v2 (runc, the CNI plugins)
# and the real kubelet, pulling its images from a mirror registry on a host of its own, as in the
# seed guide's mirror flow. Nothing here writes a Node, its status or a pod: the kubelet does.
# See tests/harness/README.md ("Real nodes").
#
#   harness_mirror_up                       the mirror host (10.213.0.2) serving the local images
#   harness_node_up cp1 10.213.0.11         containerd running, kubelet enabled (not started)
#   harness_exec cp1 "$KADM" init --image-repository "$(harness_image_repository)" ...
#   (a bridge CNI configuration on the node's podCIDR appears once the node has one, unless
#    HARNESS_POD_NETWORK=flannel: then the node stays NotReady until harness_pod_network_up)
#   harness_pod_network_up cp1 10.244.0.0/16  flannel from its own manifest, images from the mirror

HARNESS_MIRROR_ADDR=${HARNESS_SUBNET_PREFIX}.2
HARNESS_MIRROR_PORT=5000

# Prints the directory of containerd v2, its runc shim and crane (built once, cached).
harness_node_tools_dir() {
  local cache=$HARNESS_RUN_DIR/node_tools_dir dir
  if [[ -s $cache ]]; then cat "$cache"; return; fi
  mkdir -p "$HARNESS_RUN_DIR"
  dir=$("$HARNESS_SOURCE_DIR/scripts/node-tools.sh") || _harness_die "scripts/node-tools.sh failed" || return
  printf '%s\n' "$dir" >"$cache"
  printf '%s\n' "$dir"
}

# The image repository every node pulls from: <mirror address>/k8s.
harness_image_repository() { printf '%s:%s/k8s\n' "$HARNESS_MIRROR_ADDR" "$HARNESS_MIRROR_PORT"; }

# The Kubernetes releases whose images the mirror serves: HARNESS_K8S_RELEASES (space-separated,
# e.g. "v1.36.3 v1.37.2" for an upgrade test), else the release scripts/node-images.sh defaults to.
harness_k8s_releases() { printf '%s\n' "${HARNESS_K8S_RELEASES:-${KADM_K8S_VERSION:-v1.37.2}}"; }

# _harness_mirror_storage: the storage directory to serve. One release: node-images.sh's own
# storage. Several: each release's storage built (cached) by node-images.sh, then merged into one
# storage of this run by hard links (blobs are content-addressed, tags differ by release; the
# registry serves it read-only, so the links never change the cache).
_harness_mirror_storage() {
  local releases rel storage merged
  read -r -a releases <<<"$(harness_k8s_releases)"
  if ((${#releases[@]} == 1)); then
    KADM=$KADM KADM_K8S_VERSION=${releases[0]} "$HARNESS_SOURCE_DIR/scripts/node-images.sh" ||
      _harness_die "scripts/node-images.sh failed for ${releases[0]}"
    return
  fi
  merged=$HARNESS_RUN_DIR/mirror-storage
  rm -rf "$merged" && mkdir -p "$merged" || return
  for rel in "${releases[@]}"; do
    storage=$(KADM=$KADM KADM_K8S_VERSION=$rel "$HARNESS_SOURCE_DIR/scripts/node-images.sh") ||
      _harness_die "scripts/node-images.sh failed for $rel" || return
    cp -alf "$storage/." "$merged/" || _harness_die "cannot merge the $rel images into $merged" || return
    # The pod network manifest of the first release is the one tests apply.
    [[ -e $HARNESS_RUN_DIR/pod-network ]] || ln -s "$(dirname "$storage")/pod-network" "$HARNESS_RUN_DIR/pod-network"
  done
  _harness_log "mirror storage: releases ${releases[*]} merged in $merged"
  printf '%s\n' "$merged"
}

# harness_node_registry NAME ADDR:PORT: node NAME's containerd pulls from the plain-HTTP
# registry at ADDR:PORT (a hosts.toml in its certs.d, which containerd reads at each pull).
harness_node_registry() {
  local certs
  certs="$(_harness_host_dir "$1")/fs/etc/containerd/certs.d/$2"
  mkdir -p "$certs"
  cat >"$certs/hosts.toml" <<TOML
server = "http://$2"

[host."http://$2"]
  capabilities = ["pull", "resolve"]
TOML
}

# harness_mirror_up: builds the images once (cached, scripts/node-images.sh) and serves them from
# Debian's docker-registry, read-only, on host `mirror`. Needs KADM (the image list is kadm's).
# HARNESS_K8S_RELEASES names the releases to serve (default: one).
harness_mirror_up() {
  local storage dir
  [[ -x ${KADM:-} ]] || _harness_die "harness_mirror_up needs KADM (the image list comes from kadm)" || return
  harness_bin_dir >/dev/null || return
  storage=$(_harness_mirror_storage) || return
  echo "$storage" >"$HARNESS_RUN_DIR/mirror_storage"
  harness_host_up mirror "$HARNESS_MIRROR_ADDR" || return
  dir=$(_harness_host_dir mirror)
  cat >"$dir/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $storage
  maintenance:
    readonly:
      enabled: true
    uploadpurging:
      enabled: false
http:
  addr: $HARNESS_MIRROR_ADDR:$HARNESS_MIRROR_PORT
YAML
  harness_exec_bg mirror "$dir/logs/registry.log" docker-registry serve "$dir/registry.yml" >/dev/null
  local i
  for ((i = 0; i < 100; i++)); do
    harness_exec mirror curl -sf -o /dev/null "http://$HARNESS_MIRROR_ADDR:$HARNESS_MIRROR_PORT/v2/" && {
      _harness_log "mirror registry serves $(harness_image_repository)"
      return 0
    }
    sleep 0.1
  done
  cat "$dir/logs/registry.log" >&2
  _harness_die "the mirror registry did not start"
}

# The image storage the mirror serves (scripts/node-images.sh's output).
harness_mirror_storage() {
  [[ -s $HARNESS_RUN_DIR/mirror_storage ]] || _harness_die "the mirror is not up (harness_mirror_up)" || return
  cat "$HARNESS_RUN_DIR/mirror_storage"
}

_harness_cgroup_name() { printf 'kadm-%s-%s' "$HARNESS_RUN_ID" "$1"; }

# harness_node_up NAME ADDR: a host that is a node. Its containerd runs (restarted if it dies);
# its kubelet unit is enabled but not started: `kadm init`/`kadm join` start it through systemctl,
# as on a real host. Each node has its own cgroup root in every hierarchy (the kubelet's
# --cgroup-root, what /etc/default/kubelet would set), removed with the host.
harness_node_up() {
  local name=$1 addr=$2 dir tools bin cg h
  tools=$(harness_node_tools_dir) || return
  bin=$(harness_bin_dir) || return
  [[ -d $HARNESS_RUN_DIR/hosts/mirror ]] || harness_mirror_up || return
  harness_host_up "$name" "$addr" node || return
  dir=$(_harness_host_dir "$name")
  cg=$(_harness_cgroup_name "$name")
  for h in /sys/fs/cgroup/*/; do
    mkdir -p "$h$cg" || return
    if [[ -f ${h}cpuset.cpus ]]; then  # cpuset children start empty
      cat "${h}cpuset.cpus" >"$h$cg/cpuset.cpus"
      cat "${h}cpuset.mems" >"$h$cg/cpuset.mems"
    fi
  done
  echo "$cg" >"$dir/cgroup"

  mkdir -p "$dir/services/bin"
  printf '#!/bin/sh\nexec bash %q %q "$@"\n' "$HARNESS_DIR/systemctl.sh" "$dir/services" \
    >"$dir/services/bin/systemctl"
  chmod 755 "$dir/services/bin/systemctl"
  # The node's own kubelet first (HARNESS_KUBELET_VERSION, else the bin dir's): what its
  # package manager installed; harness_node_kubelet_upgrade replaces it.
  mkdir -p "$dir/kubelet-bin"
  _harness_node_install_kubelet "$name" "${HARNESS_KUBELET_VERSION:-}" || return
  echo "$dir/services/bin:$dir/kubelet-bin:$tools" >"$dir/path"
  # The nodes share this VM's one disk with builds and caches, which often has less free than
  # the kubelet's default hard eviction thresholds (imagefs 15%, nodefs 10%): the node would be
  # tainted disk-pressure, and every pod that does not tolerate it (CoreDNS, Jobs, workloads)
  # would stay Pending while static pods and DaemonSets run. A node evicts below 1 GiB free.
  echo "KUBELET_EXTRA_ARGS=\"--cgroup-root=/$cg --eviction-hard=memory.available<100Mi,nodefs.available<1Gi,imagefs.available<1Gi,nodefs.inodesFree<5%\"" \
    >"$dir/services/kubelet.env"

  local repo pause
  repo=$(harness_image_repository)
  local kv=()
  [[ -n ${HARNESS_KUBELET_VERSION:-} ]] && kv=(--kubernetes-version "$HARNESS_KUBELET_VERSION")
  pause=$("$KADM" config images list "${kv[@]}" --image-repository "$repo" 2>/dev/null | grep '/pause:') ||
    _harness_die "kadm config images list names no pause image" || return
  harness_node_registry "$name" "$HARNESS_MIRROR_ADDR:$HARNESS_MIRROR_PORT"
  cat >"$dir/fs/etc/containerd/config.toml" <<TOML
version = 3
root = "/var/lib/containerd"
state = "/run/containerd"
# /opt/containerd would be the machine's, not the host's.
disabled_plugins = ["io.containerd.internal.v1.opt"]

[grpc]
  address = "/run/containerd/containerd.sock"

[plugins."io.containerd.cri.v1.images".pinned_images]
  sandbox = "$pause"

[plugins."io.containerd.cri.v1.images".registry]
  config_path = "/etc/containerd/certs.d"

[plugins."io.containerd.cri.v1.runtime"]
  # This VM's root lacks CAP_SYS_RESOURCE: runc cannot lower oom_score_adj below its own.
  restrict_oom_score_adj = true

[plugins."io.containerd.cri.v1.runtime".cni]
  # A pod network addon installs its plugin into /opt/cni/bin; Debian's plugins are the rest.
  bin_dirs = ["/opt/cni/bin", "/usr/lib/cni"]
  conf_dir = "/etc/cni/net.d"

[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
  BinaryName = "$(command -v runc)"
  SystemdCgroup = false
TOML
  harness_exec "$name" systemctl start containerd || return
  [[ ${HARNESS_POD_NETWORK:-bridge} == bridge ]] && _harness_node_cni "$name"
  local i
  for ((i = 0; i < 200; i++)); do
    harness_exec "$name" ctr --address /run/containerd/containerd.sock version >/dev/null 2>&1 && {
      _harness_log "node $name: containerd $(harness_exec "$name" containerd --version | awk '{print $3}') running"
      return 0
    }
    sleep 0.05
  done
  cat "$dir/services/containerd.log" >&2
  _harness_die "containerd did not start on node $name"
}

# _harness_node_install_kubelet NAME [VERSION]: puts the kubelet of release VERSION (built once,
# cached, by scripts/k8s-binaries.sh; "" = the harness bin dir's) at <host>/kubelet-bin/kubelet,
# replacing the file atomically as a package upgrade does (a running kubelet keeps its old inode).
_harness_node_install_kubelet() {
  local name=$1 version=${2:-} dir bin
  dir=$(_harness_host_dir "$name")
  if [[ -n $version ]]; then
    bin=$(KADM_K8S_VERSION=$version "$HARNESS_SOURCE_DIR/scripts/k8s-binaries.sh") ||
      _harness_die "scripts/k8s-binaries.sh failed for $version" || return
  else
    bin=$(harness_bin_dir) || return
  fi
  cp "$bin/kubelet" "$dir/kubelet-bin/.kubelet.tmp" && mv -f "$dir/kubelet-bin/.kubelet.tmp" "$dir/kubelet-bin/kubelet" ||
    _harness_die "cannot install the kubelet of ${version:-the bin dir} on node $name"
}

# harness_node_kubelet_upgrade NAME VERSION: the package upgrade of node NAME's kubelet to release
# VERSION (the binary only; restart it with `harness_exec NAME systemctl restart kubelet`).
harness_node_kubelet_upgrade() {
  _harness_node_install_kubelet "$1" "$2" || return
  _harness_log "node $1: kubelet binary replaced by $(harness_exec "$1" kubelet --version)"
}

harness_node_log() { cat "$(_harness_host_dir "$1")/services/$2.log" 2>/dev/null || true; }

# _harness_node_cni NAME: in the background until the host goes, waits for node NAME's podCIDR
# (read with the node's own kubelet.conf) and writes a bridge + host-local CNI configuration on
# it, which lets the runtime report its network ready: the kubelet then reports the Node Ready by
# itself. (A pod network addon, when a test installs one, replaces this.)
_harness_node_cni() {
  local name=$1 root
  root=$(_harness_host_dir "$name")
  (
    # Niced: it starts while the node's kubelet does, and should not slow it down.
    kc() { harness_exec "$name" nice -n 10 kubectl --kubeconfig /etc/kubernetes/kubelet.conf "$@"; }
    cidr=""
    while [[ -z $cidr ]]; do
      [[ -d $root/fs ]] || exit 0
      [[ -s $root/fs/etc/kubernetes/kubelet.conf ]] || { sleep 0.1; continue; }
      # kubectl wait watches, so the configuration follows the podCIDR at once (a 0.5 s poll
      # added up to half a second to every Node's Ready, a different part of it to each run).
      # Before the Node exists it fails at once (its --for=create polls every 0.5 s).
      cidr=$(kc wait "node/$name" --for='jsonpath={.spec.podCIDR}' --timeout=300s \
        -o 'jsonpath={.spec.podCIDR}' 2>/dev/null) || cidr=""
      [[ -n $cidr ]] || sleep 0.1
    done
    conf=$root/fs/etc/cni/net.d/10-kadm-bridge.conflist
    cat >"$conf.tmp" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "kadm-harness",
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$cidr"}]],
              "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
JSON
    mv "$conf.tmp" "$conf"
    echo "node $name: bridge CNI on $cidr"
  ) >>"$root/logs/cni.log" 2>&1 &
  echo $! >"$root/cni.pid"
  disown $!
}

# Removes node NAME's cgroup root in every hierarchy (deepest first), once its processes are gone.
_harness_node_cgroups_down() {
  local cg=$1 h rc=0 d
  for h in /sys/fs/cgroup/*/; do
    [[ -d $h$cg ]] || continue
    while read -r d; do
      rmdir "$d" 2>/dev/null || { [[ -d $d ]] && { echo "cannot remove cgroup $d" >&2; rc=1; }; }
    done < <(find "$h$cg" -depth -type d)
  done
  return $rc
}

# harness_node_diagnose NAME: what a failing test shows about node NAME: the end of its kubelet's
# and containerd's logs and the containers the runtime has.
harness_node_diagnose() {
  local name=$1
  echo "---- node $name: containers (ctr -n k8s.io tasks ls)"
  harness_exec "$name" ctr --address /run/containerd/containerd.sock -n k8s.io tasks ls 2>&1 | tail -n 30
  echo "---- node $name: kubelet log (last 40 lines)"
  harness_node_log "$name" kubelet | tail -n 40
  echo "---- node $name: containerd log (last 15 lines)"
  harness_node_log "$name" containerd | tail -n 15
}

# harness_pod_network_up HOST POD_CIDR [BACKEND]: installs flannel the way its users do, with
# `kubectl apply -f kube-flannel.yml` run on HOST (with its admin.conf): its own manifest from the
# module it is built from, with the images pointed at the mirror, its Network set to the
# cluster's --pod-network-cidr, and the backend (default host-gw: every host shares one L2
# segment; vxlan works too). Returns once the DaemonSet is rolled out on every node.
harness_pod_network_up() {
  local host=$1 cidr=$2 backend=${3:-host-gw} dir manifest repo out name tag
  dir=$(dirname "$(harness_mirror_storage)") || return
  [[ -d $HARNESS_RUN_DIR/pod-network ]] && dir=$HARNESS_RUN_DIR  # several releases merged
  manifest=$dir/pod-network/kube-flannel.yml
  [[ -s $manifest ]] || _harness_die "no flannel manifest at $manifest (scripts/node-images.sh writes it)" || return
  repo=$(harness_image_repository)
  out=$HARNESS_RUN_DIR/kube-flannel.yml
  cp "$manifest" "$out.tmp"
  while read -r name tag; do
    sed -i -E "s#^( *image: ).*/$name:.*#\\1$repo/$name:$tag#" "$out.tmp"
    grep -q "image: $repo/$name:$tag\$" "$out.tmp" || _harness_die "the flannel manifest names no $name image" || return
  done <"$dir/pod-network/images"
  sed -i -E -e "s#(\"Network\": )\"[^\"]*\"#\\1\"$cidr\"#" -e "s#(\"Type\": )\"vxlan\"#\\1\"$backend\"#" "$out.tmp"
  grep -qF "\"Network\": \"$cidr\"" "$out.tmp" && grep -qF "\"Type\": \"$backend\"" "$out.tmp" ||
    _harness_die "cannot set Network and Backend in the flannel manifest" || return
  mv "$out.tmp" "$out"
  # flanneld reaches the API server through the kubernetes Service, which kube-proxy programs on
  # its node: applied before that, it restarts once, as on any cluster. So first every node's
  # kube-proxy is Ready.
  local i nodes ready
  for ((i = 0; i < 240; i++)); do
    nodes=$(harness_exec "$host" kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o name | wc -l)
    ready=$(harness_exec "$host" kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get pods \
      -l k8s-app=kube-proxy -o 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
      grep -c True || true)
    ((nodes > 0 && ready == nodes)) && break
    sleep 0.5
  done
  ((nodes > 0 && ready == nodes)) || _harness_die "kube-proxy is Ready on $ready of $nodes nodes after 2 minutes" || return
  harness_exec "$host" kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f "$out" >&2 || return
  harness_exec "$host" kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-flannel rollout status \
    ds/kube-flannel-ds --timeout=180s >&2 || return
  _harness_log "pod network: flannel ($backend) on $cidr"
}
