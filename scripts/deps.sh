#!/usr/bin/env bash
# Installs what building and testing kadm needs on a fresh Debian 12 machine (idempotent; runs
# apt-get only when something is missing). Go (>= the version k8s.io/kubernetes asks for) is
# expected on PATH: the Kubernetes test binaries are built from the Go module proxy. runc, the CNI
# plugins (/usr/lib/cni), mmdebstrap and busybox-static serve the real-node tools and images
# (scripts/node-tools.sh, scripts/node-images.sh). clang-16 and its runtime (libFuzzer, ASan,
# UBSan) build the fuzz targets (tests/fuzz, scripts/fuzz.sh).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git clang-format ccache
  libcli11-dev libyaml-cpp-dev libyaml-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libssl-dev
  libcurl4-openssl-dev libgtest-dev libgmp-dev
  clang-16 libclang-rt-16-dev
  openssl etcd-server etcd-client iproute2 util-linux procps psmisc curl python3 python3-yaml
  containerd docker-registry
  runc containernetworking-plugins mmdebstrap ca-certificates busybox-static
  iptables conntrack ebtables ethtool socat
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[deps] installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo=""; [[ $(id -u) == 0 ]] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's etcd-server, containerd and docker-registry packages may start system services; kadm's
# tests bring their own (a system containerd would make init/join tests pull real images).
if command -v systemctl >/dev/null; then
  for unit in etcd containerd docker-registry; do
    if systemctl is-active --quiet "$unit" 2>/dev/null; then systemctl stop "$unit" || true; fi
  done
fi
"$(dirname "$0")/../tests/harness/deps.sh"
command -v go >/dev/null || { echo "[deps] Go is required on PATH to build the Kubernetes test binaries" >&2; exit 1; }
