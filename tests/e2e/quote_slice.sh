#!/usr/bin/env bash
# The line to quote a headline by carries what keeps it from being the
# benchmark's number.  A run of the first items only (-n, the first thing a
# user with a budget does) read like the whole unified test set: "Test-S
# (1 template): acc_t 45.0% ...", report.md's "The seed paper's numbers on the
# unified test set", nothing saying 40 of 1,222 items were asked.  And
# refusals and replies cut short, which are in no denominator, went unsaid
# in the quote: 10 items asked, 5 scored, quoted as "5 tasks".
# Six VSR captions in the real format (the file's own count: 6), placeholder images.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
V=$VSRBENCH
cd "$T"
mkdir -p data/vsr/data/splits/zeroshot img
cat >data/vsr/data/splits/zeroshot/test.jsonl <<'JSONL'
{"image": "000000017697.jpg", "caption": "The car is behind the suitcase.", "label": 1, "relation": "behind", "subj": "car", "obj": "suitcase"}
{"image": "000000199940.jpg", "caption": "The cat is under the backpack.", "label": 0, "relation": "under", "subj": "cat", "obj": "backpack"}
{"image": "000000254016.jpg", "caption": "The dog is touching the person.", "label": 1, "relation": "touching", "subj": "dog", "obj": "person"}
{"image": "000000101001.jpg", "caption": "The bed is right of the cat.", "label": 0, "relation": "right of", "subj": "bed", "obj": "cat"}
{"image": "000000006471.jpg", "caption": "The bat is above the person.", "label": 1, "relation": "above", "subj": "bat", "obj": "person"}
{"image": "000000007281.jpg", "caption": "The sea is behind the person.", "label": 1, "relation": "behind", "subj": "sea", "obj": "person"}
JSONL
jq -r .image data/vsr/data/splits/zeroshot/test.jsonl | sort -u >names.txt
"$VSR_BUILD/tests/mkimage" --names names.txt img 32 24
common=(-s vsr-unified --data data --images img -m builtin:yes)

# --- -n 2 of 6 items: every place the headline is read says so -----------------------
expect_exit 0 "$V" run "${common[@]}" -n 2 -o slice
slice="the first 2 of 6 items (-n 2)"
# builtin:yes on items 1 (true) and 2 (false): 1 of 2 right.
q=$(jq -r '.suites."vsr-zeroshot-test".quote' slice/report.json)
case $q in "vsr-zeroshot-test, Test-S (1 template), $slice: acc_t 50.0% (95% CI "*"; 2 tasks on 2 images), model builtin:yes"*) ;;
*) fail "report.json's quote does not name the slice: $q" ;; esac
grep -qxF -- "- \`$q\`" slice/report.md || fail "report.md's quote: $(grep -A3 'To quote' slice/report.md)"
grep -qF "To quote: $q</div>" slice/report.html || fail "report.html's quote"
grep -qxF -- "- **asked: $slice of \`vsr-zeroshot-test\`, not the whole suite**" slice/report.md ||
	fail "report.md's header: $(sed -n 1,8p slice/report.md)"
grep -qF "**Over $slice only, not the whole test set: not the paper's protocol" slice/report.md ||
	fail "report.md's table of the paper's numbers: $(grep -A8 "seed paper's numbers" slice/report.md)"
expect_out "  asked: $slice, not the whole suite; a number quoted from it must say so"
jq -e '.run.limit == 2' slice/report.json >/dev/null || fail "report.json's run.limit: $(jq -c .run slice/report.json)"
# vsrbench report rebuilds the same from the run directory.
expect_exit 0 "$V" report slice
expect_out "  asked: $slice, not the whole suite"

# --- -n at or above the suite's size, and no -n: the whole suite, nothing said --------
for n in 6 50 none; do
	if [ $n = none ]; then lim=(); else lim=(-n "$n"); fi
	expect_exit 0 "$V" run "${common[@]}" "${lim[@]}" -o "all$n"
	! grep -q 'the first\|asked:' "$T/out" "all$n/report.md" || fail "-n $n: a slice named: $(grep 'the first\|asked:' "$T/out" "all$n/report.md")"
	case $(jq -r '.suites."vsr-zeroshot-test".quote' "all$n/report.json") in
	"vsr-zeroshot-test, Test-S (1 template): acc_t 66.7% (95% CI "*"; 6 tasks on 6 images), model builtin:yes"*) ;;
	*) fail "-n $n: quote $(jq -r '.suites."vsr-zeroshot-test".quote' "all$n/report.json")" ;;
	esac
done

# --- refused and cut-short replies, out of the denominator, named in the quote ---------
start_fake_apis
export GEMINI_API_KEY="$KEY"
# The first 6 requests: 2 safety blocks (finishReason SAFETY, no content), 1
# cut by the token limit before any text: 3 of 6 scored.
queue_faults "$PORT" safety cut safety
expect_exit 0 "$V" run -s vsr-unified --data data --images img -m gemini -M "base_url=${URL[gemini]}" \
	-M model=gemini-2.5-flash -j 1 --fixed --cache off -o blocked
q=$(jq -r '.suites."vsr-zeroshot-test".quote' blocked/report.json)
case $q in *"; 3 tasks on 3 images; not counted: 2 refused, 1 cut short), model gemini model gemini-2.5-flash"*) ;;
*) fail "the quote does not count the refused and cut-short replies: $q" ;; esac

# --- the whole set after the slice: into the same -o it is refused in -n's words
# (it said "limit was 2, now -1"); into another -o the response cache answers
# the 2 tasks the slice paid for, and only the other 4 are sent.
expect_exit 0 "$V" run -s vsr-unified --data data --images img -m gemini -M "base_url=${URL[gemini]}" \
	-M model=gemini-2.5-flash --cache "$T/cache" -n 2 -q -o trial
expect_exit 2 "$V" run -s vsr-unified --data data --images img -m gemini -M "base_url=${URL[gemini]}" \
	-M model=gemini-2.5-flash --cache "$T/cache" -q -o trial
expect_err "trial holds a run made with -n 2, now no -n: another number of items is another run; give it another -o"
expect_one_line_err
n0=$(server_log "$PORT" | jq length)
expect_exit 0 "$V" run -s vsr-unified --data data --images img -m gemini -M "base_url=${URL[gemini]}" \
	-M model=gemini-2.5-flash --cache "$T/cache" -q -o whole
[ "$(($(server_log "$PORT" | jq length) - n0))" = 4 ] || fail "the whole set after the slice sent $(($(server_log "$PORT" | jq length) - n0)) requests, not 4"
echo ok
