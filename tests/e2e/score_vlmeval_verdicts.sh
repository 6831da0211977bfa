#!/usr/bin/env bash
# VLMEvalKit's evaluated sheets carry its own verdict on each reply: a yes/no
# set's {model}_MME_auxmatch file has "extracted" (Yes / No / Unknown: its
# matching, then its judge), a multiple-choice set's _result file "hit" (1 / 0).
# vsrbench reports them beside its own reading of the same replies (issue 15 §2):
# counts worked out by hand below, checked in run.json, report.md, report.json,
# report.html and the terminal; a sheet without such a column reports none.
. "$(dirname "$0")/lib.bash"

command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
cd "$T"
V=$VSRBENCH
mkdir nodata

python3 - <<'PY'
import csv
import json

# MME _auxmatch, as VLMEvalKit's dump_tsv writes it (every field quoted).
# answer / prediction / extracted, and by hand:
#   1 Yes / "Yes, the cat is on the left." / Yes      VLMEvalKit right, vsrbench yes: right
#   2 No  / "no" / No                                 right, right
#   3 Yes / "It is not possible to tell." / Unknown   wrong, vsrbench invalid: wrong
#   4 No  / "Yes, there is no cup under the table." / No   right (its judge), vsrbench yes: wrong
#   5 Yes / "Yes" / Yes                               right, right
#   6 No  / "No." / No                                right, right
# VLMEvalKit 5 of 6 right, vsrbench 4, they differ on reply 4 only.
head = ['index', 'category', 'image_path', 'question', 'answer', 'prediction', 'extracted', 'score']
rows = [
    [0, 'position', 'position/a.jpg', 'Is the cat left of the dog? Please answer yes or no.', 'Yes',
     'Yes, the cat is on the left.', 'Yes', True],
    [1, 'position', 'position/a.jpg', 'Is the cat right of the dog? Please answer yes or no.', 'No',
     'no', 'No', True],
    [2, 'position', 'position/b.jpg', 'Is the cup on the table? Please answer yes or no.', 'Yes',
     'It is not possible to tell.', 'Unknown', False],
    [3, 'position', 'position/b.jpg', 'Is the cup under the table? Please answer yes or no.', 'No',
     'Yes, there is no cup under the table.', 'No', True],
    [4, 'existence', 'existence/c.jpg', 'Is there a bird? Please answer yes or no.', 'Yes', 'Yes', 'Yes',
     True],
    [5, 'existence', 'existence/c.jpg', 'Is there a fish? Please answer yes or no.', 'No', 'No.', 'No',
     True]]
for name, cols in (('m_MME_auxmatch.tsv', head), ('m_MME.tsv', head[:6])):
    with open(name, 'w', newline='') as f:
        w = csv.writer(f, delimiter='\t', quoting=csv.QUOTE_ALL, lineterminator='\n')
        w.writerow(cols)
        for r in rows:
            w.writerow(r[:len(cols)])

# SEEDBench_IMG _result as PRED_FORMAT=json writes it, with "hit" and "log":
#   101 A / "A" / hit 1                                right, vsrbench A: right
#   102 C / "C. The microphone" (B is "The microphone") / hit 1 (can_infer takes the C)
#                                                      right, vsrbench: a contradiction, invalid: wrong
#   103 D / "D" / hit 1                                right, right
#   104 A / "B." / hit 0                               wrong, vsrbench B: wrong
# VLMEvalKit 3 of 4 right, vsrbench 2, they differ on 102 only.
def q(i, ans, pred, hit, opts=('a cat', 'The microphone', 'A guitar', 'a dog')):
    return {'index': i, 'question': 'What is on the left?', 'A': opts[0], 'B': opts[1], 'C': opts[2],
            'D': opts[3], 'answer': ans, 'category': 'Instance Location', 'prediction': pred,
            'hit': hit, 'log': 'Prefetch succeed'}
json.dump([q(101, 'A', 'A', 1), q(102, 'C', 'C. The microphone', 1), q(103, 'D', 'D', 1),
           q(104, 'A', 'B.', 0)], open('m_SEEDBench_IMG_result.json', 'w'), indent=4)
PY

# ---- MME: "extracted" -----------------------------------------------------------
expect_exit 0 "$V" score --data nodata -o mme m_MME_auxmatch.tsv
grep -qF "m_MME_auxmatch.tsv: VLMEvalKit's own verdicts (column extracted): 5 of 6 right; vsrbench's reading: 4; they differ on 1 of the 6 replies" \
	"$T/out" || fail "terminal: $(cat "$T/out")"
jq -e '.source[0].their_verdicts | .column == "extracted" and .rows == 6 and .right == 5
	and .vsrbench_right == 4 and .differ == 1 and (.examples | length) == 1
	and .examples[0].reply == "Yes, there is no cup under the table."
	and .examples[0].truth == "no" and .examples[0].theirs == "No" and .examples[0].vsrbench == "yes"' \
	mme/run.json >/dev/null || fail "run.json: $(jq -c .source mme/run.json)"
grep -qF '  - VLMEvalKit'"'"'s own verdicts, its column `extracted` (its yes/no matching, then its judge for what that could not read): 5 of 6 right (83.33%); vsrbench'"'"'s extractor: 4 right (66.67%); they differ on 1 of the 6 replies, e.g. "Yes, there is no cup under the table." (truth no; VLMEvalKit No, vsrbench yes)' \
	mme/report.md || fail "report.md: $(grep -F -A2 'scored from' mme/report.md)"
# report.json's run.sources (docs/report-json.md) and report.html's note: the same counts.
jq -e '.run.sources | length == 1 and (.[0].path | endswith("m_MME_auxmatch.tsv"))
	and .[0].format == (input.source[0].format) and .[0].answers == 6
	and (.[0].their_verdicts | .column == "extracted" and .rows == 6 and .right == 5
	and .vsrbench_right == 4 and .differ == 1 and (.examples | length) == 1
	and .examples[0].reply == "Yes, there is no cup under the table."
	and .examples[0].truth == "no" and .examples[0].theirs == "No" and .examples[0].vsrbench == "yes")' \
	mme/report.json mme/run.json >/dev/null || fail "report.json: $(jq -c .run.sources mme/report.json)"
grep -qF '<p class="note source"><code>m_MME_auxmatch.tsv</code>: VLMEvalKit'"'"'s own verdicts, its column <code>extracted</code> (its yes/no matching, then its judge for what that could not read): 5 of 6 right (83.33%); vsrbench'"'"'s extractor: 4 right (66.67%); they differ on 1 of the 6 replies.</p>' \
	mme/report.html || fail "report.html: $(grep -F 'note source' mme/report.html)"
grep -qF '<summary>scored from 1 file</summary><ul>' mme/report.html &&
	grep -qF '<li><code>m_MME_auxmatch.tsv</code> (' mme/report.html ||
	fail "report.html names no file scored"
# The official numbers are vsrbench's own reading, the column changes none of them:
# the same rows without "extracted" give the same report.json figures.
expect_exit 0 "$V" score -q --data nodata -o mme0 m_MME.tsv
jq -e '.source[0] | has("their_verdicts") | not' mme0/run.json >/dev/null ||
	fail "a sheet without the column: $(jq -c .source mme0/run.json)"
grep -qF "VLMEvalKit's own verdicts" mme0/report.md && fail "report.md of a sheet without the column names verdicts"
jq -e '.run.sources | length == 1 and (.[0] | has("their_verdicts") | not) and .[0].answers == 6' \
	mme0/report.json >/dev/null || fail "report.json of a sheet without the column: $(jq -c .run.sources mme0/report.json)"
grep -qF '<li><code>m_MME.tsv</code> (' mme0/report.html || fail "report.html of a sheet without the column names no file"
grep -qF "VLMEvalKit's own verdicts" mme0/report.html && fail "report.html of a sheet without the column names verdicts"
[ "$(jq -c .official mme/report.json)" = "$(jq -c .official mme0/report.json)" ] ||
	fail "the column changed the official figures"

# ---- SEED: "hit" ------------------------------------------------------------------
expect_exit 0 "$V" score -q -o seed m_SEEDBench_IMG_result.json
jq -e '.source[0].their_verdicts | .column == "hit" and .rows == 4 and .right == 3
	and .vsrbench_right == 2 and .differ == 1 and .examples[0].item == "102"
	and .examples[0].theirs == "1" and .examples[0].vsrbench == "invalid"' seed/run.json >/dev/null ||
	fail "SEED run.json: $(jq -c .source seed/run.json)"
grep -qF 'its column `hit`' seed/report.md && grep -qF ': 3 of 4 right (75.00%); vsrbench'"'"'s extractor: 2 right (50.00%); they differ on 1 of the 4 replies, e.g. "C. The microphone" (truth C; VLMEvalKit 1, vsrbench invalid)' \
	seed/report.md || fail "SEED report.md: $(grep -F -A2 'scored from' seed/report.md)"
jq -e '.run.sources[0].their_verdicts | .column == "hit" and .rows == 4 and .right == 3
	and .vsrbench_right == 2 and .differ == 1 and .examples[0].item == "102"
	and .examples[0].theirs == "1" and .examples[0].vsrbench == "invalid"' seed/report.json >/dev/null ||
	fail "SEED report.json: $(jq -c .run.sources seed/report.json)"
grep -qF '<p class="note source"><code>m_SEEDBench_IMG_result.json</code>: VLMEvalKit'"'"'s own verdicts, its column <code>hit</code> (its option matching, then its judge; a circular set&#39;s result sheet holds one CircularEval verdict per question): 3 of 4 right (75.00%); vsrbench'"'"'s extractor: 2 right (50.00%); they differ on 1 of the 4 replies.</p>' \
	seed/report.html || fail "SEED report.html: $(grep -F 'note source' seed/report.html)"
exit 0
