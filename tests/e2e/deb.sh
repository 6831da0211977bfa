#!/usr/bin/env bash
# The Debian packages (CPack): built from this build, Depends: as
# dpkg-shlibdeps computes it, extracted with dpkg-deb -x into a scratch root
# and run from there; lintian clean but for the overrides the packages ship
# (each explained in pkg/lintian-*).
. "$(dirname "$0")/lib.bash"
for t in cpack dpkg-deb dpkg-shlibdeps; do
	command -v $t >/dev/null || { echo "skipped: $t missing (apt-get install dpkg-dev cmake)"; exit 77; }
done

# A sanitizer build is no package anyone ships (and would depend on libasan).
if objdump -p "$VSR_BUILD/vsrbench" | grep -E 'NEEDED +libasan' >/dev/null; then
	echo "skipped: a sanitizer build; the packages are checked in the plain build"
	exit 77
fi

cpack --config "$VSR_BUILD/CPackConfig.cmake" -G DEB -B "$T/pkg" >"$T/cpack.log" 2>&1 ||
	fail "cpack: $(tail -20 "$T/cpack.log")"
ver=$(sed -n 's/^project(vsrbench VERSION \([0-9.]*\).*/\1/p' "$VSR_SRC/CMakeLists.txt")
deb=$T/pkg/vsrbench_${ver}_$(dpkg --print-architecture).deb
dev=$T/pkg/vsrbench-dev_${ver}_all.deb
[ -f "$deb" ] && [ -f "$dev" ] || fail "no packages: $(ls "$T/pkg")"
[ "$(dpkg-deb -f "$deb" Version)" = "$ver" ] || fail "Version: $(dpkg-deb -f "$deb" Version)"

# Depends: every Debian package holding a library the binary or a plug-in
# names as NEEDED (objdump, ldd for the path, dpkg -S: computed apart from
# dpkg-shlibdeps).
dpkg-deb -f "$deb" Depends >"$T/depends"
for f in "$VSR_BUILD/vsrbench" "$VSR_BUILD"/adapters/*.so; do
	ldd "$f" >"$T/ldd"
	objdump -p "$f" | awk '$1 == "NEEDED" {print $2}' | while read -r so; do
		awk -v so="$so" '$1 == so && $2 == "=>" {print $3}' "$T/ldd"
	done
done | sort -u >"$T/libs"
[ -s "$T/libs" ] || fail "no NEEDED libraries found"
while read -r lib; do
	real=$(readlink -f "$lib")
	pkg=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$real" 2>/dev/null || true)
	pkg=${pkg%%:*}
	[ -n "$pkg" ] || continue # a library no package owns: nothing to depend on
	grep -qE "(^|, )$pkg( |,|$)" "$T/depends" || fail "Depends lacks $pkg (for $lib): $(cat "$T/depends")"
done <"$T/libs"

R=$T/root
dpkg-deb -x "$deb" "$R"
dpkg-deb -x "$dev" "$R"
[ -x "$R/usr/bin/vsrbench" ] || fail "no usr/bin/vsrbench"
[ -f "$R/usr/share/doc/vsrbench/README.md" ] || fail "no README"
[ -f "$R/usr/share/bash-completion/completions/vsrbench" ] || fail "no bash completion"
if [ -f "$VSR_BUILD/doc/vsrbench.1" ]; then
	[ -f "$R/usr/share/man/man1/vsrbench.1.gz" ] || fail "no man page"
fi
"$R/usr/bin/vsrbench" --version >"$T/version" || fail "--version"
"$R/usr/bin/vsrbench" list models >"$T/models"
adir=$(dirname "$(find "$R" -name builtin-geometry.so)")
grep -qF "builtin models (from $adir)" "$T/models" || fail "list models: $(cat "$T/models")"
"$R/usr/bin/vsrbench" run -S count=20 -q -o "$T/run" || fail "default job from the package"
jq -e '.model.spec == "builtin:geometry"' "$T/run/run.json" >/dev/null || fail "run.json"
# The packaged binary is stripped; it still names the commit (not debug info).
grep -q '^libraries: libcurl/' "$T/version" || fail "--version: $(cat "$T/version")"

# A plug-in built from the -dev package alone.
cat >"$T/p.c" <<'C'
#include "vsrbench_adapter.h"
#include "vsrbench_adapter_options.h"
int probe(void);
int probe(void) { return VSRBENCH_ABI_MAJOR + (vsrbench_opt_get("{}", "k", 0, 0) == VSRBENCH_OPT_ABSENT); }
C
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror $(PKG_CONFIG_LIBDIR="$R/usr/lib/pkgconfig" pkg-config --cflags vsrbench-adapter) \
	-shared -fPIC -o "$T/p.so" "$T/p.c" || fail "plug-in against the -dev package"
# The packaged example, built against the packaged SDK and run by the packaged binary.
ex=$R/usr/share/doc/vsrbench/examples/constant_plugin.c
[ -f "$ex" ] || fail "no examples/constant_plugin.c in the package"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror $(PKG_CONFIG_LIBDIR="$R/usr/lib/pkgconfig" pkg-config --cflags vsrbench-adapter) \
	-shared -fPIC -o "$T/constant.so" "$ex" || fail "the packaged example does not build"
"$R/usr/bin/vsrbench" run -m "lib:$T/constant.so" -M answer=no -S count=8 -q -o "$T/ex" ||
	fail "the packaged example does not run"
[ "$(jq -s '[.[] | select(.answer == "no")] | length' "$T/ex/samples.jsonl")" = 8 ] || fail "the example's answers"

if command -v lintian >/dev/null; then
	# lintian warns about being run as root; nothing else may remain.
	lintian --tag-display-limit 0 "$deb" "$dev" 2>&1 | grep -v '^running with root privileges' >"$T/lintian" || true
	[ ! -s "$T/lintian" ] || fail "lintian: $(cat "$T/lintian")"
else
	echo "note: lintian not installed, not run"
fi
echo ok
