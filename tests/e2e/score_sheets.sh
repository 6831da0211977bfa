#!/usr/bin/env bash
# Prediction sheets made here in the formats the harnesses write (python's
# zipfile, no spreadsheet library): a VLMEvalKit MME xlsx with shared strings,
# an MMBench xlsx with inline strings (rich-text runs, empty option cells), both
# scored with figures worked out by hand; malformed sheets are FILE:SHEET!CELL
# errors with exit 3; an unknown file is named.
. "$(dirname "$0")/lib.bash"

command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
cd "$T"
V=$VSRBENCH
mkdir nodata

python3 - <<'PY'
import zipfile

CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
      'package/2006/content-types"><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
      '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def col(i):
    return 'ABCDEFGHIJ'[i]


def book(path, sheet, shared=None):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', CT)
        z.writestr('xl/worksheets/sheet1.xml',
                   '<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>%s</sheetData>'
                   '</worksheet>' % (NS, sheet))
        if shared is not None:
            z.writestr('xl/sharedStrings.xml',
                       '<?xml version="1.0"?><sst %s>%s</sst>' % (NS, ''.join(
                           '<si><t xml:space="preserve">%s</t></si>' % s for s in shared)))


def esc(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


# VLMEvalKit MME, shared strings: position, two images, pairs (Yes, No).
rows = [['index', 'category', 'image_path', 'question', 'answer', 'prediction'],
        [0, 'position', 'position/a.jpg', 'Is the cat left of the dog? Please answer yes or no.', 'Yes', 'Yes, the cat is on the left.'],
        [1, 'position', 'position/a.jpg', 'Is the cat right of the dog? Please answer yes or no.', 'No', 'no'],
        [2, 'position', 'position/b.jpg', 'Is the cup on the table? Please answer yes or no.', 'Yes', 'Yesterday & today'],
        [3, 'position', 'position/b.jpg', 'Is the cup under the table? Please answer yes or no.', 'No', 'Yes'],
        [4, 'existence', 'existence/c.jpg', 'Is there a <bird>? Please answer yes or no.', 'Yes', 'It is not possible to tell.'],
        [5, 'existence', 'existence/c.jpg', 'Is there a fish? Please answer yes or no.', 'No', 'No.']]
shared, sheet = [], ''
for r, row in enumerate(rows, 1):
    cells = ''
    for c, v in enumerate(row):
        if isinstance(v, int):
            cells += '<c r="%s%d"><v>%d</v></c>' % (col(c), r, v)
        else:
            if esc(v) not in shared:
                shared.append(esc(v))
            cells += '<c r="%s%d" t="s"><v>%d</v></c>' % (col(c), r, shared.index(esc(v)))
    sheet += '<row r="%d">%s</row>' % (r, cells)
book('m_MME.xlsx', sheet, shared)

# MMBench, inline strings: question 7 with 2 options (2 rotations, both right),
# question 9 with 3 options (3 rotations, the last wrong).
head = ['index', 'question', 'A', 'B', 'C', 'D', 'prediction', 'answer', 'split']
rows = [[7, 'Left or right?', 'left', 'right', None, None, 'A', 'A', 'dev'],
        [1000007, 'Left or right?', 'right', 'left', None, None, 'B', 'B', 'dev'],
        [9, 'Which colour?', 'red', 'green', 'blue', None, 'C', 'C', 'dev'],
        [1000009, 'Which colour?', 'green', 'blue', 'red', None, 'B', 'B', 'dev'],
        [2000009, 'Which colour?', 'blue', 'red', 'green', None, 'B', 'A', 'dev']]


def inline(ref, v):
    if v is None:
        return '<c r="%s" t="inlineStr"/>' % ref
    # rich text: the value in two runs
    return ('<c r="%s" t="inlineStr"><is><r><t>%s</t></r><r><t>%s</t></r></is></c>'
            % (ref, esc(v[:1]), esc(v[1:])))


sheet = '<row r="1">%s</row>' % ''.join(inline('%s1' % col(i), h) for i, h in enumerate(head))
for r, row in enumerate(rows, 2):
    sheet += '<row r="%d"><c r="A%d" t="n"><v>%d</v></c>%s</row>' % (
        r, r, row[0], ''.join(inline('%s%d' % (col(i), r), v) for i, v in enumerate(row) if i))
book('mmb.xlsx', sheet)

# The same MMBench rows as a VLMEvalKit .tsv (pandas to_csv, sep TAB): a base64
# image column, a question quoted for its TAB, newline and "" quote.
def tsvf(v):
    v = '' if v is None else str(v)
    return '"' + v.replace('"', '""') + '"' if any(c in v for c in '\t\n"') else v
with open('mmb_pred.tsv', 'w') as f:
    f.write('\t'.join(['index', 'image'] + head[1:]) + '\n')
    for row in rows:
        q = 'Which\tone?\nSay "A" or "B".' if row[0] == 7 else row[1]
        f.write('\t'.join(tsvf(v) for v in [row[0], 'iVBORw0KGgo='] + [q] + row[2:]) + '\n')

# Malformed: a shared-string index past the table, in B3.
book('bad_ss.xlsx', '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
     '<row r="2"><c r="A2" t="s"><v>0</v></c></row><row r="3"><c r="B3" t="s"><v>99</v></c></row>',
     ['index', 'x'])
# Malformed: broken XML after cell C2.
with zipfile.ZipFile('bad_xml.xlsx', 'w') as z:
    z.writestr('xl/worksheets/sheet1.xml', '<worksheet><sheetData><row r="2"><c r="C2"><v>1</v></c><c r=')
# A zip without a worksheet; a sheet of unknown columns.
with zipfile.ZipFile('nosheet.xlsx', 'w') as z:
    z.writestr('readme.txt', 'hello')
book('other.xlsx', '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="B1" '
     't="inlineStr"><is><t>score</t></is></c></row>')
PY

# ---- MME, shared strings, scored from the sheet's own answers ---------------------
# By hand, MME's rule (first 4 characters): position a: yes/no both right (acc+);
# b: "Yesterday & today" -> yes (right), "Yes" to a No question (wrong).  acc 3/4,
# acc+ 1/2: score 125.  existence c: "It is not..." other (wrong), "No." right:
# acc 1/2, acc+ 0: score 50.  The extractor reads "Yesterday & today" as no
# answer: position 2/4 + 1/2 = 100, one reply read differently.
expect_exit 0 "$V" score -q --data nodata -o mme m_MME.xlsx
jq -e '.official.mme.q01.subtask_scores | (.position * 100 | round) == 12500 and
	(.existence * 100 | round) == 5000' mme/report.json >/dev/null ||
	fail "MME fixture: $(jq -c .official mme/report.json)"
jq -e '.suites["mme-position"].official.templates.q01.subtasks.position
	| .disagreements == 1 and (.extractor.score * 100 | round) == 10000' mme/report.json \
	>/dev/null || fail "MME fixture extractor: $(jq -c '.suites["mme-position"].official' mme/report.json)"
# (the XML's &amp; is read as '&'; markdown writes it as &amp; again)
jq -e -s 'map(select(.item == "position/b.jpg#1"))[0].response == "Yesterday & today"' \
	mme/samples.jsonl >/dev/null || fail "the entity in the shared string was not decoded"
grep -qF '| position/b.jpg#1 | Yesterday &amp; today | yes | yes | invalid |' mme/report.md ||
	fail "report.md lacks the disagreeing reply: $(grep -A4 'read differently (first' mme/report.md)"
jq -e '.source[0] | .format == "vlmevalkit-mme-xlsx" and .matched == 6 and
	.ground_truth == "the sheet'"'"'s answer column"' mme/run.json >/dev/null ||
	fail "MME fixture source: $(jq -c .source mme/run.json)"

# ---- MMBench, inline strings: CircularEval 1 of 2 --------------------------------
expect_exit 0 "$V" score -q -o mmb mmb.xlsx
jq -e '.suites.mmbench.official.templates.recorded | .overall.questions == 2 and .overall.right == 1
	and .vanilla.right == 2' mmb/report.json >/dev/null ||
	fail "MMBench fixture: $(jq -c .suites.mmbench.official mmb/report.json)"
# The options the reply is read against: 2 for question 7, 3 for question 9.
jq -e -s 'map({(.item): .label}) | add | .["7"] == "A" and .["2000009"] == "A" and .["1000009"] == "B"' \
	mmb/samples.jsonl >/dev/null || fail "MMBench labels: $(cat mmb/samples.jsonl)"

# ---- the submission sheet has no category column: --questions MMBench's TSV --------
# Question 7 (both rotations right) is spatial_relationship, 9 (one rotation
# wrong) image_style; their l2-categories as MMBench names them
# (../shared/data/mmbench/categories.DERIVED.tsv): finegrained_perception
# (cross-instance) and coarse_perception.  A copy row (1000009) names no new question.
{
	printf 'index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\timage\tsource\tl2-category\tcomment\tsplit\n'
	printf '7\tLeft or right?\t\tleft\tright\t\t\tA\tspatial_relationship\tiVBORw0KGgo=\tx\tfinegrained_perception (cross-instance)\t\tdev\n'
	printf '9\tWhich colour?\t\tred\tgreen\tblue\t\tC\timage_style\tiVBORw0KGgo=\tx\tcoarse_perception\t\tdev\n'
	printf '1000009\tWhich colour?\t\tgreen\tblue\tred\t\tB\timage_style\tiVBORw0KGgo=\tx\tcoarse_perception\t\tdev\n'
} >dev.tsv
expect_exit 0 "$V" score -q -o mmbq --questions dev.tsv mmb.xlsx
jq -e '.suites.mmbench.official.templates.recorded
	| .overall.questions == 2 and .overall.right == 1
	and .by_category.spatial_relationship.questions == 1 and .by_category.spatial_relationship.right == 1
	and .by_category.image_style.questions == 1 and .by_category.image_style.right == 0
	and .by_l2["finegrained_perception (cross-instance)"].right == 1
	and .by_l2.coarse_perception.questions == 1 and .by_l2.coarse_perception.right == 0' \
	mmbq/report.json >/dev/null || fail "MMBench categories from the TSV: $(jq -c .suites.mmbench.official mmbq/report.json)"
grep -qF '| spatial_relationship | 1 | 1 |' mmbq/report.md || fail "report.md per category: $(grep -A5 '| category |' mmbq/report.md)"
printf 'index\tquestion\n7\tq\n' >nocat.tsv
expect_exit 3 "$V" score -q -o mmbq2 --questions nocat.tsv mmb.xlsx
expect_err "nocat.tsv:1: not an MMBench TSV (no \"index\" and \"category\" columns)"
expect_one_line_err

# ---- the same as a VLMEvalKit .tsv with quoted multi-line fields --------------------
expect_exit 0 "$V" score -q -o mmbt mmb_pred.tsv
jq -e '.suites.mmbench.official.templates.recorded | .overall.questions == 2 and .overall.right == 1' \
	mmbt/report.json >/dev/null || fail "MMBench tsv: $(jq -c .suites.mmbench.official mmbt/report.json)"
jq -e -s 'map(select(.item == "7"))[0].prompt == "Which\tone?\nSay \"A\" or \"B\"."' mmbt/samples.jsonl \
	>/dev/null || fail "the quoted field: $(head -1 mmbt/samples.jsonl)"
printf 'index\tquestion\tA\tB\tprediction\tanswer\n1\t"open quote\tA\n' >bad.tsv
expect_exit 3 "$V" score -q -o e6 bad.tsv
expect_one_line_err
expect_err "bad.tsv:2"

# ---- malformed sheets ---------------------------------------------------------------
expect_exit 3 "$V" score -q -o e1 bad_ss.xlsx
expect_one_line_err
expect_err "bad_ss.xlsx:sheet1!B3: shared string index '99' is not one of the 2 shared strings"
expect_exit 3 "$V" score -q -o e2 bad_xml.xlsx
expect_one_line_err
expect_err "bad_xml.xlsx:sheet1!"
expect_err "malformed sheet XML"
expect_exit 3 "$V" score -q -o e3 nosheet.xlsx
expect_err "nosheet.xlsx: no worksheet"
expect_exit 3 "$V" score -q -o e4 other.xlsx
expect_err "other.xlsx: a sheet of unknown columns (name, score)"
printf 'just some text\n' >notes.txt
expect_exit 3 "$V" score -q -o e5 notes.txt
expect_one_line_err
expect_err "notes.txt: unknown format"
exit 0
