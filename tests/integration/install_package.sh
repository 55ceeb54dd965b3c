#!/usr/bin/env bash
# `cmake --install` lays out the binary, its bash completion and the man page; `cpack -G DEB`
# packs them into a .deb under /usr.
set -euo pipefail
[[ -x ${KADM:-} ]] || { echo "KADM must point at the kadm binary" >&2; exit 1; }
fail() { echo "FAIL: $*" >&2; exit 1; }
build=$(cd "$(dirname "$KADM")/.." && pwd)
[[ -f $build/CMakeCache.txt ]] || { echo "no CMake build directory above $KADM" >&2; exit 77; }
command -v cmake >/dev/null || exit 77
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The completion file is a build product of its own target; make sure it is current.
cmake --build "$build" --target kadm_completion >/dev/null
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" || { cat "$work/install.log" >&2; fail "install failed"; }
for f in bin/kadm share/bash-completion/completions/kadm share/man/man1/kadm.1; do
  [[ -s $work/prefix/$f ]] || fail "install did not put $f under the prefix"
done
[[ -x $work/prefix/bin/kadm ]] || fail "installed kadm is not executable"
"$work/prefix/bin/kadm" version -o short | grep -q '^v' || fail "installed kadm does not run"
grep -q 'complete -F _kadm_complete kadm' "$work/prefix/share/bash-completion/completions/kadm" ||
  fail "installed completion does not register kadm"
if command -v man >/dev/null; then
  MANWIDTH=80 man -l "$work/prefix/share/man/man1/kadm.1" 2>/dev/null | grep -q 'kadm - bootstrap' ||
    fail "the man page does not render"
fi

command -v dpkg-deb >/dev/null || { echo "dpkg-deb missing: package check skipped"; exit 77; }
command -v cpack >/dev/null || exit 77
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; fail "cpack -G DEB failed"; }
deb=$(find "$work/pkg" -maxdepth 1 -name '*.deb' | head -n 1)
[[ -n $deb ]] || fail "cpack produced no .deb"
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/kadm ./usr/share/bash-completion/completions/kadm ./usr/share/man/man1/kadm.1; do
  grep -q " $f\$" <<<"$contents" || fail ".deb lacks $f: $contents"
done
dpkg-deb -f "$deb" Package | grep -qx kadm || fail ".deb is not named kadm"
# libcurl is opened on first use (no DT_NEEDED entry for dpkg-shlibdeps to find): the package
# must still depend on it (tests/integration/curl_opened_on_use.sh checks the binary finds it).
depends=$(dpkg-deb -f "$deb" Depends)
grep -q 'libcurl4' <<<"$depends" || fail ".deb does not depend on libcurl4: $depends"
echo "install and package: ok ($(basename "$deb"))"
