#!/usr/bin/env bash
# The adapter ABI's struct_size promise, tested with real builds and real
# dlopen (include/vsrbench_adapter.h: "fields are only appended; each side
# reads a field only when the other side's struct_size covers it"):
#
#  1. a NEWER plug-in under this host: tests/tools/abi_adapter.c built with
#     cc against a copy of the header that appends a field to
#     vsrbench_request and to vsrbench_response (ABI 2.2), run by vsrbench
#     over the synth suite with batches of up to 8; every answer must reach
#     the journal at its own task, with the usage it reported (2.1 fields);
#  2. the usage fields of 2.1 (tokens a plug-in reports): summed like a
#     served model's (journal, report.json, status.json, summary) and held
#     to --budget-tokens; a plug-in built against ABI 2.0 as it shipped
#     reports none; a plug-in whose table claims 2.0 while it writes the
#     fields is not read;
#  3. OLDER plug-ins under a newer host: tests/tools/abi_host.c built
#     against that 2.2 copy loads the same plug-in source built against the
#     2.0 copy and against include/ as it is (2.1), and the project's
#     builtin:yes, passing the larger structs;
#  4. a plug-in of ABI 1 (its table written out below, as a 1.x adapter
#     had it) is refused with a one-line message and exit 2.
#
# The expected replies and token counts are recomputed here from each prompt
# (jq), not taken from the plug-in.
. "$(dirname "$0")/lib.bash"

CC=${CC:-cc}
command -v "$CC" >/dev/null || { echo "skipped: no C compiler ($CC)"; exit 77; }
INC=$VSR_SRC/include
TOOLS=$VSR_SRC/tests/tools
CFLAGS=(-std=c11 -pedantic -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -pthread)
# In a sanitizer build the project's plug-ins need the sanitizer runtime in
# the host that loads them: build the test's programs the same way.
if grep -q '^VSR_SANITIZE:BOOL=ON' "$VSR_BUILD/CMakeCache.txt" 2>/dev/null; then
	CFLAGS+=(-fsanitize=address,undefined -fno-omit-frame-pointer)
fi
cd "$T"

# --- the headers: 2.0 as it shipped, 2.2 (one more field in the request and the response) ---
mkdir v20 new
cp "$INC/vsrbench_adapter_options.h" v20/
cp "$INC/vsrbench_adapter_options.h" new/
grep -q '^#define VSRBENCH_ABI_MINOR 1$' "$INC/vsrbench_adapter.h" ||
	fail "include/vsrbench_adapter.h is not ABI 2.1: update this test"
# 2.0: the response without what 2.1 appended (between its two markers).
awk '/ABI 2.0 ends here/ { print; skip = 1; next }
     skip && /ABI 2.1 ends here/ { skip = 0; next }
     !skip { print }' "$INC/vsrbench_adapter.h" |
	sed 's/^#define VSRBENCH_ABI_MINOR 1$/#define VSRBENCH_ABI_MINOR 0/' >v20/vsrbench_adapter.h
! grep -q 'int64_t prompt_tokens' v20/vsrbench_adapter.h && grep -q '^#define VSRBENCH_ABI_MINOR 0$' v20/vsrbench_adapter.h ||
	fail "could not make the 2.0 copy of vsrbench_adapter.h"
awk '/ABI 2.1 ends here/ { n++
	if (n == 1) print "\tconst char *hint; /* 2.2 */"
	if (n == 2) print "\tdouble confidence; /* 2.2 */" }
     { print }' "$INC/vsrbench_adapter.h" |
	sed 's/^#define VSRBENCH_ABI_MINOR 1$/#define VSRBENCH_ABI_MINOR 2/' >new/vsrbench_adapter.h
[ "$(grep -c '/\* 2.2 \*/' new/vsrbench_adapter.h)" = 2 ] &&
	grep -q '^#define VSRBENCH_ABI_MINOR 2$' new/vsrbench_adapter.h ||
	fail "could not make the 2.2 copy of vsrbench_adapter.h"

# --- real builds: the same plug-in source against each header, the host against 2.2 ---
"$CC" "${CFLAGS[@]}" -I new -shared -fPIC -o new.so "$TOOLS/abi_adapter.c" || fail "build new.so"
"$CC" "${CFLAGS[@]}" -I "$INC" -shared -fPIC -o cur.so "$TOOLS/abi_adapter.c" || fail "build cur.so"
"$CC" "${CFLAGS[@]}" -I v20 -shared -fPIC -o old.so "$TOOLS/abi_adapter.c" || fail "build old.so"
# Writes the 2.1 fields, but its table says 2.0.
"$CC" "${CFLAGS[@]}" -I "$INC" -DCLAIM_MINOR=0 -shared -fPIC -o claims20.so "$TOOLS/abi_adapter.c" ||
	fail "build claims20.so"
"$CC" "${CFLAGS[@]}" -I new -o abi_host "$TOOLS/abi_host.c" -ldl || fail "build abi_host"

# none JQ_ARGS...: jq -c must select nothing; else fails with the first three.
none() {
	jq -c "$@" >"$T/bad" || fail "jq $*"
	[ ! -s "$T/bad" ] || fail "$(head -3 "$T/bad")"
}
# reply(HINT; TAG): the plug-in's reply recomputed from .prompt and .id
# (the prompts are ASCII, so code points are bytes).
reply_of='def reply($x; $tag): (.prompt | explode | add) as $s |
	(if $s % 2 == 0 then "Yes" else "No" end) +
	" [id=\(.id) n=\(.prompt | length) s=\($s) x=\($x) tag=\($tag)]";'

# usage DIR: the totals the plug-in's usage should sum to, recomputed from
# each journal line's prompt and reply (tokens in: the prompt's bytes; out:
# the reply's bytes; reasoning: the prompt's byte sum % 5, where 0 is the
# ABI's "not counted": summed over the others, and their number said).
usage_of() {
	jq -s '{answers_reported: length, tokens_in: (map(.prompt | utf8bytelength) | add),
		tokens_out: (map(.response | utf8bytelength) | add),
		answers_reasoning_reported: (map(select(.prompt | explode | add | . % 5 != 0)) | length),
		tokens_reasoning: (map(.prompt | explode | add | . % 5) | add), answers_cached: 0}' \
		"$1/samples.jsonl"
}
# Each journal line's own counts, recomputed from its prompt and reply.
line_usage='select(.tokens_in != (.prompt | utf8bytelength) or
	.tokens_out != (.response | utf8bytelength) or
	.tokens_reasoning != (.prompt | explode | add | . % 5 | if . == 0 then null else . end))
	| {usage_not_at_its_task: .key, prompt, response, tokens_in, tokens_out, tokens_reasoning}'

# --- 1. a 2.2 plug-in under this 2.1 host --------------------------------------
tag='é "q" \/'
expect_exit 0 "$VSRBENCH" run -m "lib:$T/new.so" -M "tag=$tag" -M "batch_file=$T/batches" \
	-M delay_ms=20 -S count=40 -j 2 -q -o run22
[ "$(wc -l <run22/samples.jsonl)" = 40 ] || fail "40 tasks, $(wc -l <run22/samples.jsonl) journal lines"
jq -e 'select(.prompt | test("^[ -~]*$") | not)' run22/samples.jsonl >/dev/null &&
	fail "a synth prompt is not ASCII (the test's byte sums assume it)"
# Every reply at its own task: the task's key, the task's prompt, no hint
# (this host's request is 2.1), and the -M tag decoded by the options reader.
none "$reply_of"'select(.response != ({id: .key, prompt} | reply("-"; $tag)))
	| {not_at_its_task: .key, prompt, response}' --arg tag "$tag" run22/samples.jsonl
none "$reply_of"'select(.answer != (if ({id: .key, prompt} | reply("-"; "") | startswith("Yes"))
	then "yes" else "no" end)) | {answer_not_extracted: .key, response, answer}' run22/samples.jsonl
[ "$(jq -r .key run22/samples.jsonl | sort -u | wc -l)" = 40 ] || fail "task keys repeat"
[ "$(awk '{ s += $1 } END { print s }' batches)" = 40 ] || fail "batch sizes do not add up to 40"
sort -n batches | tail -1 | awk '$1 < 2 || $1 > 8 { exit 1 }' ||
	fail "no batch of 2 to 8 requests: $(sort -n batches | uniq -c | tr '\n' ' ')"
jq -e '.model.fingerprint | startswith("abi_compat/1 abi 2.2 ")' run22/run.json >/dev/null ||
	fail "fingerprint: $(jq .model.fingerprint run22/run.json)"
jq -e '.overall.errors == 0' run22/report.json >/dev/null || fail "errors in the 2.2 run"
# The usage it reported, at each task (the 2.1 fields sit before the 2.2 ones).
none "$line_usage" run22/samples.jsonl

# The same source built against 2.1 and 2.0 gives the same replies under the same host.
expect_exit 0 "$VSRBENCH" run -m "lib:$T/cur.so" -M "tag=$tag" -S count=40 -j 2 -q -o run21
expect_exit 0 "$VSRBENCH" run -m "lib:$T/old.so" -M "tag=$tag" -S count=40 -j 2 -q -o run20
for r in run21 run20; do
	cmp <(jq -r '[.item, .response] | @tsv' $r/samples.jsonl | sed 's/id=[0-9a-f]*//' | sort) \
		<(jq -r '[.item, .response] | @tsv' run22/samples.jsonl | sed 's/id=[0-9a-f]*//' | sort) ||
		fail "$r and the 2.2 build of one plug-in answer differently"
done
# The options reader refuses what the plug-in does not know.
expect_exit 2 "$VSRBENCH" run -m "lib:$T/new.so" -M colour=blue -q -o x
expect_err 'unknown option "colour" (abi_compat takes tag, batch_file, delay_ms)'
expect_one_line_err

# --- 2. usage: summed like a served model's; none from 2.0 plug-ins -----------
# The 2.1 build: every line's counts, and the totals of report.json,
# status.json and the summary equal the sums recomputed from the journal's
# prompts and replies.
expect_exit 0 "$VSRBENCH" run -m "lib:$T/cur.so" -M "tag=$tag" -S count=40 -j 2 -q -o use21
none "$line_usage" use21/samples.jsonl
usage_of use21 >want.json
jq -e '.answers_reported == 40 and .tokens_in > 0 and .tokens_reasoning > 0' want.json >/dev/null ||
	fail "recomputed usage: $(cat want.json)"
jq -e --slurpfile w want.json '.usage == $w[0]' use21/report.json >/dev/null ||
	fail "report.json usage: $(jq -c .usage use21/report.json), recomputed $(jq -c . want.json)"
jq -e --slurpfile w want.json '.suites.synth.usage.tokens_in == $w[0].tokens_in' use21/report.json \
	>/dev/null || fail "report.json synth usage: $(jq -c .suites.synth.usage use21/report.json)"
jq -e --slurpfile w want.json '.tokens_now == {in: $w[0].tokens_in, out: $w[0].tokens_out,
	reasoning: $w[0].tokens_reasoning}' use21/status.json >/dev/null ||
	fail "status.json: $(jq -c .tokens_now use21/status.json)"
expect_out "$(jq -r '"tokens: \(.tokens_in) in, \(.tokens_out) out (\(.tokens_reasoning) reasoning\(
	if .answers_reasoning_reported < 40 then ", reported by \(.answers_reasoning_reported) answers"
	else "" end)) over 40 answers"' want.json)"

# The 2.0 build and the one whose table claims 2.0: no usage at all.
for so in old claims20; do
	expect_exit 0 "$VSRBENCH" run -m "lib:$T/$so.so" -S count=10 -j 2 -o "use-$so"
	none 'select(has("tokens_in") or has("tokens_out") or has("tokens_reasoning"))
		| {usage_from_a_20_plugin: .key}' "use-$so/samples.jsonl"
	jq -e '(.usage.answers_reported // 0) == 0' "use-$so/report.json" >/dev/null ||
		fail "$so.so: report.json usage $(jq -c .usage "use-$so/report.json")"
	grep -q '^tokens:' "$T/out" && fail "$so.so: a tokens line: $(grep '^tokens:' "$T/out")"
done
jq -e '.model.fingerprint | startswith("abi_compat/1 abi 2.0 ")' use-claims20/run.json >/dev/null ||
	fail "claims20 fingerprint: $(jq .model.fingerprint use-claims20/run.json)"

# --budget-tokens holds a plug-in to its usage: exit 4, then a resume finishes.
# A task of this synth prompt costs its bytes + the reply's (over 100 tokens):
# 600 tokens allow at most 5 tasks at -j 1.
expect_exit 4 "$VSRBENCH" run -m "lib:$T/cur.so" -S count=20 -t yn01 -j 1 -q -o budget \
	--budget-tokens 600
expect_one_line_err
expect_err "stopped before the budget of 600 tokens"
jq -e '.complete == false and .stopped_by == "budget"' budget/status.json >/dev/null ||
	fail "budget status.json: $(cat budget/status.json)"
n=$(wc -l <budget/samples.jsonl)
used=$(jq -s 'map(.tokens_in + .tokens_out) | add' budget/samples.jsonl)
[ "$n" -ge 1 ] && [ "$n" -lt 20 ] && [ "$used" -le 600 ] ||
	fail "--budget-tokens 600: $n tasks used $used tokens"
expect_err "$used used by $n new tasks"
expect_exit 0 "$VSRBENCH" run -m "lib:$T/cur.so" -S count=20 -t yn01 -j 1 -q -o budget
[ "$(wc -l <budget/samples.jsonl)" = 20 ] || fail "resumed: $(wc -l <budget/samples.jsonl) lines"

# --- 3. older plug-ins under a 2.2 host ------------------------------------------
# tsv_of FILE: the host's lines as JSON {k, id, prompt, status, conf, text, p, c, r}.
tsv_of() {
	jq -R 'split("\t") | {k: (.[0] | tonumber), id: .[1], prompt: .[2],
		status: (.[3] | tonumber), conf: (.[4] | tonumber), text: .[5],
		p: (.[6] | tonumber), c: (.[7] | tonumber), r: (.[8] | tonumber)}' "$1"
}
# The 2.0 build: no hint read, confidence and usage (which it does not know) left at 0.
expect_exit 0 ./abi_host "$T/old.so" 21 '{"tag":"old"}'
tsv_of out >old.json
[ "$(jq -s length old.json)" = 21 ] || fail "abi_host old.so: $(cat out)"
none "$reply_of"'select(.status != 0 or .conf != 0 or .p != 0 or .c != 0 or .r != 0
	or .text != reply("-"; "old")) | {old_plugin_newer_host: .}' old.json
# The 2.1 build: usage written, no hint, no confidence.
expect_exit 0 ./abi_host "$T/cur.so" 21 '{"tag":"cur"}'
tsv_of out >cur.json
[ "$(jq -s length cur.json)" = 21 ] || fail "abi_host cur.so: $(cat out)"
none "$reply_of"'select(.status != 0 or .conf != 0 or .text != reply("-"; "cur")
	or .p != (.prompt | length) or .c != (.text | length) or .r != (.prompt | explode | add | . % 5))
	| {cur_plugin_newer_host: .}' cur.json
# The 2.2 build under the 2.2 host: the appended fields flow both ways.
expect_exit 0 ./abi_host "$T/new.so" 21 '{"tag":"new"}'
tsv_of out >new.json
[ "$(jq -s length new.json)" = 21 ] || fail "abi_host new.so: $(cat out)"
none "$reply_of"'select(.status != 0 or .conf != 0.5 or .text != reply("hint-\(.k)"; "new")
	or .p != (.prompt | length)) | {new_plugin_new_host: .}' new.json
# The project's own builtin:yes (built against include/ by cmake): no usage.
expect_exit 0 ./abi_host "$VSR_BUILD/adapters/builtin-yes.so" 21 '{}'
tsv_of out >yes.json
[ "$(jq -s length yes.json)" = 21 ] || fail "abi_host builtin-yes.so: $(cat out)"
none 'select(.status != 0 or .conf != 0 or .p != 0 or .c != 0
	or .text != (if .k % 2 == 1 then "B" else "Yes" end)) | {builtin_yes_newer_host: .}' yes.json

# --- 4. an ABI 1 plug-in: refused, one line, how to rebuild --------------------
# Its table as vsrbench_adapter.h 1.0 declared it (answer_batch took arrays
# of structs).  The host must not call any of it: each function aborts.
cat >abi1.c <<'EOF'
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

struct v1_request;
struct v1_response;
struct v1_adapter {
	uint32_t abi_major, abi_minor;
	size_t struct_size;
	const char *name;
	size_t max_batch;
	int thread_safe;
	int (*open)(const char *config_json, void **state, char *err, size_t errlen);
	int (*answer_batch)(void *state, const struct v1_request *req, struct v1_response *resp,
			    size_t n);
	void (*free_response)(void *state, struct v1_response *resp);
	void (*close)(void *state);
	const char *version;
};

static int v1_open(const char *c, void **s, char *e, size_t n)
{ (void)c; (void)s; (void)e; (void)n; abort(); }
static int v1_answer(void *s, const struct v1_request *q, struct v1_response *r, size_t n)
{ (void)s; (void)q; (void)r; (void)n; abort(); }
static void v1_free(void *s, struct v1_response *r) { (void)s; (void)r; abort(); }
static void v1_close(void *s) { (void)s; abort(); }

static const struct v1_adapter table = {
	1, 0, sizeof(struct v1_adapter), "old", 8, 1, v1_open, v1_answer, v1_free, v1_close, "1",
};

const struct v1_adapter *vsrbench_adapter_entry(uint32_t host_abi_major);
const struct v1_adapter *vsrbench_adapter_entry(uint32_t host_abi_major)
{
#ifdef CHECKS_MAJOR
	return host_abi_major == 1 ? &table : NULL; /* as the 1.x builtins did */
#else
	(void)host_abi_major;
	return &table;
#endif
}
EOF
"$CC" "${CFLAGS[@]}" -shared -fPIC -o abi1.so abi1.c || fail "build abi1.so"
"$CC" "${CFLAGS[@]}" -DCHECKS_MAJOR -shared -fPIC -o abi1_null.so abi1.c || fail "build abi1_null.so"

expect_exit 2 "$VSRBENCH" run -m "lib:$T/abi1.so" -S count=5 -q -o x
expect_one_line_err
want="vsrbench: error: $T/abi1.so: adapter ABI 1.0 is not compatible with host ABI 2.1: rebuild it against vsrbench_adapter.h of this vsrbench (cc -I$INC -shared -fPIC -o abi1.so SOURCE.c)"
[ "$(cat "$T/err")" = "$want" ] || fail "ABI 1 message: $(cat "$T/err")
want: $want"
expect_exit 2 "$VSRBENCH" run -m "lib:$T/abi1_null.so" -S count=5 -q -o x
expect_one_line_err
want="vsrbench: error: $T/abi1_null.so: adapter refuses host ABI 2.1 (vsrbench_adapter_entry(2) returned NULL: built for another ABI major): rebuild it against vsrbench_adapter.h of this vsrbench (cc -I$INC -shared -fPIC -o abi1_null.so SOURCE.c)"
[ "$(cat "$T/err")" = "$want" ] || fail "ABI 1 (NULL) message: $(cat "$T/err")
want: $want"
[ ! -e x/samples.jsonl ] || fail "a refused plug-in left a journal"
echo ok
