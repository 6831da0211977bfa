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
echo ok
