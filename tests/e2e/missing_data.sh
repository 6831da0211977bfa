#!/usr/bin/env bash
# Every suite's missing-data error (issue 17 §12) is one line, exits 3 and names the
# `vsrbench data pull` command that fetches the file; the command it names knows that file
# (its --list has the path the error names).
. "$(dirname "$0")/lib.bash"

V=$VSRBENCH
cd "$T"
mkdir -p empty
while read -r suite pull path; do
	expect_exit 3 "$V" run -s "$suite" --data "$T/empty" -m builtin:yes -o "run-$suite"
	expect_one_line_err
	expect_err "$T/empty/$path"
	expect_err "\`vsrbench data pull $pull\`"
	# The command named is one data pull knows, and it would fetch that very file.
	expect_exit 0 "$V" data pull "$pull" --list --data "$T/empty"
	cut -f2 "$T/out" | grep -qxF "$T/empty/$path" ||
		fail "'data pull $pull --list' does not fetch $path: $(head -5 "$T/out")"
done <<'SUITES'
vsr-unified vsr vsr/data/splits/zeroshot/test.jsonl
vsr-random-test vsr vsr/data/splits/random/test.jsonl
vsr-validated vsr vsr/data/data_files/all_vsr_validated_data.jsonl
mme-position mme mme/eval_tool/Your_Results/position.txt
mmbench-spatial mmbench mmbench/MMBench_DEV_EN.tsv
seed-spatial seed seed/SEED-Bench.json
SUITES
# A VSR suite's own pull (its images too) is named beside it.
expect_exit 3 "$V" run -s vsr-unified --data "$T/empty" -m builtin:yes -o again
expect_err "\`vsrbench data pull vsr-zeroshot-test\`, its images too"

# -S file=NAME names a file in the data folder; a user with the file in the
# working directory (where a browser or wget put it) is told how to name it,
# not sent back to -S file=.
mkdir -p here && cd here
printf 'index\tquestion\tA\tB\tanswer\tcategory\timage\n' >MMBench_DEV_EN.tsv
printf '{"questions": [], "question_type": {}}\n' >SEED-Bench.json
expect_exit 3 "$V" run -s mmbench-spatial -S file=MMBench_DEV_EN.tsv --data "$T/empty" -m builtin:yes -o r1
expect_one_line_err
expect_err "cannot read $T/empty/mmbench/MMBench_DEV_EN.tsv: No such file or directory (-S file=MMBench_DEV_EN.tsv is looked for in the data folder's mmbench/; for the file in the working directory write -S file=./MMBench_DEV_EN.tsv)"
expect_exit 3 "$V" run -s seed-spatial -S file=SEED-Bench.json --data "$T/empty" -m builtin:yes -o r2
expect_one_line_err
expect_err "no question file $T/empty/seed/SEED-Bench.json (-S file=SEED-Bench.json is looked for in the data folder's seed/; for the file in the working directory write -S file=./SEED-Bench.json)"
# Written that way, the file is read (and found wanting: it holds no question).
expect_exit 2 "$V" run -s mmbench-spatial -S file=./MMBench_DEV_EN.tsv --data "$T/empty" -m builtin:yes -o r3
expect_err "./MMBench_DEV_EN.tsv: no question in category"
expect_exit 2 "$V" run -s seed-spatial -S file=./SEED-Bench.json --data "$T/empty" -m builtin:yes -o r4
expect_err "./SEED-Bench.json: no dimension 'Spatial Relation'"
cd "$T"

# VLMEvalKit's copy of the TSV (its data folder: $LMUData, else ~/LMUData,
# where its run.py downloads MMBench_DEV_EN.tsv): named with the -S file= that
# reads it.
mkdir -p home/LMUData lmu
cp here/MMBench_DEV_EN.tsv home/LMUData/
cp here/MMBench_DEV_EN.tsv lmu/MMBench_DEV_EN_V11.tsv
HOME=$T/home expect_exit 3 "$V" run -s mmbench-spatial --data "$T/empty" -m builtin:yes -o r5
expect_one_line_err
expect_err "cannot read $T/empty/mmbench/MMBench_DEV_EN.tsv: No such file or directory; VLMEvalKit's copy is at $T/home/LMUData/MMBench_DEV_EN.tsv: -S file=$T/home/LMUData/MMBench_DEV_EN.tsv reads it (or \`vsrbench data pull mmbench\` fetches one)"
HOME=$T/home LMUData=$T/lmu expect_exit 3 "$V" run -s mmbench -S file=MMBench_DEV_EN_V11.tsv --data "$T/empty" -m builtin:yes -o r6
expect_err "VLMEvalKit's copy is at $T/lmu/MMBench_DEV_EN_V11.tsv: -S file=$T/lmu/MMBench_DEV_EN_V11.tsv reads it"
# Without one, the usual advice.
HOME=$T/nohome expect_exit 3 "$V" run -s mmbench-spatial --data "$T/empty" -m builtin:yes -o r7
expect_err "(get it with \`vsrbench data pull mmbench\`, or name another file with -S file=)"
echo ok
