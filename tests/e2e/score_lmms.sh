#!/usr/bin/env bash
# lmms-eval samples (`*_samples_mme.jsonl`) made here in both layouts lmms-eval
# has written (issue 15 section 2): the old one with "doc" and "resps" /
# "filtered_resps" as lists, the new one without "doc" (the prompt in "input",
# the id in "mme_percetion_score", filtered_resps a string), for MME's position
# subtask from the shared question list; two questions left out.  The score is
# checked against MME's rule computed in Python over the same replies, and the
# two missing questions are counted, not scored.
. "$(dirname "$0")/lib.bash"

D=${VSRBENCH_SHARED_DATA:-}
if [ ! -f "$D/mme/eval_tool/Your_Results/position.txt" ]; then
	echo "no \$VSRBENCH_SHARED_DATA/mme (the shared data folder): skipped"
	exit 77
fi
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
cd "$T"
V=$VSRBENCH
export VSRBENCH_DATA=$D

want=$(python3 - "$D/mme/eval_tool/Your_Results/position.txt" <<'PY'
import json, sys
lines = [l.rstrip('\n').split('\t') for l in open(sys.argv[1], encoding='utf-8') if l.strip()]
SUFFIX = '\nAnswer the question using a single word or phrase.'
out = open('x_samples_mme.jsonl', 'w')
kept = []
for i, (img, q, gt) in enumerate(lines):
    if i in (40, 41):          # one image's two questions missing
        continue
    # a reply: right, wrong, or verbose, by position
    other = 'No' if gt == 'Yes' else 'Yes'
    reply = [gt, other + '.', gt.lower() + ', I think so', 'Cannot tell'][i % 4]
    qid = 'position/' + img
    if i < 30:
        o = {'doc_id': i, 'doc': {'question_id': qid, 'question': q, 'answer': gt,
                                  'category': 'position'},
             'target': gt, 'arguments': [], 'resps': [[reply]], 'filtered_resps': [reply]}
    else:
        prompt = q.replace(' Please answer yes or no.', '') + SUFFIX
        o = {'doc_id': i, 'target': gt, 'filtered_resps': reply, 'input': prompt,
             'input_media': [], 'mme_percetion_score': {'question_id': qid,
                                                        'category': 'position', 'score': 0},
             'doc_hash': 'x'}
    out.write(json.dumps(o) + '\n')
    kept.append((img, gt, reply))


def rule(p):
    p = p.lower()
    if p in ('yes', 'no'):
        return p
    p = p[:4]
    return 'yes' if 'yes' in p else 'no' if 'no' in p else 'other'


ok = [rule(r) == gt.lower() for _, gt, r in kept]
imgs = {}
for (img, _, _), k in zip(kept, ok):
    imgs.setdefault(img, []).append(k)
print('%.4f' % (100 * (sum(ok) / len(ok) + sum(all(v) for v in imgs.values()) / len(imgs))))
PY
)
expect_exit 0 "$V" score -q -o lmms x_samples_mme.jsonl
expect_err "x_samples_mme.jsonl: 2 questions of the MME lists have no answer in it"
got=$(jq -r '.official.mme.q01.subtask_scores.position * 10000 | round / 10000' lmms/report.json)
awk -v a="$want" -v b="$got" 'BEGIN { exit !(a - b < 0.00006 && b - a < 0.00006) }' ||
	fail "position: python says $want, vsrbench $got"
jq -e '.source[0] | .format == "lmms-eval-mme-samples" and .matched == 58 and .label_differs == 0' \
	lmms/run.json >/dev/null || fail "lmms source: $(jq -c .source lmms/run.json)"
jq -e '.source[0].missing == 2' lmms/run.json >/dev/null || fail "missing count"

# A sample without the replies is a FILE:LINE error, exit 3.
printf '{"doc_id": 0, "target": "Yes", "resps": [], "doc": {"question_id": "position/a.jpg", "question": "Is it?"}}\n' >bad_samples.jsonl
expect_exit 3 "$V" score -q -o bad bad_samples.jsonl
expect_one_line_err
expect_err "bad_samples.jsonl:1: expected an lmms-eval MME sample"
exit 0
