#!/usr/bin/env bash
# issue 18, item 5: every journal line carries its run's config_hash
# (run.json); report, resume and merge refuse a line of another run, naming
# FILE:LINE.  The old binary took another model's lines (8 tasks for 4
# items) and merged a shard holding them.
. "$(dirname "$0")/lib.bash"
cd "$T"
V=$VSRBENCH
COMMON=(-S count=4 -t single -q)

expect_exit 0 "$V" run -m builtin:yes "${COMMON[@]}" -o a
expect_exit 0 "$V" run -m builtin:no "${COMMON[@]}" -o b
ha=$(jq -r .config_hash a/run.json)
hb=$(jq -r .config_hash b/run.json)
[ "$ha" != "$hb" ] || fail "two models, one config_hash"
jq -e -s --arg h "$ha" 'length == 4 and all(.[]; .run == $h)' a/samples.jsonl >/dev/null ||
	fail "lines do not carry the run's config_hash"

# Another model's journal appended: report and resume refuse line 5.
cp -r a mixed
cat b/samples.jsonl >>mixed/samples.jsonl
expect_exit 3 "$V" report mixed -q
expect_err "mixed/samples.jsonl:5: a line of another run (run $hb; this run is $ha)"
expect_one_line_err
expect_exit 3 "$V" run -m builtin:yes "${COMMON[@]}" -o mixed
expect_err "mixed/samples.jsonl:5: a line of another run"

# A hand-written line without any run hash among this run's lines.
cp -r a hand
head -1 a/samples.jsonl | jq -c 'del(.run) | .suite = "other"' >>hand/samples.jsonl
expect_exit 3 "$V" report hand -q
expect_err "hand/samples.jsonl:5: a line without the run's hash among lines with it"

# An older journal (no hashes at all) stays readable, and is resumed as it is.
cp -r a old
jq -c 'del(.run)' a/samples.jsonl >old/samples.jsonl
sed -i '$d' old/samples.jsonl
expect_exit 0 "$V" report old -q
expect_exit 0 "$V" run -m builtin:yes "${COMMON[@]}" -o old
jq -e -s 'length == 4 and all(.[]; has("run") | not)' old/samples.jsonl >/dev/null ||
	fail "resuming an older journal mixed tagged lines in"
expect_exit 0 "$V" report old -q

# merge: a shard holding another model's line.
expect_exit 0 "$V" run -m builtin:yes "${COMMON[@]}" --shard 0/2 -o s0
expect_exit 0 "$V" run -m builtin:yes "${COMMON[@]}" --shard 1/2 -o s1
n0=$(wc -l <s0/samples.jsonl)
head -1 b/samples.jsonl >>s0/samples.jsonl
expect_exit 3 "$V" merge m s0 s1
expect_err "s0/samples.jsonl:$((n0 + 1)): a line of another run"
sed -i '$d' s0/samples.jsonl
expect_exit 0 "$V" merge m s0 s1
expect_exit 0 "$V" report m -q
echo ok
