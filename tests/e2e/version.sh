#!/usr/bin/env bash
# --version names the program, the ABI, the commit and the libraries it runs
# with; run.json records the same.  Expected values come from elsewhere: the
# header's ABI defines, git, curl-config and pkg-config.
. "$(dirname "$0")/lib.bash"

hdr=$VSR_SRC/include/vsrbench_adapter.h
abi=$(sed -n 's/^#define VSRBENCH_ABI_MAJOR \([0-9]*\).*/\1/p' "$hdr").$(
	sed -n 's/^#define VSRBENCH_ABI_MINOR \([0-9]*\).*/\1/p' "$hdr")
ver=$(sed -n 's/^project(vsrbench VERSION \([0-9.]*\).*/\1/p' "$VSR_SRC/CMakeLists.txt")

expect_exit 0 "$VSRBENCH" --version
[ "$(head -1 "$T/out")" = "vsrbench $ver (adapter ABI $abi)" ] || fail "first line: $(head -1 "$T/out")"
expect_out "libturbojpeg/$(pkg-config --modversion libturbojpeg) (compile-time)"

# libraries: the versions the system's development files name.  pkg-config
# describes the installed library, which is the one the binary runs with.
lib_want() { # NAME VERSION
	grep -qE "(^| )$1/$2( |$)" "$T/out" || fail "--version lacks $1/$2: $(cat "$T/out")"
}
if command -v curl-config >/dev/null; then
	lib_want libcurl "$(curl-config --version | sed 's/^libcurl //')"
fi
lib_want PCRE2 "$(pkg-config --modversion libpcre2-8)"
lib_want zlib "$(pkg-config --modversion zlib)"
lib_want libpng "$(pkg-config --modversion libpng)"
lib_want libzip "$(pkg-config --modversion libzip)"
lib_want libxml2 "$(pkg-config --modversion libxml-2.0)"
lib_want cJSON "$(pkg-config --modversion libcjson)"

# The commit, when the source is a git checkout (a tarball build has none).
if command -v git >/dev/null && head=$(git -C "$VSR_SRC" rev-parse --verify -q HEAD); then
	grep -qE "^commit: $head(-dirty)?$" "$T/out" || fail "commit line, want $head: $(cat "$T/out")"
else
	! grep -q '^commit:' "$T/out" || fail "a commit line without git"
fi
cp "$T/out" "$T/version"

# run.json's "build" says the same as --version.
expect_exit 0 "$VSRBENCH" run -m builtin:yes -S count=4 -q -o "$T/run"
jq -e --arg v "$ver" --arg a "$abi" '.build.version == $v and .build.abi == $a' "$T/run/run.json" \
	>/dev/null || fail "run.json build: $(jq -c .build "$T/run/run.json")"
commit=$(jq -r .build.commit "$T/run/run.json")
if [ -n "$commit" ]; then
	grep -qxF "commit: $commit" "$T/version" || fail "run.json commit $commit"
fi
jq -r '.build.libraries | to_entries[] | "\(.key)/\(.value)"' "$T/run/run.json" >"$T/libs"
[ "$(wc -l <"$T/libs")" -ge 7 ] || fail "run.json libraries: $(cat "$T/libs")"
while read -r l; do
	grep -qF " $l" "$T/version" || fail "run.json names $l, --version does not"
done <"$T/libs"
# The same run again resumes: "build" is no part of the configuration.
expect_exit 0 "$VSRBENCH" run -m builtin:yes -S count=4 -q -o "$T/run"
echo ok
