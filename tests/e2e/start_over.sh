#!/usr/bin/env bash
# A run directory whose journal holds no answer (a first run that failed on
# a wrong option) is started over when run again with other options: its
# files are moved to DIR/failed-HASH/, nothing is lost.  One that holds an
# answer is still refused (exit 2), and nothing in it moves.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
RUN=(-M model=fake -M backoff=0.01 -S count=2 -t yn01 -q)

# 1. Every request fails: exit 4, two failed tasks in the journal.
start_server oom --plan '{"every":1,"faults":["500","500","500","500","500","500"]}'
expect_exit 4 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" "${RUN[@]}" --retries 1 \
	--max-tokens 4000 -o r
[ "$(jq -s 'map(select(.error)) | length' r/samples.jsonl)" = 2 ] || fail "two failed tasks expected"
old_hash=$(jq -r .config_hash r/run.json)
cp r/samples.jsonl before.jsonl

# 2. Run again with another --max-tokens against a server that answers: it starts over.
start_server good --plugin "$GEOMETRY"
expect_exit 0 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" "${RUN[@]}" --max-tokens 64 -o r
expect_err "r held no answer, only 2 failed tasks of a run with other options (or another model): its files were moved to r/failed-$old_hash, and the run starts over there"
cmp before.jsonl "r/failed-$old_hash/samples.jsonl" || fail "the failed run's journal changed when moved"
[ "$(jq .generation.max_tokens "r/failed-$old_hash/run.json")" = 4000 ] || fail "the failed run's run.json was not kept"
[ "$(jq .generation.max_tokens r/run.json)" = 64 ] || fail "run.json is not the new run's"
[ "$(jq -s 'map(select(.error == null)) | length' r/samples.jsonl)" = 2 ] || fail "the new run should hold 2 answers"
[ "$(jq -s 'map(select(.error)) | length' r/samples.jsonl)" = 0 ] || fail "the old errors leaked into the new journal"

# 3. A directory holding answers is refused with other options, and nothing moves.
ls r > ls.before
expect_exit 2 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" "${RUN[@]}" --max-tokens 32 -o r
expect_err "holds a run with a different configuration"
ls r | diff ls.before - || fail "a refused directory changed"

# 4. An empty journal (the run stopped before its first task was journaled) starts over too.
mkdir e
expect_exit 0 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" "${RUN[@]}" --max-tokens 64 -o e
: >e/samples.jsonl
expect_exit 0 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" "${RUN[@]}" --max-tokens 48 -o e
expect_err "e held no answer, only 0 failed tasks"
[ "$(jq -s length e/samples.jsonl)" = 2 ] || fail "the empty run did not start over"
echo ok
