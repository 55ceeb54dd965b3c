#!/usr/bin/env bash
# kadm config images pull: uses crictl from PATH; names the image on failure; clear error when
# no runtime client exists. A fake crictl records its arguments (no registry is contacted).
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
repo=mirror.example.test/imgs

# 1. No runtime client at all: PATH holds only a directory without crictl/ctr.
mkdir "$tmp/empty"
if out=$(PATH="$tmp/empty" "$KADM" config images pull --kubernetes-version v1.20.9 2>&1); then
  echo "expected failure without a runtime client"; exit 1
fi
grep -q "no container runtime client found" <<<"$out" || { echo "$out"; exit 1; }

# 2. A fake crictl that succeeds.
mkdir "$tmp/bin"
cat >"$tmp/bin/crictl" <<SH
#!/bin/sh
echo "\$@" >> "$tmp/calls"
case "\$*" in *pause*) [ -n "\${FAIL_PAUSE:-}" ] && { echo "rpc error: not found" >&2; exit 1; } ;; esac
exit 0
SH
chmod +x "$tmp/bin/crictl"
out=$(PATH="$tmp/bin:$PATH" "$KADM" config images pull --kubernetes-version v1.20.9 \
  --image-repository "$repo" --cri-socket unix:///run/test.sock)
[ "$(grep -c '^\[config/images\] Pulled ' <<<"$out")" = 7 ] || { echo "$out"; exit 1; }
grep -q "^--runtime-endpoint unix:///run/test.sock pull $repo/etcd:3.4.13-0$" "$tmp/calls"

# 3. A failed pull names the image and the runtime's message.
if out=$(FAIL_PAUSE=1 PATH="$tmp/bin:$PATH" "$KADM" config images pull \
  --kubernetes-version v1.20.9 --image-repository "$repo" 2>&1); then
  echo "expected failure"; exit 1
fi
grep -q "$repo/pause:3.2" <<<"$out" && grep -q "rpc error: not found" <<<"$out" || { echo "$out"; exit 1; }
echo PASS
