#!/usr/bin/env bash
# --shard I/N splits items stably; merge joins the shards into a run whose
# report equals the single-machine run's, and refuses anything else.
. "$(dirname "$0")/lib.bash"

cd "$T"
V=$VSRBENCH
args=(-S count=240 -p instr,hflip -t yn01,tf02,ab03 -q)

expect_exit 0 "$V" run "${args[@]}" -o single
for i in 0 1 2 3; do
	expect_exit 0 "$V" run "${args[@]}" --shard "$i/4" -o "s$i"
	jq -e ".shard == {\"index\": $i, \"count\": 4}" "s$i/run.json" >/dev/null || fail "run.json shard"
done
# Every item in exactly one shard, with all its variants.
cat s0/samples.jsonl s1/samples.jsonl s2/samples.jsonl s3/samples.jsonl >all.jsonl
[ "$(jq -r .key all.jsonl | sort | uniq -d | wc -l)" = 0 ] || fail "a task in two shards"
diff <(jq -r .key single/samples.jsonl | sort) <(jq -r .key all.jsonl | sort) >/dev/null ||
	fail "the shards' tasks are not the single run's"
for i in 0 1 2 3; do
	jq -r .item "s$i/samples.jsonl" | sort -u >"items$i"
done
[ "$(cat items0 items1 items2 items3 | sort | uniq -d | wc -l)" = 0 ] || fail "an item split across shards"
# Shards are balanced-ish (a hash, not a round robin): none empty.
for i in 0 1 2 3; do [ -s "items$i" ] || fail "shard $i is empty"; done

expect_exit 0 "$V" merge merged s2 s0 s3 s1
cmp single/report.json merged/report.json || fail "merged report differs from the single run's"
jq -e 'has("shard") | not' merged/run.json >/dev/null || fail "merged run.json keeps a shard"
# Its status.json says what the single run's does (CI dashboards read it): the plan is
# 240 items x 3 templates = 720 base tasks (hflip's variants are not in it), each shard's
# own plan adds up to it, and the tasks done are 720 x 2 variants.  Only the time differs.
jq -e '.tasks_planned == 720 and .tasks_done_now == 1440 and .errors_now == 0' merged/status.json \
	>/dev/null || fail "merged status.json: $(jq -c . merged/status.json)"
[ "$(jq -s 'map(.tasks_planned) | add' s0/status.json s1/status.json s2/status.json s3/status.json)" = 720 ] ||
	fail "the shards' plans do not add up to 720"
diff <(jq -S 'del(.request_seconds)' single/status.json) <(jq -S 'del(.request_seconds)' merged/status.json) ||
	fail "merged status.json is not the single run's"
# With -n the plan is the first 50 items' (50 x 3), split over the shards.
for i in 0 1; do expect_exit 0 "$V" run "${args[@]}" -n 50 --shard "$i/2" -o "n$i"; done
expect_exit 0 "$V" merge nm n0 n1
jq -e '.tasks_planned == 150 and .tasks_done_now == 300' nm/status.json >/dev/null ||
	fail "merged -n status.json: $(jq -c . nm/status.json)"
# More shards than items: a shard with no item plans nothing (and writes no plan);
# the merged plan is still the whole run's, 2 items x 1 template.
for i in 0 1 2 3; do expect_exit 0 "$V" run -S count=2 -t yn01 -q --shard "$i/4" -o "e$i"; done
[ "$(jq -s 'map(.suites[0].items_in_shard) | map(select(. == 0)) | length' e0/status.json e1/status.json e2/status.json e3/status.json)" -ge 1 ] ||
	fail "no shard of 2 items over 4 is empty"
expect_exit 0 "$V" merge em e0 e1 e2 e3
jq -e '.tasks_planned == 2' em/status.json >/dev/null || fail "merged plan with empty shards: $(jq -c . em/status.json)"
# The merged directory is a normal run: it resumes to nothing new.
expect_exit 0 "$V" run "${args[@]}" -o merged
grep -q "0 new tasks" "$T/out" || fail "resume of a merged run redid tasks"

# Refusals: a missing shard, a shard twice, another configuration, an unfinished shard.
# Each names the shard (a CI matrix job whose artifact is missing, or one downloaded twice).
expect_exit 2 "$V" merge x1 s0 s1 s2
expect_err "the runs are shards of 4 but 3 were given: shard 3 of 4 is missing (run it with --shard 3/4, or pass its run directory)"
expect_exit 2 "$V" merge x1 s0 s2
expect_err "shards 1, 3 of 4 are missing"
expect_exit 2 "$V" merge x2 s0 s1 s2 s2
expect_err "shard 2/4 is given twice (s2 and s2)"
expect_exit 2 "$V" merge x2 s1 s2 s1
expect_err "shard 1/4 is given twice (s1 and s1)"
expect_exit 0 "$V" run -S count=240 -p instr,hflip -t yn01 -q --shard 3/4 -o other
expect_exit 2 "$V" merge x3 s0 s1 s2 other
expect_err "not shards of one run (from s0 to other: templates was \"yn01,tf02,ab03\", now \"yn01\")"
expect_exit 2 "$V" merge merged s0 s1 s2 s3
expect_err "already holds a run"
# A whole run among shards, a directory that is not there: said as such (before,
# "single is a shard of 1, s0 of 4" and "nonexist/run.json: No such file or directory").
expect_exit 2 "$V" merge x5 s0 s1 s2 single
expect_err "single is a whole run (made without --shard), s0 a shard of 4: merge joins the shards of one run"
expect_exit 2 "$V" merge x5 s0 s1 s2 nonexist
expect_err "nonexist: no such directory (each RUN is the run directory of a shard"
expect_one_line_err
rm s3/status.json
expect_exit 3 "$V" merge x4 s0 s1 s2 s3
expect_err "resume it first"
# A shard resumed with another --shard is refused.
expect_exit 2 "$V" run "${args[@]}" --shard 1/4 -o s0
expect_err "another shard"

# --shard auto from Slurm's and Kubernetes' variables.
SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=4 expect_exit 0 "$V" run "${args[@]}" --shard auto -o slurm2
cmp <(jq -r .key s2/samples.jsonl | sort) <(jq -r .key slurm2/samples.jsonl | sort) || fail "slurm auto shard"
SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=4 expect_exit 0 "$V" run "${args[@]}" --shard auto -o slurm1
cmp <(jq -r .key s2/samples.jsonl | sort) <(jq -r .key slurm1/samples.jsonl | sort) || fail "slurm array from 1"
JOB_COMPLETION_INDEX=1 expect_exit 0 "$V" run "${args[@]}" --shard auto/4 -o k8s1
cmp <(jq -r .key s1/samples.jsonl | sort) <(jq -r .key k8s1/samples.jsonl | sort) || fail "k8s auto shard"
JOB_COMPLETION_INDEX=1 expect_exit 2 "$V" run "${args[@]}" --shard auto -o x
expect_err "shard count is unknown"
expect_exit 2 "$V" run --shard 4/4 -o x
expect_err "not in 0..3"
expect_exit 2 "$V" run --shard auto -o x
echo ok
