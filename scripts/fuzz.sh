#!/usr/bin/env bash
# Runs kadm's libFuzzer targets (tests/fuzz) for longer than the test suite does.
#
#   scripts/fuzz.sh [SECONDS] [--merge] [--jobs N] [TARGET...]
#
# SECONDS per target (default 600); TARGET names such as `config` or `yaml_emit` (default: all).
# Targets run one after another at low priority (nice 10), or N at a time with --jobs N. New
# inputs collect in build-fuzz/tests/fuzz/new/<target>; --merge then adds to the seed corpus in
# tests/fuzz/corpus/<target>/ only those that reach code the corpus does not (libFuzzer -merge=1).
# A finding is written to build-fuzz/tests/fuzz/artifacts/ and makes the script exit 1; replay
# it with `build-fuzz/tests/fuzz/<target>_fuzz <file>`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=600
merge=0
jobs=1
targets=()
while (($#)); do
  case $1 in
    --merge) merge=1 ;;
    --jobs) jobs=$2; shift ;;
    [0-9]*) seconds=$1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) targets+=("$1") ;;
  esac
  shift
done

cxx=${KADM_FUZZ_CXX:-clang++-16}
command -v "$cxx" >/dev/null || { echo "[fuzz] $cxx not found: run scripts/deps.sh" >&2; exit 1; }
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKADM_FUZZ=ON \
  -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
ninja -C build-fuzz -j"$(nproc)"

dir=build-fuzz/tests/fuzz
if ((${#targets[@]} == 0)); then
  for f in tests/fuzz/*_fuzz.cpp; do n=${f##*/}; targets+=("${n%_fuzz.cpp}"); done
fi

run_one() {
  local name=$1 args=()
  mkdir -p "$dir/new/$name" "$dir/artifacts"
  [[ -f tests/fuzz/$name.dict ]] && args+=("-dict=tests/fuzz/$name.dict")
  echo "[fuzz] $name: ${seconds}s"
  if nice -n 10 "$dir/${name}_fuzz" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$dir/artifacts/$name-" "${args[@]}" \
      "$dir/new/$name" "tests/fuzz/corpus/$name" >"$dir/$name.log" 2>&1; then
    echo "[fuzz] $name: no findings ($(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' \
      "$dir/$name.log" | awk '{print $2}') runs)"
  else
    echo "[fuzz] $name: FINDING, see $dir/$name.log and $dir/artifacts/" >&2
    return 1
  fi
}

failed=0
pids=()
for name in "${targets[@]}"; do
  [[ -x $dir/${name}_fuzz ]] || { echo "[fuzz] no target $name" >&2; exit 1; }
  run_one "$name" &
  pids+=($!)
  if ((${#pids[@]} >= jobs)); then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done

if ((merge)); then
  for name in "${targets[@]}"; do
    before=$(ls "tests/fuzz/corpus/$name" | wc -l)
    "$dir/${name}_fuzz" -merge=1 "tests/fuzz/corpus/$name" "$dir/new/$name" >/dev/null 2>&1
    echo "[fuzz] $name: corpus $before -> $(ls "tests/fuzz/corpus/$name" | wc -l) inputs"
  done
fi
exit "$failed"
