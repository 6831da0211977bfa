#!/usr/bin/env bash
# Issue 14 §5 for `vsrbench score`: a VLMEvalKit MMBench prediction sheet
# (.tsv and .xlsx) with an l2-category column.  A category in vsrbench's
# built-in table keeps the table's l2; a category the table lacks takes its
# row's l2-category (as VLMEvalKit does), not "(unknown)"; one with neither
# is "(unknown)".  Python writes the sheets and computes CircularEval per l2
# from the rows alone (a question right when every copy's prediction is its
# answer); the journal keeps the l2, so `score` of that journal agrees.  A
# submission sheet without categories takes both from --questions' TSV.
. "$(dirname "$0")/lib.bash"

command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
cd "$T"
V=$VSRBENCH
mkdir nodata

python3 - <<'PY'
import json, random, zipfile
from xml.sax.saxutils import escape

TABLE = "finegrained_perception (cross-instance)"  # spatial_relationship's, by MMBench's paper
cats = [("spatial_relationship", "a wrong l2 in the file", TABLE),
        ("new_counting", "new_perception", "new_perception"),
        ("new_sorting", "new_perception", "new_perception"),
        ("new_riddle", "new_reasoning", "new_reasoning"),
        ("new_orphan", "", "(unknown)")]
rnd = random.Random(20)
head = ["index", "question", "hint", "A", "B", "C", "D", "answer", "category", "l2-category",
        "split", "prediction"]
rows, want = [], {}
for q in range(1, 31):
    cat, l2, shown = cats[rnd.randrange(len(cats))]
    opts = ["left", "right", "above", "below"]
    ans = rnd.randrange(4)
    ok = True
    for c in range(4):  # CircularEval copies: index + c * 1000000, options rotated by c
        rot = opts[c:] + opts[:c]
        a = "ABCD"[rot.index(opts[ans])]
        p = a if rnd.random() < 0.8 else "ABCD"[(rot.index(opts[ans]) + 1) % 4]
        ok &= p == a
        rows.append([str(q + c * 1000000), "Where?", "", *rot, a, cat, l2, "dev", p])
    w = want.setdefault(shown, {"questions": 0, "right": 0})
    w["questions"] += 1
    w["right"] += ok
json.dump(want, open("expected.json", "w"), sort_keys=True)
with open("mmb_l2.tsv", "w") as f:
    f.write("\t".join(head) + "\n")
    for r in rows:
        f.write("\t".join(r) + "\n")

# A submission sheet without category columns, and MMBench's question TSV
# (index, category, l2-category) for --questions.
with open("sub.tsv", "w") as f:
    f.write("index\tquestion\tA\tB\tC\tD\tanswer\tprediction\n")
    for r in rows:
        f.write("\t".join(r[:2] + r[3:8] + r[11:]) + "\n")
with open("questions.tsv", "w") as f:
    f.write("index\tquestion\tcategory\tl2-category\tsplit\n")
    for r in rows:
        f.write("\t".join([r[0], r[1], r[8], r[9], r[10]]) + "\n")

# The same rows as an xlsx with inline strings (no spreadsheet library).
def ref(c, r):
    return "ABCDEFGHIJKLMNOP"[c] + str(r)
sheet = ""
for r, row in enumerate([head] + rows, 1):
    cells = "".join('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref(c, r), escape(v))
                    for c, v in enumerate(row) if v != "")
    sheet += '<row r="%d">%s</row>' % (r, cells)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
with zipfile.ZipFile("mmb_l2.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml",
               '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
               'package/2006/content-types"><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
               '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0" encoding="UTF-8"?><worksheet %s>'
               '<sheetData>%s</sheetData></worksheet>' % (NS, sheet))
PY
[ "$(jq 'has("new_perception") and has("(unknown)")' expected.json)" = true ] ||
	fail "the generated sheet should have a new l2 and an orphan: $(cat expected.json)"

by_l2='.suites.mmbench.official.templates.recorded.by_l2 | map_values({questions, right})'
for f in mmb_l2.tsv mmb_l2.xlsx; do
	expect_exit 0 "$V" score -q --data nodata -o "o_$f" "$f"
	got=$(jq -S -c "$by_l2" "o_$f/report.json")
	[ "$got" = "$(jq -S -c . expected.json)" ] || fail "$f by_l2: got $got, expected $(cat expected.json)"
done
# A submission sheet without categories: category and l2 from --questions' TSV.
expect_exit 0 "$V" score -q --data nodata --questions questions.tsv -o o_sub sub.tsv
got=$(jq -S -c "$by_l2" o_sub/report.json)
[ "$got" = "$(jq -S -c . expected.json)" ] || fail "--questions by_l2: got $got, expected $(cat expected.json)"
jq -e -s 'map(select(.category == "new_riddle")) | length > 0 and all(.l2 == "new_reasoning")' \
	o_mmb_l2.tsv/samples.jsonl >/dev/null || fail "the journal lacks the sheet's l2"
jq -e -s 'map(select(.category == "new_orphan")) | all(has("l2") | not)' o_mmb_l2.tsv/samples.jsonl \
	>/dev/null || fail "an empty l2-category was journaled"
# Scoring the journal again keeps the l2 (score_formats reads it back).
expect_exit 0 "$V" score -q -o again o_mmb_l2.tsv/samples.jsonl
got=$(jq -S -c "$by_l2" again/report.json)
[ "$got" = "$(jq -S -c . expected.json)" ] || fail "journal scored again: by_l2 $got"
echo ok
