#!/usr/bin/env bash
# MME: `vsrbench score` on LaVIN's recorded answers reproduces MME's published
# numbers; the mme-position suite through a real plug-in gives the scores
# worked out by hand; bad lists are one-line errors with FILE:LINE.
. "$(dirname "$0")/lib.bash"

D=${VSRBENCH_SHARED_DATA:-}
if [ ! -d "$D/mme/eval_tool/LaVIN" ]; then
	echo "no \$VSRBENCH_SHARED_DATA/mme (the shared data folder): skipped"
	exit 77
fi
cd "$T"
V=$VSRBENCH
L=$D/mme/eval_tool/LaVIN

# ---- LaVIN's answers, the eval tool's worked example -------------------------
expect_exit 0 "$V" score -o lavin "$L"
expect_out "official MME across suites [q01]: perception 963.61 (10 subtasks), cognition 249.64 (4)"
# MME's leaderboard lists LaVIN at perception 963.61 and cognition 249.64 (the
# figures as the MME paper's leaderboard gives them; the leaderboard is an image
# on the repository's Evaluation branch and could not be fetched where this test
# was written, so the awk re-implementation below is the independent check).
jq -e '(.official.mme.q01.perception.score * 100 | round) == 96361 and
       (.official.mme.q01.cognition.score * 100 | round) == 24964 and
       .official.mme.q01.perception.subtasks == 10 and .official.mme.q01.cognition.subtasks == 4' \
	lavin/report.json >/dev/null || fail "LaVIN totals: $(jq -c .official lavin/report.json)"
# And every subtask against calculation.py's rule written again in awk: lower-case
# the answer; exactly yes/no, else its first 4 characters holding "yes", else "no",
# else other; acc over questions, acc+ over line pairs.  (Bytes stand for
# characters here: the first four characters of every LaVIN answer are ASCII.)
for f in "$L"/*.txt; do
	t=$(basename "$f" .txt)
	want=$(awk -F'\t' '
		function rule(p) {
			p = tolower(p)
			if (p == "yes" || p == "no") return p
			p = substr(p, 1, 4)
			if (index(p, "yes")) return "yes"
			if (index(p, "no")) return "no"
			return "other"
		}
		{ ok = (tolower($3) == rule($4)); n++; right += ok
		  if (NR % 2) first = ok; else plus += (first && ok) }
		END { printf "%.4f", (right / n + plus / (n / 2)) * 100 }' "$f")
	got=$(jq -r --arg t "$t" '.official.mme.q01.subtask_scores[$t] * 10000 | round / 10000' lavin/report.json)
	awk -v a="$want" -v b="$got" 'BEGIN { exit !(a - b < 0.00006 && b - a < 0.00006) }' ||
		fail "$t: awk says $want, vsrbench $got"
done
# Published per-subtask scores of the spatial one and a cognition one.
jq -e '(.suites["mme-position"].official.templates.q01.subtasks.position.score * 100 | round) == 6333 and
       .suites["mme-position"].official.templates.q01.subtasks.position.questions == 60 and
       .suites["mme-position"].official.templates.q01.subtasks.position.images == 30' \
	lavin/report.json >/dev/null || fail "position: $(jq -c '.suites["mme-position"].official' lavin/report.json)"
[ "$(jq -r '.model.spec' lavin/run.json)" = replay ] || fail "run.json model"
[ "$(wc -l <lavin/samples.jsonl)" = 2374 ] || fail "journal lines"
jq -e '.complete == true and (.suites | length) == 14' lavin/status.json >/dev/null || fail "status.json"
# The report is rebuilt from the journal alone.
rm lavin/report.json
expect_exit 0 "$V" report lavin
jq -e '(.official.mme.q01.perception.score * 100 | round) == 96361' lavin/report.json >/dev/null ||
	fail "report from the journal"
grep -qF "| **perception** (1 subtask) | | | | **63.33** |" lavin/report.md || fail "report.md table"

# -s groups the lists: the perception ones under one suite.
expect_exit 0 "$V" score -q -s mme-perception -o percept "$L"
jq -e '(.suites["mme-perception"].official.templates.q01.perception.score * 100 | round) == 96361 and
       (.suites | keys) == ["mme-perception"]' percept/report.json >/dev/null ||
	fail "perception group: $(jq -c '.suites | keys' percept/report.json)"
# One file, named as the eval tool wants.
expect_exit 0 "$V" score -q -o pos "$L/position.txt"
jq -e '(.suites | keys) == ["mme-position"]' pos/report.json >/dev/null || fail "one list"

# ---- bad input ----------------------------------------------------------------
expect_exit 3 "$V" score -o x "$D/mme/eval_tool/Your_Results/position.txt"
expect_err "Your_Results/position.txt:1: no answer (a 4th tab-separated column) to score"
expect_one_line_err
[ -e x/samples.jsonl ] && fail "a failed score left a journal"
ls x | grep -q samples && fail "a failed score left a temporary journal"
head -4 "$L/position.txt" >position.txt
printf '000000007281.jpg\tIs the sea in front? Please answer yes or no.\tNo\tno\tand a tab\n' >>position.txt
expect_exit 3 "$V" score -o y position.txt
expect_err "position.txt:5: 5 tab-separated columns"
cp position.txt answers.txt
expect_exit 2 "$V" score -o y answers.txt
expect_err "its name is not <subtask>.txt"
expect_exit 2 "$V" score -o lavin "$L"
expect_err "lavin already holds a journal"
expect_exit 2 "$V" score
expect_err "no input to score"

# ---- the suite, through a real plug-in -----------------------------------------
mkdir imgs
cut -f1 "$D/mme/eval_tool/Your_Results/position.txt" | sort -u >names
"$VSR_BUILD/tests/mkimage" --names names imgs 32 24
# A plug-in that says yes to everything: every Yes question right (30 of 60), no
# image with both right: acc 50%, acc+ 0%, score 50.
expect_exit 0 "$V" run -s mme-position --data "$D" --images imgs -m "lib:$VSR_BUILD/tests/adapters/scripted.so" \
	-M answer=yes -M need_image=1 -o run1
expect_out "official MME [q01]: score 50.00 (acc 50.00%, acc+ 0.00%)"
[ "$(jq -r .templates run1/run.json)" = q01 ] || fail "MME's default template is q01"
jq -e '[.[] | select(.template == "q01")] | length == 60' -s run1/samples.jsonl >/dev/null ||
	fail "60 tasks"
jq -e -s 'all(.prompt | endswith("Please answer yes or no."))' run1/samples.jsonl >/dev/null ||
	fail "q01 sends MME's question as it is"
# The journal scored again gives the same.
expect_exit 0 "$V" score -o rescored run1
expect_out "official MME [q01]: score 50.00"
# A missing image is an error before any request, naming it.
rm imgs/000000007281.jpg
expect_exit 3 "$V" run -s mme-position --data "$D" --images imgs -m builtin:yes -o run2
expect_err "1 of the 30 images of mme-position are not under --images (first: 000000007281.jpg)"
expect_one_line_err
[ -e run2/samples.jsonl ] && fail "a request was made"
expect_exit 0 "$V" run -q -s mme-position --data "$D" --images imgs -m builtin:yes --skip-missing-images -o run3
[ "$(wc -l <run3/samples.jsonl)" = 58 ] || fail "skipping leaves 58 questions"
# A template that needs what MME items lack.
expect_exit 2 "$V" run -s mme-position --data "$D" --images imgs -m builtin:yes -t yn07 --skip-missing-images -o run4
expect_err "suite 'mme-position' gets no task from -t 'yn07': template yn07 needs [subject], which its items lack"
[ -e run4 ] && fail "a refused run left its directory"
echo ok
