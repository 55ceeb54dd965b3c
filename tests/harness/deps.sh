#!/usr/bin/env bash
# Installs (with apt-get, only what is missing) what the test harness needs: ip (iproute2),
# unshare/nsenter/setsid/mount (util-linux, mount), hostname, pgrep/ps (procps), and Debian's
# python3 with PyYAML (python3-yaml), which the static pod runner and the waits use.
# The Kubernetes binaries come from scripts/k8s-binaries.sh (Go toolchain), not from here.
set -euo pipefail
packages=(iproute2 util-linux mount hostname procps python3 python3-yaml)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0
echo "[harness deps] installing: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
