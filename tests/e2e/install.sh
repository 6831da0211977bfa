#!/usr/bin/env bash
# `cmake --install` to a prefix, the prefix moved, the build and source trees
# out of sight: the installed tool runs the default job, lists its builtin
# models from the prefix, and loads a plug-in built from the installed SDK
# alone (pkg-config vsrbench-adapter, no -I of ours).
. "$(dirname "$0")/lib.bash"
command -v cc >/dev/null || { echo "skipped: no C compiler"; exit 77; }

cmake --install "$VSR_BUILD" --prefix "$T/p1" >"$T/install.log" || fail "cmake --install: $(cat "$T/install.log")"
# A moved prefix must still work: nothing may be found through the prefix
# the build was configured for or the one it was installed to.
mv "$T/p1" "$T/p2"
P=$T/p2
[ -x "$P/bin/vsrbench" ] || fail "no $P/bin/vsrbench"
pc=$(find "$P" -name vsrbench-adapter.pc)
[ -n "$pc" ] || fail "no vsrbench-adapter.pc under the prefix"
ls "$P"/include/vsrbench/vsrbench_adapter.h "$P"/include/vsrbench/vsrbench_adapter_options.h >/dev/null
[ -f "$P/share/doc/vsrbench/README.md" ] || fail "no README in share/doc/vsrbench"
[ -f "$P/share/bash-completion/completions/vsrbench" ] || fail "no bash completion"
[ -f "$P/share/zsh/vendor-completions/_vsrbench" ] || fail "no zsh completion"
[ -f "$P/share/doc/vsrbench/examples/constant_plugin.c" ] || fail "no examples/constant_plugin.c in share/doc/vsrbench"
[ -f "$P/share/doc/vsrbench/examples/exec_model.py" ] || fail "no examples/exec_model.py in share/doc/vsrbench"
if [ -f "$VSR_BUILD/doc/vsrbench.1" ]; then
	[ "$(gzip -dc "$P/share/man/man1/vsrbench.1.gz" | head -c 100000)" = "$(cat "$VSR_BUILD/doc/vsrbench.1")" ] ||
		fail "installed man page"
fi
adir=$(dirname "$(find "$P" -name builtin-geometry.so)")
case $adir in "$P"/lib*/vsrbench/adapters) ;; *) fail "plug-ins in $adir" ;; esac
# No text file of the prefix names the build tree or the source tree.
if grep -rIl -e "$VSR_BUILD" -e "$VSR_SRC" "$P" >"$T/refs"; then
	fail "installed files point back into the build or source tree: $(cat "$T/refs")"
fi

# The pkg-config module version is the ABI of the header (read from the header).
abi=$(sed -n 's/^#define VSRBENCH_ABI_MAJOR \([0-9]*\).*/\1/p' "$VSR_SRC/include/vsrbench_adapter.h").$(
	sed -n 's/^#define VSRBENCH_ABI_MINOR \([0-9]*\).*/\1/p' "$VSR_SRC/include/vsrbench_adapter.h")
got=$(PKG_CONFIG_LIBDIR="$(dirname "$pc")" pkg-config --modversion vsrbench-adapter)
[ "$got" = "$abi" ] || fail "vsrbench-adapter.pc says $got, the header $abi"

# A plug-in as an outside author writes it: reads -M answer=... with the SDK's
# helper and gives that answer to every request.
cat >"$T/mine.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vsrbench_adapter.h"
#include "vsrbench_adapter_options.h"

struct st { char answer[16]; };

static int my_open(const char *config_json, void **state, char *err, size_t errlen)
{
	static const char *const known[] = { "answer", NULL };
	struct st *s;

	if (vsrbench_opt_check_known(config_json, known, err, errlen))
		return 1;
	if (!(s = calloc(1, sizeof(*s))))
		return 1;
	if (vsrbench_opt_get(config_json, "answer", s->answer, sizeof(s->answer)) != VSRBENCH_OPT_FOUND)
		snprintf(s->answer, sizeof(s->answer), "yes");
	*state = s;
	return 0;
}

static int my_answer(void *state, const struct vsrbench_request *const *req,
		     struct vsrbench_response *const *resp, size_t n)
{
	const struct st *s = state;

	(void)req;
	for (size_t i = 0; i < n; i++) {
		char *t = malloc(strlen(s->answer) + 1);
		if (!t)
			return VSRBENCH_ERR_FATAL;
		memcpy(t, s->answer, strlen(s->answer) + 1);
		resp[i]->text = t;
		resp[i]->status = VSRBENCH_OK;
	}
	return 0;
}

static void my_free(void *state, struct vsrbench_response *resp) { (void)state; free(resp->text); }
static void my_close(void *state) { free(state); }

static const struct vsrbench_adapter table = {
	.abi_major = VSRBENCH_ABI_MAJOR, .abi_minor = VSRBENCH_ABI_MINOR,
	.struct_size = sizeof table, .name = "mine", .max_batch = 8, .thread_safe = 0,
	.open = my_open, .answer_batch = my_answer, .free_response = my_free,
	.close = my_close, .version = "1",
};

const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major)
{
	return host_abi_major == VSRBENCH_ABI_MAJOR ? &table : NULL;
}
C

# Everything below runs with the build tree and the source tree hidden under
# empty tmpfs mounts (a private mount namespace), so nothing can be found there.
cat >"$T/inside.sh" <<'SH'
set -euo pipefail
[ ! -e "$VSR_BUILD/vsrbench" ] || { echo "the build tree is still visible"; exit 1; }
[ ! -e "$VSR_SRC/include/vsrbench_adapter.h" ] || { echo "the source tree is still visible"; exit 1; }
cd "$T"
export PKG_CONFIG_LIBDIR="$PCDIR" PKG_CONFIG_PATH=
# shellcheck disable=SC2046
# exactly the SDK's promise: nothing but the pkg-config flags
cc $(pkg-config --cflags vsrbench-adapter) -shared -fPIC -o "$T/mine.so" "$T/mine.c"
# and clean under strict warnings
cc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags vsrbench-adapter) -fsyntax-only "$T/mine.c"
# the example README points to, as installed, built the way its first lines say
cp "$P/share/doc/vsrbench/examples/constant_plugin.c" "$T/"
cc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags vsrbench-adapter) -shared -fPIC \
	-o "$T/constant.so" "$T/constant_plugin.c"
"$P/bin/vsrbench" run -m "lib:$T/constant.so" -M answer=no -S count=12 -q -o "$T/example"
"$P/bin/vsrbench" list models >"$T/models"
# the installed completion, with the installed binary found on PATH
PATH=$P/bin:$PATH bash -c '. "$P/share/bash-completion/completions/vsrbench"
	COMP_LINE="vsrbench run -m builtin:geo"; COMP_POINT=${#COMP_LINE}; _vsrbench
	printf "%s\n" "${COMPREPLY[@]}"' >"$T/compl"
"$P/bin/vsrbench" run -o "$T/default" >"$T/default.out"
"$P/bin/vsrbench" run -m "lib:$T/mine.so" -M answer=no -S count=30 -q -o "$T/mine"
# VSRBENCH_ADAPTER_PATH adds a directory searched before the default one.
mkdir -p "$T/extra"
cp "$T/mine.so" "$T/extra/builtin-mine.so"
VSRBENCH_ADAPTER_PATH="$T/extra" "$P/bin/vsrbench" list models >"$T/models_extra"
VSRBENCH_ADAPTER_PATH="$T/none::$T/extra" "$P/bin/vsrbench" run -m builtin:mine -M answer=yes \
	-S count=10 -q -o "$T/extra_run"
SH
hide="mount -t tmpfs none \"\$VSR_SRC\""
case $VSR_BUILD in "$VSR_SRC"/*) ;; *) hide="$hide && mount -t tmpfs none \"\$VSR_BUILD\"" ;; esac
export T P VSR_BUILD VSR_SRC PCDIR="$(dirname "$pc")"
if unshare -rm true 2>/dev/null; then
	unshare -rm bash -c "$hide && exec bash \"\$T/inside.sh\"" >"$T/inside.log" 2>&1 ||
		fail "installed tool, trees hidden: $(cat "$T/inside.log")"
else
	# No user namespaces here (some containers): the moved prefix is still
	# a real test of the relative look-up, but the trees stay visible.
	echo "note: unshare -rm is not permitted; running with the trees visible"
	bash "$T/inside.sh" >"$T/inside.log" 2>&1 || fail "installed tool: $(cat "$T/inside.log")"
fi

grep -qF "builtin models (from $adir)" "$T/models" || fail "list models: $(cat "$T/models")"
grep -qF "builtin:geometry, builtin:no, builtin:random, builtin:yes" "$T/models" ||
	fail "list models: $(cat "$T/models")"
grep -qF "builtin models (from $T/extra:$adir)" "$T/models_extra" ||
	fail "list models with VSRBENCH_ADAPTER_PATH: $(cat "$T/models_extra")"
grep -qF "builtin:geometry, builtin:mine, builtin:no" "$T/models_extra" ||
	fail "list models with VSRBENCH_ADAPTER_PATH: $(cat "$T/models_extra")"
[ "$(cat "$T/compl")" = geometry ] || fail "installed bash completion: $(cat "$T/compl")"
jq -e '.model.spec == "builtin:geometry"' "$T/default/run.json" >/dev/null || fail "default job's model"
[ "$(wc -l <"$T/default/samples.jsonl")" -gt 0 ] || fail "default job journaled nothing"
[ "$(jq -s '[.[] | select(.answer == "no")] | length' "$T/mine/samples.jsonl")" = 30 ] ||
	fail "the pkg-config-built plug-in did not answer no 30 times"
[ "$(jq -s '[.[] | select(.answer == "no")] | length' "$T/example/samples.jsonl")" = 12 ] ||
	fail "the installed example, built through pkg-config, did not answer no 12 times"
[ "$(jq -s '[.[] | select(.answer == "yes")] | length' "$T/extra_run/samples.jsonl")" = 10 ] ||
	fail "builtin:mine from VSRBENCH_ADAPTER_PATH"
echo "ok"
