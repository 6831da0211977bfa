#!/usr/bin/env bash
# Issue 16 §4: the response cache, against the loopback server, counted on
# the server's own request log and read back with the sqlite3 CLI.
#  - a second identical run into another directory sends zero requests, its
#    answers are the first run's, its journal lines say "cached";
#  - --cache off, --cache read (writes nothing), a temperature above 0 (not
#    used unless --cache always);
#  - two processes filling one cache at once;
#  - a file that is not a database: the run warns once and goes on;
#  - reasoning sent apart is cached with the reply; an older cache gains its column;
#  - vsrbench cache stats|prune|clear.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
command -v sqlite3 >/dev/null || { echo "skipped: the sqlite3 CLI is not installed (make -f Makefile.ci test-deps)"; exit 77; }
cd "$T"
V=$VSRBENCH
start_server llm
BASE="http://127.0.0.1:$PORT/v1"
DB="$T/c/responses.sqlite"
# lib.bash turns the cache off for every other test; here it is on, in $T/c.
unset VSRBENCH_CACHE
run() { # run DIR ARGS...: 20 synth tasks, one template
	local d=$1
	shift
	expect_exit 0 "$V" run -m openai -M "base_url=$BASE" -M model=fake-vl -S count=20 -t yn01 \
		-q -o "$d" --cache "$T/c" "$@"
}

# --- a first run fills the cache, a second one is answered by it -------------
run r1
[ "$(requests_sent)" = 20 ] || fail "first run: $(requests_sent) requests, not 20"
expect_out "cache: 0 of 20 answers from the response cache, 20 asked"
[ "$(sqlite3 "$DB" 'select count(*) from responses')" = 20 ] || fail "rows: $(sqlite3 "$DB" 'select count(*) from responses')"
# The fake server reports 100 prompt and 1 completion token a request.
[ "$(sqlite3 "$DB" 'select sum(tok_in), sum(tok_out) from responses')" = "2000|20" ] ||
	fail "tokens stored: $(sqlite3 "$DB" 'select sum(tok_in), sum(tok_out) from responses')"
[ "$(sqlite3 "$DB" 'pragma journal_mode')" = wal ] || fail "not in WAL mode"
run r2
[ "$(requests_sent)" = 20 ] || fail "the second identical run sent $(($(requests_sent) - 20)) requests"
expect_out "cache: 20 of 20 answers from the response cache, 0 asked"
[ "$(jq -s 'map(select(.cached == true)) | length' r2/samples.jsonl)" = 20 ] || fail "r2 lines not marked cached"
[ "$(jq -s 'map(select(has("cached"))) | length' r1/samples.jsonl)" = 0 ] || fail "r1 lines marked cached"
diff <(jq -r '[.key, .response, .answer] | @tsv' r1/samples.jsonl | sort) \
	<(jq -r '[.key, .response, .answer] | @tsv' r2/samples.jsonl | sort) >/dev/null ||
	fail "the cached run's answers differ from the first run's"
jq -e '.cached_now == 20 and (has("tokens_now") | not)' r2/status.json >/dev/null ||
	fail "status.json of the cached run: $(cat r2/status.json)"
jq -e '.suites.synth.usage.answers_cached == 20 and .suites.synth.usage.tokens_in == 0' \
	r2/report.json >/dev/null || fail "report.json usage of the cached run: $(jq -c .usage r2/report.json)"

# --- a request that differs is asked: max_tokens, the model ------------------
run r3 --max-tokens 33
[ "$(requests_sent)" = 40 ] || fail "--max-tokens 33 should miss: $(requests_sent) requests"
expect_exit 0 "$V" run -m openai -M "base_url=$BASE" -M model=other-vl -S count=20 -t yn01 -q \
	-o r4 --cache "$T/c"
[ "$(requests_sent)" = 60 ] || fail "another model should miss: $(requests_sent) requests"

# --- off, read, temperature --------------------------------------------------
run r5 --cache off
[ "$(requests_sent)" = 80 ] || fail "--cache off still used the cache: $(requests_sent) requests"
run r6 --cache read --cache "$T/fresh"
[ "$(requests_sent)" = 100 ] || fail "--cache read on an empty dir: $(requests_sent) requests"
[ ! -e "$T/fresh/responses.sqlite" ] || fail "--cache read created a cache file"
expect_err "none yet (--cache read)"
rows=$(sqlite3 "$DB" 'select count(*) from responses')
run r7 --cache read --seed 9
[ "$(sqlite3 "$DB" 'select count(*) from responses')" = "$rows" ] || fail "--cache read wrote rows"
run r8 --temperature 0.5
[ "$(requests_sent)" = 140 ] || fail "temperature 0.5 used the cache: $(requests_sent) requests"
expect_err "not used at --temperature above 0"
run r9 --temperature 0.5 --cache always
[ "$(requests_sent)" = 160 ] || fail "first --cache always run: $(requests_sent) requests"
run r10 --temperature 0.5 --cache always
[ "$(requests_sent)" = 160 ] || fail "second --cache always run sent requests: $(requests_sent)"

# --- two processes at once, one cache ----------------------------------------
n0=$(requests_sent)
rows0=$(sqlite3 "$DB" 'select count(*) from responses')
"$V" run -m openai -M "base_url=$BASE" -M model=fake-vl -S count=12 --seed 21 -t pool -j 8 -q \
	-o p1 --cache "$T/c" >p1.out 2>p1.err &
a=$!
"$V" run -m openai -M "base_url=$BASE" -M model=fake-vl -S count=12 --seed 22 -t pool -j 8 -q \
	-o p2 --cache "$T/c" >p2.out 2>p2.err &
b=$!
wait "$a" || fail "concurrent run 1 failed: $(cat p1.err)"
wait "$b" || fail "concurrent run 2 failed: $(cat p2.err)"
[ ! -s p1.err ] && [ ! -s p2.err ] || fail "warnings from concurrent runs: $(cat p1.err p2.err)"
t1=$(jq -s length p1/samples.jsonl)
t2=$(jq -s length p2/samples.jsonl)
# Distinct requests of the two runs (prompt and image: the rest is the same).
distinct=$(cat p1/samples.jsonl p2/samples.jsonl | jq -r '[.prompt, .item] | @tsv' | sort -u | wc -l)
want_rows=$(cat p1/samples.jsonl p2/samples.jsonl | jq -r 'select(.cached != true) | .key' | wc -l)
[ "$(($(requests_sent) - n0))" = "$want_rows" ] || fail "requests sent $(($(requests_sent) - n0)) != uncached lines $want_rows"
got_rows=$(($(sqlite3 "$DB" 'select count(*) from responses') - rows0))
[ "$got_rows" -ge 1 ] && [ "$got_rows" -le "$want_rows" ] || fail "rows added $got_rows, uncached lines $want_rows"
: "$distinct"
# Both again: everything from the cache now.
n1=$(requests_sent)
expect_exit 0 "$V" run -m openai -M "base_url=$BASE" -M model=fake-vl -S count=12 --seed 21 -t pool -j 8 \
	-q -o p3 --cache "$T/c"
expect_exit 0 "$V" run -m openai -M "base_url=$BASE" -M model=fake-vl -S count=12 --seed 22 -t pool -j 8 \
	-q -o p4 --cache "$T/c"
[ "$(requests_sent)" = "$n1" ] || fail "after the concurrent runs, $(($(requests_sent) - n1)) requests were sent again"
[ "$(jq -s 'map(select(.cached == true)) | length' p3/samples.jsonl)" = "$t1" ] || fail "p3 not all cached"
[ "$(jq -s 'map(select(.cached == true)) | length' p4/samples.jsonl)" = "$t2" ] || fail "p4 not all cached"

# --- a corrupt cache never fails a run ----------------------------------------
mkdir bad
head -c 20000 /dev/urandom | base64 >bad/responses.sqlite
n2=$(requests_sent)
expect_exit 0 "$V" run -m openai -M "base_url=$BASE" -M model=fake-vl -S count=20 -t yn01 -q -o r11 \
	--cache "$T/bad"
[ "$(requests_sent)" = $((n2 + 20)) ] || fail "with a corrupt cache: $(($(requests_sent) - n2)) requests"
expect_one_line_err
expect_err "going on without the cache"
expect_exit 3 "$V" cache stats --cache "$T/bad"
expect_one_line_err

# --- a locked cache never fails a run either -------------------------------------
# Another process holds the write lock for longer than the busy timeout (10 s):
# the first answer cannot be stored, the run warns once and goes on.
python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(120)' "$DB" >locker.out 2>locker.err &
locker=$!
for _ in $(seq 100); do grep -q locked locker.out 2>/dev/null && break; sleep 0.1; done
grep -q locked locker.out || fail "could not lock the cache: $(cat locker.err)"
n3=$(requests_sent)
expect_exit 0 "$V" run -m openai -M "base_url=$BASE" -M model=fake-vl -S count=3 -t yn01 -q -o r12 \
	--cache "$T/c" --seed 77
kill "$locker"
wait "$locker" 2>/dev/null || true
[ "$(requests_sent)" = $((n3 + 3)) ] || fail "with a locked cache: $(($(requests_sent) - n3)) requests"
expect_one_line_err
expect_err "going on without the cache"

# --- a raised --max-tokens asks only what was cut short (issue 21 §1) ---------
# Three replies of a run at --max-tokens 40 are cut short by the server.  The
# same run at 80 (a new -o) sends exactly those three: the others ended on
# their own within 40, so they are the replies under 80 too.  At 40 again
# nothing is sent (a cut-short reply is not retried without a raised
# budget); at 20 everything is (a reply that ended within 40 may not within 20).
n=$(requests_sent)
queue_faults "$PORT" cut cut cut
run c1 --seed 31 --max-tokens 40
[ "$(requests_sent)" = $((n + 20)) ] || fail "c1: $(($(requests_sent) - n)) requests, not 20"
[ "$(jq -s 'map(select(.outcome == "cut_short")) | length' c1/samples.jsonl)" = 3 ] ||
	fail "c1: not 3 cut-short lines: $(jq -c '[.item, .outcome]' c1/samples.jsonl)"
run c2 --seed 31 --max-tokens 80
[ "$(requests_sent)" = $((n + 23)) ] || fail "--max-tokens 80 after 40: $(($(requests_sent) - n - 20)) requests, not the 3 cut short"
diff <(jq -r 'select(.outcome == "cut_short") | [.item, .prompt] | @tsv' c1/samples.jsonl | sort) \
	<(jq -r 'select(.cached != true) | [.item, .prompt] | @tsv' c2/samples.jsonl | sort) >/dev/null ||
	fail "c2 asked other tasks than c1's cut-short ones"
[ "$(jq -s 'map(select(.outcome == "cut_short")) | length' c2/samples.jsonl)" = 0 ] || fail "c2 has cut-short lines"
diff <(jq -r 'select(.outcome != "cut_short") | [.item, .prompt, .response] | @tsv' c1/samples.jsonl | sort) \
	<(jq -r 'select(.cached == true) | [.item, .prompt, .response] | @tsv' c2/samples.jsonl | sort) >/dev/null ||
	fail "c2's cached replies are not c1's"
run c3 --seed 31 --max-tokens 40
[ "$(requests_sent)" = $((n + 23)) ] || fail "--max-tokens 40 again sent $(($(requests_sent) - n - 23)) requests"
[ "$(jq -s 'map(select(.outcome == "cut_short")) | length' c3/samples.jsonl)" = 3 ] || fail "c3: the cut-short replies not served as they were"
run c4 --seed 31 --max-tokens 20
[ "$(requests_sent)" = $((n + 43)) ] || fail "--max-tokens 20 after 40 and 80: $(($(requests_sent) - n - 23)) requests, not 20"

# --- the reasoning a server sent apart is cached with the reply ----------------
# A first run without --keep-reasoning pays for a reply whose thinking vLLM
# sent apart (fake_llm.py's think: "Let me look at the image first."); a
# second run with --keep-reasoning reads it from the cache, sending nothing.
n=$(requests_sent)
queue_faults "$PORT" think
run k1 --seed 41 -S count=1
run k2 --seed 41 -S count=1 --keep-reasoning
[ "$(requests_sent)" = $((n + 1)) ] || fail "the --keep-reasoning run was not served by the cache: $(($(requests_sent) - n)) requests"
jq -e '.cached == true and .reasoning == "Let me look at the image first." and .meta.reasoning_chars == 31' \
	k2/samples.jsonl >/dev/null || fail "cached reasoning: $(jq -c '[.cached, .reasoning, .meta]' k2/samples.jsonl)"
# A cache made before the reasoning column (the column dropped): a run adds it
# back, and its earlier answers still serve (no request).
sqlite3 "$DB" 'alter table responses drop column reasoning' || fail "cannot drop the column"
run k3 --seed 41 -S count=1
[ "$(requests_sent)" = $((n + 1)) ] || fail "the cache without the reasoning column was not used"
[ ! -s "$T/err" ] || fail "warnings with the older cache: $(cat "$T/err")"
[ "$(sqlite3 "$DB" "select count(*) from pragma_table_info('responses') where name = 'reasoning'")" = 1 ] ||
	fail "the reasoning column was not added back"

# --- vsrbench cache --------------------------------------------------------------
rows=$(sqlite3 "$DB" 'select count(*) from responses')
expect_exit 0 "$V" cache stats --cache "$T/c"
grep -qx "answers    $rows" out || fail "cache stats: $(cat out)"
expect_exit 0 "$V" cache prune --older-than 1d --cache "$T/c"
expect_out "0 answers deleted"
expect_exit 2 "$V" cache prune --older-than 30 --cache "$T/c"
expect_one_line_err
expect_exit 2 "$V" cache prune --cache "$T/c"
expect_exit 2 "$V" cache frobnicate
expect_exit 0 "$V" cache clear --cache "$T/c"
expect_out "$rows answers deleted"
[ "$(sqlite3 "$DB" 'select count(*) from responses')" = 0 ] || fail "clear left rows"
[ "$(sqlite3 "$DB" 'select count(*) from finished')" = 0 ] || fail "clear left rows of finished replies"
# XDG_CACHE_HOME is the default's root.
expect_exit 0 "$V" cache stats
expect_out "$XDG_CACHE_HOME/vsrbench/responses.sqlite"
echo ok
