#!/usr/bin/env bash
# base/banned.h: a banned call (sprintf, strcpy, atoi, gmtime ...) does not
# compile, and every source file of the program includes banned.h with no
# system header after it (one after it would see the macros and turn the
# declarations of banned names into stray variables, so a banned call would
# compile and fail only at link time).  Both checks are shown failing on a
# small file first, so that they cannot pass for the wrong reason.
. "$(dirname "$0")/lib.bash"
CC=${CC:-cc}
command -v "$CC" >/dev/null || { echo "skipped: no C compiler '$CC'"; exit 77; }
: "${VSR_SRC:?run through ctest, which sets VSR_SRC}"
cd "$T"
INC=(-I"$VSR_SRC" -I"$VSR_SRC/include")
# shellcheck disable=SC2207
INC+=($(pkg-config --cflags-only-I libcjson libcurl libpcre2-8 libpng zlib libturbojpeg libzip libxml-2.0 2>/dev/null || true))

# ---- a banned call is a compile error, naming the function -----------------------
probe() { # NAME CALL: a file calling CALL, banned.h last
	cat >"$1.c" <<EOF
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdint.h>

#include "base/util.h"

int probe(char *buf, const char *s, time_t *t);
int probe(char *buf, const char *s, time_t *t)
{
	(void)buf; (void)s; (void)t;
	return (int)(intptr_t)($2);
}
EOF
}
probe ok 'snprintf(buf, 8, "%s", s)'
expect_exit 0 "$CC" -fsyntax-only "${INC[@]}" ok.c
for call in 'sprintf(buf, "%s", s)' 'strcpy(buf, s)' 'strcat(buf, s)' 'strncpy(buf, s, 4)' \
	'atoi(s)' 'atol(s)' 'atof(s)' 'strtok(buf, s)' 'gmtime(t)' 'localtime(t)' 'ctime(t)' \
	'mktemp(buf)' 'tmpnam(buf)'; do
	name=${call%%(*}
	probe "$name" "$call"
	expect_exit 1 "$CC" -fsyntax-only "${INC[@]}" "$name.c"
	expect_err "sorry_${name}_is_a_banned_function"
done

# ---- no source file includes a system header after banned.h ---------------------
# check FILE: banned.h is included, and no banned name was expanded in a
# declaration (a system header after it) or a call.
check() {
	local tree
	tree=$("$CC" -E -H "${INC[@]}" "$1" -o "$T/pp.i" 2>&1) || fail "$1 does not preprocess: $tree"
	grep -qE '^\.+ (.*/)?base/banned\.h$' <<<"$tree" || return 1
	! grep -q '_is_a_banned_function' "$T/pp.i"
}
# The check itself: util.h (so banned.h) before <time.h> fails it, after passes.
printf '#include "base/util.h"\n#include <time.h>\n' >late.c
printf '#include <time.h>\n#include "base/util.h"\n' >last.c
printf '#include <time.h>\n' >none.c
check late.c && fail "a system header after banned.h was not noticed"
check none.c && fail "a file without banned.h was not noticed"
check last.c || fail "banned.h last was taken for a mistake"

n=0
for f in "$VSR_SRC"/{base,suites,harness,metrics,reports,cli,adapters}/*.c; do
	case $f in
	*/adapters/builtin_*) continue ;; # plug-ins: built against the public header only
	esac
	check "$f" || fail "${f#"$VSR_SRC"/}: includes a system header after base/banned.h, or not banned.h at all (see banned.h)"
	n=$((n + 1))
done
[ "$n" -gt 50 ] || fail "only $n source files checked"
echo "ok ($n files)"
