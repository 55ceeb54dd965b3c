#!/usr/bin/env bash
# Compiles one-line probes with each layer's own include path (see CMakeLists.txt here):
#   "<layer> own <header>"   must compile;
#   "<layer> above <header>" must fail because the header is not found, and for no other reason.
set -uo pipefail
cxx=$1 dir=$2
failures=0 checked=0
while read -r layer kind header; do
  checked=$((checked + 1))
  out=$(printf '#include "%s"\n' "$header" |
    "$cxx" @"$dir/$layer.flags" -fsyntax-only -x c++ - 2>&1)
  status=$?
  if [[ $kind == own && $status -ne 0 ]]; then
    echo "FAIL: layer '$layer' cannot compile its own header $header:"
    echo "$out" | head -5
    failures=$((failures + 1))
  elif [[ $kind == above && $status -eq 0 ]]; then
    echo "FAIL: layer '$layer' can include $header, which belongs to a higher layer"
    failures=$((failures + 1))
  elif [[ $kind == above && $out != *"$header"*"No such file or directory"* ]]; then
    echo "FAIL: probing $header from layer '$layer' failed for another reason:"
    echo "$out" | head -5
    failures=$((failures + 1))
  fi
done <"$dir/probes.txt"
echo "$checked probes, $failures failures"
[[ $checked -gt 0 && $failures -eq 0 ]]
