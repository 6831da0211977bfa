#!/usr/bin/env bash
# Replies read as no answer are counted and shown: a model that answers in
# sentences vsrbench does not read scores 0 with no word of why otherwise.
# Each suite says how many of its replies were not read, with up to three
# distinct examples (blanks collapsed, control bytes as '?', cut to 160
# bytes), on the terminal, in report.md (code spans), report.html (escaped)
# and report.json (not_read_examples); half or more not read puts a warning
# above the numbers (report.json "mostly_not_read").  Expected counts: the
# child's replies, counted from the journal's responses with jq; expected
# examples: written out by hand below.
. "$(dirname "$0")/lib.bash"

cd "$T"
V=$VSRBENCH
cat >child.py <<'PY'
import json, sys, zlib
ANSWER = sys.argv[1] == "answer"
for line in sys.stdin:
    q = json.loads(line)
    k = zlib.crc32(q["prompt"].encode()) % 4
    if ANSWER or k == 0:
        t = "Yes" if k % 2 else "No"
    elif k == 1:
        t = "  I <b>cannot</b>\n\ttell   from this picture.\n"
    elif k == 2:
        t = ""
    else:
        t = "Let me \x1b[1mthink\x1b[0m.\n" + "x" * 300
    print(json.dumps({"id": q["id"], "text": t}), flush=True)
PY
expect_exit 0 "$V" run -m exec -M cmd="python3 $T/child.py mixed" -S count=40 -o r
j=r/samples.jsonl
n=$(wc -l <$j)
unread=$(jq -s '[.[] | select(.response != "Yes" and .response != "No")] | length' $j)
for s in 'test("cannot")' '. == ""' 'startswith("Let me")' '. == "No" or . == "Yes"'; do
	[ "$(jq -s "[.[] | select(.response | $s)] | length" $j)" -gt 0 ] || fail "no reply of the kind $s"
done
jq -s -e 'map(select(.response != "Yes" and .response != "No") | .answer == "invalid") | all' $j >/dev/null ||
	fail "the sentences read as answers"
# The three distinct replies, as the reports show them (by hand).
ex1="I <b>cannot</b> tell from this picture."
ex3="Let me ?[1mthink?[0m. $(printf 'x%.0s' $(seq 135))..."
[ ${#ex3} = 160 ] || fail "the expected cut example is ${#ex3} bytes"
jq -e --arg a "$ex1" --arg c "$ex3" '.suites.synth.not_read_examples | sort == ([$a, "", $c] | sort)' \
	r/report.json >/dev/null || fail "report.json examples: $(jq -c .suites.synth.not_read_examples r/report.json)"
jq -e --argjson u "$unread" --argjson n "$n" '.suites.synth.tasks == $n and .suites.synth.answered.k == $n - $u' \
	r/report.json >/dev/null || fail "report.json counts"
expect_out "  not read: $unread of $n replies held no yes or no vsrbench reads (counted wrong; what it reads"
expect_out "\"$ex1\""
expect_out "an empty reply"
expect_out "\"$ex3\""
warn="most replies were not read: $unread of $n held no answer vsrbench reads, and each counts as wrong"
expect_out "$warn"
jq -e --arg w "$warn" '.mostly_not_read | startswith($w)' r/report.json >/dev/null || fail "mostly_not_read"
grep -qF "not read: $unread of $n replies" r/report.md || fail "report.md count"
grep -qF "\`$ex1\`" r/report.md || fail "report.md: the example as a code span"
grep -qF "I &lt;b&gt;cannot&lt;/b&gt; tell from this picture." r/report.html || fail "report.html: the example escaped"
grep -qF "<b>cannot</b>" r/report.html && fail "report.html: the model's markup went through"
# Without the summary (-q, as CI runs it) the warning goes to stderr; on
# GitHub Actions it is also an annotation.
GITHUB_ACTIONS=true expect_exit 0 "$V" report r -q
expect_err "vsrbench: warning: $warn"
expect_err "::warning title=vsrbench (replies not read)::$warn"
expect_exit 0 "$V" report r
grep -q "warning: most replies" "$T/err" && fail "the summary's warning said twice: $(cat "$T/err")"
grep -q "^::" "$T/err" && fail "an annotation outside GitHub Actions: $(cat "$T/err")"
# The reports rebuilt from the journal say the same.
rm r/report.json
expect_exit 0 "$V" report r --format json
jq -e --arg a "$ex1" '.suites.synth.not_read_examples | index($a) != null' r/report.json >/dev/null || fail "rebuilt"

# A model whose every reply is read: no line, no warning, no examples.
expect_exit 0 "$V" run -m exec -M cmd="python3 $T/child.py answer" -S count=40 -o a
grep -q "not read" "$T/out" && fail "a run of answers says some were not read: $(cat "$T/out")"
jq -e '(.mostly_not_read == null) and (.suites.synth.not_read_examples == null)' a/report.json >/dev/null ||
	fail "a run of answers: $(jq -c '{mostly_not_read}' a/report.json)"
