#!/usr/bin/env bash
# Issue 18, finding 6: one redaction for every file and stream.  A server
# that echoes the key in a 200 (the answer's text, meta.model,
# meta.system_fingerprint) or quotes it minus its last character in a 400
# leaves no 8-byte run of the key in any file of the run directory, in the
# reports, or on stdout/stderr; a key in base_url's fragment or path, or
# anything key-like there, is refused (exit 2) before anything is written.
# On today's main the journal holds the whole key (response, meta.model)
# and base_url fragments and paths are accepted.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
KEY="sk-proj-$RANDOM$RANDOM$RANDOM-echo-marker"
COMMON=(-S count=6 -t yn01 -q -M model=fake -M backoff=0.01)

# leaks FILE...: the 8-byte runs of the key found in these files (python:
# an independent check of every window, not our masking code).
leaks() {
	python3 - "$KEY" "$@" <<'PY'
import sys
key, files = sys.argv[1].encode(), sys.argv[2:]
runs = {key[i:i + 8] for i in range(len(key) - 7)}
for f in files:
    data = open(f, "rb").read()
    for r in sorted(runs):
        if r in data:
            print("%s: %s" % (f, r.decode()))
            break
PY
}

FAKE_LLM_KEY=$KEY start_server echo --plugin "$GEOMETRY" \
	--plan '{"every":2,"faults":["echo200"]}'
# Half the tasks echo the key in a 200; the rest answer normally.
expect_exit 0 env OPENAI_API_KEY="$KEY" "$V" run -m openai \
	-M base_url="http://127.0.0.1:$PORT/v1" "${COMMON[@]}" -o ok
cp "$T/out" ok.out
cp "$T/err" ok.err
server_log "$PORT" | jq -e 'map(select(.fault == "echo200" and .status == 200)) | length > 0' \
	>/dev/null || fail "no echo200 reply was served"
jq -e -s 'any(.[]; (.response // "") | test("key \\*{8,}"))' ok/samples.jsonl >/dev/null ||
	fail "no masked echo in the journal: $(head -c 600 ok/samples.jsonl)"
jq -e -s 'any(.[]; (.meta.model // "") | test("^\\*+$"))' ok/samples.jsonl >/dev/null ||
	fail "meta.model not masked: $(jq -c .meta ok/samples.jsonl | head -3)"
"$V" report ok --format json,md,html,junit >report.out 2>&1

# Every request answered with a 400 quoting the key minus its last character.
queue_faults "$PORT" $(for i in $(seq 12); do echo echo400; done)
expect_exit 4 env OPENAI_API_KEY="$KEY" "$V" run -m openai \
	-M base_url="http://127.0.0.1:$PORT/v1" "${COMMON[@]}" -n 2 -o cut
cp "$T/out" cut.out
cp "$T/err" cut.err
grep -F 'unknown key ****' cut.err >/dev/null || fail "the 400 was not shown, masked: $(cat cut.err)"

# A key in base_url: in the fragment, in the path, or a key-like segment.
expect_exit 2 env OPENAI_API_KEY="$KEY" "$V" run -m openai \
	-M base_url="http://127.0.0.1:$PORT/v1#$KEY" -M model=x -o frag
expect_err "a fragment (#...) is refused"
expect_one_line_err
cp "$T/err" frag.err
expect_exit 2 env OPENAI_API_KEY="$KEY" "$V" run -m openai \
	-M base_url="http://127.0.0.1:$PORT/${KEY:0:12}/v1" -M model=x -o path
expect_err "(part of) the API key"
cp "$T/err" path.err
expect_exit 2 "$V" run -m openai \
	-M base_url="http://127.0.0.1:$PORT/sk-abcdefghijklmnop0123456789/v1" -M model=x -o like
expect_err "what looks like a key"
expect_exit 2 "$V" run -m openai \
	-M base_url="http://127.0.0.1:$PORT/a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8/v1" -M model=x -o like
expect_err "what looks like a key"
for d in frag path like; do
	[ -e "$d" ] && fail "a refused base_url left a run directory $d"
done

out=$(leaks $(find ok cut -type f) ok.out ok.err report.out cut.out cut.err frag.err path.err)
[ -z "$out" ] || fail "the key leaked: $out"
echo ok
