#!/usr/bin/env bash
# The whole test suite on a fresh machine: install dependencies, build kadm (warnings are
# errors), build the real Kubernetes binaries, node tools and images once (cached outside the
# repo), run every ctest tier (unit, integration, e2e), check formatting, then run the unit tests
# again under AddressSanitizer + UndefinedBehaviorSanitizer, and every libFuzzer target for a
# bounded number of inputs (clang, build-fuzz/).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

scripts/deps.sh

echo "[test] formatting"
mapfile -t sources < <(git ls-files '*.cpp' '*.h')
clang-format --dry-run --Werror "${sources[@]}"

echo "[test] build"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Debug >/dev/null
ninja -C build -j"$jobs"

# The current release, and the previous minor's newest patch that tests/e2e/kadm_upgrade.sh
# upgrades from (both cached after the first run).
K8S_RELEASES=(v1.37.2 v1.36.3)

echo "[test] real Kubernetes binaries (${K8S_RELEASES[*]})"
for v in "${K8S_RELEASES[@]}"; do KADM_K8S_VERSION=$v scripts/k8s-binaries.sh >/dev/null; done

echo "[test] real-node tools and images (tests/harness/IMAGES.md)"
scripts/node-tools.sh >/dev/null
for v in "${K8S_RELEASES[@]}"; do
  KADM="$PWD/build/cmd/kadm" KADM_K8S_VERSION=$v scripts/node-images.sh >/dev/null
done

echo "[test] unit, integration, e2e"
ctest --test-dir build --output-on-failure -j2

echo "[test] unit tests under ASan+UBSan"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKADM_SANITIZE=ON >/dev/null
ninja -C build-asan -j"$jobs" kadm_unit_tests kadm
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -L unit --output-on-failure -j2

echo "[test] fuzz targets, bounded runs under ASan+UBSan (scripts/fuzz.sh runs them longer)"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKADM_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++-16 >/dev/null
ninja -C build-fuzz -j"$jobs"
ctest --test-dir build-fuzz -L fuzz --output-on-failure -j2
