#!/usr/bin/env bash
# Issue 14 §5: report.md says which yes/no rule each MME number uses (MME's
# own first-four-characters rule vs vsrbench's extractor) and how many replies
# the two read differently, per suite and across suites.  Two answered lists,
# every figure worked out by hand in the comments.
. "$(dirname "$0")/lib.bash"

V=$VSRBENCH
cd "$T"
mkdir -p lists nodata
# position (truth, reply -> MME's rule / extractor):
#   a#1 Yes "The answer is yes."  -> other (wrong) / yes (right)
#   a#2 No  "I would say no."     -> other (wrong) / no (right)
#   b#1 Yes "Yes"                 -> yes (right)   / yes (right)
#   b#2 No  "Yesterday"           -> yes (wrong: "yest" holds "yes") / not an answer (wrong)
# MME's rule: acc 1/4, acc+ 0/2 -> score 25.00; extractor: acc 3/4, acc+ 1/2 -> 125.00;
# read differently: a#1, a#2, b#2 = 3 of 4; "other" to MME's rule: 2.
printf '%s\t%s\t%s\t%s\n' \
	a.jpg 'Is the cat left of the dog? Please answer yes or no.' Yes 'The answer is yes.' \
	a.jpg 'Is the cat right of the dog? Please answer yes or no.' No 'I would say no.' \
	b.jpg 'Is the cup on the table? Please answer yes or no.' Yes 'Yes' \
	b.jpg 'Is the cup under the table? Please answer yes or no.' No 'Yesterday' >lists/position.txt
# existence: both rules read "Yes." and "No, there is none." alike: 200.00 each, 0 of 2 differ.
printf '%s\t%s\t%s\t%s\n' \
	c.jpg 'Is there a bird in this image? Please answer yes or no.' Yes 'Yes.' \
	c.jpg 'Is there a fish in this image? Please answer yes or no.' No 'No, there is none.' >lists/existence.txt

expect_exit 0 "$V" score --data nodata -o o lists/position.txt lists/existence.txt
expect_out "official MME [q01]: score 25.00 (acc 25.00%, acc+ 0.00%); extractor 125.00, 3 replies differ"
md=o/report.md
grep -qF '| position | 4 | 25.00% | 0.00% | 25.00 | 2 | 0 | 125.00 | 3 |' $md ||
	fail "position row: $(grep '^| position' $md)"
grep -qF 'Which rule each number uses: acc, acc+, score and the perception / cognition sums use MME'"'"'s rule; "score (vsrbench extractor)" and this suite'"'"'s acc_t / acc_a tables (Overall, by category, by template) use vsrbench'"'"'s extractor. The two read **3 of 4 replies** differently (2 replies are "other" to MME'"'"'s rule).' $md ||
	fail "report.md lacks the rule statement for position: $(grep -n 'Which rule' $md)"
grep -qF 'The two read **0 of 2 replies** differently (0 replies are "other"' $md ||
	fail "report.md lacks the rule statement for existence"
# The suite's acc_t is the extractor's: 3 of 4.
jq -e '.suites."mme-position".accuracy | .k == 3 and .n == 4' o/report.json >/dev/null ||
	fail "acc_t of mme-position: $(jq -c '.suites."mme-position".accuracy' o/report.json)"
# Across suites: perception 25 + 200 = 225.00 by MME's rule, 125 + 200 = 325.00 by the extractor.
grep -qF '| perception | 2 | 225.00 | 325.00 |' $md || fail "totals: $(sed -n '/totals across suites/,$p' $md)"
grep -qF 'They read 3 of 6 replies differently.' $md || fail "totals: the count of replies read differently"
# report.html says the same in its note.
grep -qF 'They read <b>3 of 4 replies</b> differently.' o/report.html || fail "report.html: the count of replies read differently"
echo ok
