#!/usr/bin/env bash
# Issue 14 §5: the native mmbench suite's per-l2-category breakdown.  A
# category in vsrbench's built-in table keeps the table's l2 (the official
# one); a category the table lacks takes the l2-category column of its row
# (as VLMEvalKit does); one with neither is "(unknown)".  The TSV is
# generated here with python, which also computes the expected counts per
# l2 from the rows alone: the test model (tests/adapters/mcq_pick.c) picks
# the option starting with "ok", so a row is right when its answer names it.
. "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
cd "$T"
V=$VSRBENCH
"$VSR_BUILD/tests/mkimage" m.png 16 16 1
mkdir -p mm/mmbench
python3 - m.png mm/mmbench/MMBench_DEV_EN.tsv expected.json <<'EOF'
import base64, json, random, sys
img = base64.b64encode(open(sys.argv[1], "rb").read()).decode()
# (category, the file's l2-category, the l2 the breakdown should show)
TABLE = "finegrained_perception (cross-instance)"  # spatial_relationship's, by MMBench's paper
cats = [("spatial_relationship", "a wrong l2 in the file", TABLE),
        ("new_counting", "new_perception", "new_perception"),
        ("new_sorting", "new_perception", "new_perception"),
        ("new_riddle", "new_reasoning", "new_reasoning"),
        ("new_orphan", "", "(unknown)")]
rnd = random.Random(14)
rows, want = [], {}
for i in range(1, 41):
    cat, l2, shown = cats[rnd.randrange(len(cats))]
    opts = ["ok yes", "no", "maybe"] if rnd.random() < 0.6 else ["no", "ok yes", "maybe"]
    answer = rnd.choice("ABC")
    right = opts["ABC".index(answer)].startswith("ok")
    w = want.setdefault(shown, {"questions": 0, "right": 0})
    w["questions"] += 1
    w["right"] += right
    rows.append([str(i), "Which?", "", *opts, "", answer, cat, img, "x", l2, "", "dev"])
with open(sys.argv[2], "w") as f:
    f.write("index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\timage\tsource\tl2-category\tcomment\tsplit\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
json.dump(want, open(sys.argv[3], "w"), sort_keys=True)
EOF
expect_exit 0 "$V" run -s mmbench -S circular=off --data mm -m "lib:$ADAPTERS/mcq_pick.so" -q -o r
got=$(jq -S -c '.suites.mmbench.official.templates.mc01.by_l2 | map_values({questions, right})' r/report.json)
[ "$got" = "$(jq -S -c . expected.json)" ] || fail "by_l2: got $got, expected $(cat expected.json)"
# Multiple choice has no yes-rate and no true or false labels: "-", not 0.0% (before:
# yes-rate 0.0%, and every letter counted as a "no" label, false labels = the accuracy).
grep -qE '^\| mmbench \| [0-9]+ \| 0 \| .* \| - \| - \| - \|$' r/report.md ||
	fail "report.md's row: $(grep '^| mmbench ' r/report.md)"
jq -e '.suites.mmbench | .accuracy_true_label.n == 0 and .accuracy_false_label.n == 0' r/report.json \
	>/dev/null || fail "report.json's label accuracies: $(jq -c '.suites.mmbench.accuracy_false_label' r/report.json)"
# The journal carries the file's l2 on each line (the report is rebuilt from it alone).
jq -e -s 'map(select(.category == "new_riddle")) | length > 0 and all(.l2 == "new_reasoning")' \
	r/samples.jsonl >/dev/null || fail "journal lines lack l2"
jq -e -s 'map(select(.category == "new_orphan")) | all(has("l2") | not)' r/samples.jsonl >/dev/null ||
	fail "an empty l2-category was journaled"
expect_exit 0 "$V" report r
got=$(jq -S -c '.suites.mmbench.official.templates.mc01.by_l2 | map_values({questions, right})' r/report.json)
[ "$got" = "$(jq -S -c . expected.json)" ] || fail "by_l2 after report: $got"
echo ok
