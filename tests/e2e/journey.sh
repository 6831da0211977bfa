#!/usr/bin/env bash
# A new user's journey (issue 17): mixed suites each get their own
# templates, aliases work wherever a suite is named, mistakes get a "did you
# mean".  Small fixtures in the real formats: four VSR lines and two MME
# position pairs, placeholder images made here.
. "$(dirname "$0")/lib.bash"

V=$VSRBENCH
cd "$T"
mkdir -p data/vsr/data/splits/zeroshot data/mme/eval_tool/Your_Results img
cat >data/vsr/data/splits/zeroshot/test.jsonl <<'EOF'
{"image": "000000017697.jpg", "caption": "The car is behind the suitcase.", "label": 1, "relation": "behind", "subj": "car", "obj": "suitcase"}
{"image": "000000199940.jpg", "caption": "The cat is under the backpack.", "label": 0, "relation": "under", "subj": "cat", "obj": "backpack"}
{"image": "000000254016.jpg", "caption": "The dog is touching the person.", "label": 1, "relation": "touching", "subj": "dog", "obj": "person"}
{"image": "000000101001.jpg", "caption": "The bed is right of the cat.", "label": 0, "relation": "right of", "subj": "bed", "obj": "cat"}
EOF
printf '%s\t%s\t%s\n' \
	000000006471.jpg "Is the cricket bat above the batter's body? Please answer yes or no." Yes \
	000000006471.jpg "Is the cricket bat under the batter's body? Please answer yes or no." No \
	000000007281.jpg "Is the sea behind people in the image? Please answer yes or no." Yes \
	000000007281.jpg "Is the sea in front of people in the image? Please answer yes or no." No \
	>data/mme/eval_tool/Your_Results/position.txt
{ jq -r .image data/vsr/data/splits/zeroshot/test.jsonl; cut -f1 data/mme/eval_tool/Your_Results/position.txt; } |
	sort -u >names.txt
"$VSR_BUILD/tests/mkimage" --names names.txt img 32 24
# builtin:yes is right on the true captions and the "Yes" questions.
vsr_yes=$(jq -s '[.[] | select(.label == 1)] | length' data/vsr/data/splits/zeroshot/test.jsonl)
mme_yes=$(cut -f3 data/mme/eval_tool/Your_Results/position.txt | grep -c '^Yes$')
common=(--data data --images img -m builtin:yes)

# --- 1. mixed suites: each with its own template, in either order ----------------
for order in "vsr-unified mme-position" "mme-position vsr-unified"; do
	set -- $order
	rm -rf mixed
	expect_exit 0 "$V" run -s "$1" -s "$2" "${common[@]}" -o mixed -q
	jq -e '.suites."vsr-zeroshot-test".tasks == 4 and .suites."mme-position".tasks == 4' \
		mixed/report.json >/dev/null || fail "$order: both suites scored: $(jq -c .suites mixed/report.json)"
	jq -e ".suites.\"vsr-zeroshot-test\".accuracy.k == $vsr_yes and .suites.\"mme-position\".accuracy.k == $mme_yes" \
		mixed/report.json >/dev/null || fail "$order: accuracies"
	# each suite asked with its own template only
	[ "$(jq -r 'select(.suite == "mme-position") | .template' mixed/samples.jsonl | sort -u)" = q01 ] ||
		fail "$order: MME asked with other templates than q01"
	[ "$(jq -r 'select(.suite == "vsr-zeroshot-test") | .template' mixed/samples.jsonl | sort -u)" = yn01 ] ||
		fail "$order: VSR asked with other templates than yn01"
	grep -q 'left out' "$T/err" && fail "$order: a warning about left-out tasks: $(cat "$T/err")"
done
# The progress total counts only the tasks that run (a model slow enough for a line).
cat >slow.py <<'PY'
import json, sys, time
for line in sys.stdin:
    r = json.loads(line)
    time.sleep(0.05)
    print(json.dumps({"id": r["id"], "text": "yes"}), flush=True)
PY
expect_exit 0 "$V" run -s vsr-unified -s mme-position --data data --images img -m exec \
	-M cmd="python3 slow.py" -j 1 -o slow --progress lines --progress-interval 0.01 -q
grep -q '^vsrbench: progress: [0-9]/8 tasks' "$T/err" || fail "progress total: $(cat "$T/err")"
tail -1 "$T/err" | grep -q '^vsrbench: progress: 8/8 tasks done' || fail "progress end: $(cat "$T/err")"
expect_exit 0 "$V" run -s mme-position -s vsr-unified "${common[@]}" --dry-run
expect_out "mme-position                  4 items         4 tasks"
expect_out "vsr-zeroshot-test             4 items         4 tasks"
expect_out "8 tasks in all (2 templates)"
# -t that fits only one suite: the other is exit 2, naming it and the field, also in --dry-run
for dry in "" --dry-run; do
	expect_exit 2 "$V" run -s mme-position -s vsr-unified "${common[@]}" -t q01 -o none $dry
	expect_err "suite 'vsr-zeroshot-test' gets no task from -t 'q01': template q01 needs [question], which its items lack"
	expect_one_line_err
	expect_exit 2 "$V" run -s vsr-unified -s mme-position "${common[@]}" -t pool -o none $dry
	expect_err "suite 'mme-position' gets no task from -t 'pool': template yn01 needs [caption], which its items lack"
done
[ -e none ] && fail "a refused run left its directory"
# -t with templates for both: each applied where it fits
expect_exit 0 "$V" run -s mme-position -s vsr-unified "${common[@]}" -t q01,yn01,tf01 --dry-run
expect_out "mme-position                  4 items         4 tasks"
expect_out "vsr-zeroshot-test             4 items         8 tasks"
# -t is repeatable: the ids add up (not the last -t alone)
expect_exit 0 "$V" run -s mme-position -s vsr-unified "${common[@]}" -t q01 -t yn01 -t tf01 --dry-run
expect_out "mme-position                  4 items         4 tasks"
expect_out "vsr-zeroshot-test             4 items         8 tasks"
expect_out "12 tasks in all (3 templates)"
expect_exit 2 "$V" run "${common[@]}" -t pool -t q01 --dry-run
expect_err "-t 'pool' and -t 'q01': only template ids add up (-t yn01 -t q01); single, pool, vsre or a file is a -t of its own"

# --- 2. aliases wherever a suite is named ---------------------------------------------
expect_exit 0 "$V" run -s vsr-zeroshot-test "${common[@]}" -q -o gate --min-accuracy vsr-unified=0.5
expect_out "gate passed: 1 check"
expect_exit 1 "$V" run -s vsr-zeroshot-test "${common[@]}" -q -o gate --min-accuracy vsr-unified=0.6
expect_err "vsr-unified: accuracy 50.0% [15.0, 85.0] (2 of 4) is below the floor 60.0%"
# junit.xml: the floor is a test case of the suite's own testsuite (GitLab lists test
# cases under their classname), not of a second testsuite named by the alias.
command -v xmllint >/dev/null ||
	fail "xmllint is not installed: run 'make -f Makefile.ci deps' (libxml2-utils; CI installs it)"
[ "$(xmllint --xpath 'count(//testsuite)' gate/junit.xml)" = 1 ] &&
	[ "$(xmllint --xpath 'count(//testsuite[@name="vsr-zeroshot-test"]/testcase[@classname="vsrbench.vsr-zeroshot-test"]/failure[@type="min-accuracy"])' gate/junit.xml)" = 1 ] ||
	fail "junit: the floor by an alias is not in its suite: $(cat gate/junit.xml)"
# -S by an alias reaches the suite (whose loader then refuses the key)
expect_exit 2 "$V" run -s vsr-zeroshot-test -S vsr-unified.foo=1 "${common[@]}" --dry-run
expect_err "suite vsr-zeroshot-test has no option 'foo' (it takes none)"
expect_exit 2 "$V" run -s vsr-unified -S vsr-zeroshot-test.foo=1 "${common[@]}" --dry-run
expect_err "suite vsr-zeroshot-test has no option 'foo' (it takes none)"
# score -s by an alias; an unknown -s is a usage error with a suggestion
mkdir answers
printf '%s\t%s\t%s\t%s\n' a.jpg "Is it text? Please answer yes or no." Yes Yes \
	a.jpg "Is it not text? Please answer yes or no." No Yes >answers/OCR.txt
for s in mme-ocr mme-OCR; do
	rm -rf sc
	expect_exit 0 "$V" score -q -o sc -s "$s" answers
	[ "$(jq '.suites."mme-ocr".tasks' sc/report.json)" = 2 ] || fail "score -s $s"
done
expect_exit 2 "$V" score -q -o sc2 -s mme-ocrr answers
expect_err "unknown suite 'mme-ocrr'; did you mean 'mme-ocr'? (see 'vsrbench list suites')"
expect_one_line_err

# --- 7. did you mean ---------------------------------------------------------------------
expect_exit 2 "$V" run -s synt --dry-run
expect_err "unknown suite 'synt'; did you mean 'synth'? (see 'vsrbench list suites')"
expect_one_line_err
expect_exit 2 "$V" run --sed 3 --dry-run
expect_err "unknown option '--sed'; did you mean '--seed'? (see 'vsrbench run --help')"
expect_one_line_err
expect_exit 2 "$V" compare a b --max-dorp 2
expect_err "unknown option '--max-dorp'; did you mean '--max-drop'? (see 'vsrbench compare --help')"
expect_exit 2 "$V" run -t pol --dry-run
expect_err "unknown template 'pol' (not a file either); did you mean 'pool'? (see 'vsrbench list templates')"
expect_one_line_err
expect_exit 2 "$V" run -m opena --dry-run
expect_err "unknown model 'opena'; did you mean 'openai'? (see 'vsrbench list models')"
expect_one_line_err
expect_exit 2 "$V" run -m builtin:geometr --dry-run
expect_err "unknown model 'builtin:geometr'; did you mean 'builtin:geometry'? (available: builtin:geometry,"
expect_one_line_err
expect_exit 2 "$V" run -m builtin:zzz --dry-run # near no builtin: the list alone
expect_err "unknown model 'builtin:zzz' (available: builtin:geometry,"
expect_exit 2 "$V" list suite
expect_err "cannot list 'suite'; did you mean 'suites'? (see 'vsrbench list --help')"
expect_one_line_err
expect_exit 2 "$V" statu
expect_err "unknown command 'statu'"
# ... and every other name a user types: perturbations, -S and -M keys, datasets,
# data and cache actions, report formats (each exit 2, one line, the list kept)
expect_exit 2 "$V" run -p hflp --dry-run
expect_err "unknown perturbation 'hflp'; did you mean 'hflip'? (known: instr, format,"
expect_one_line_err
expect_exit 2 "$V" run -S cuont=5 --dry-run
expect_err "synth: unknown option \"cuont\"; did you mean 'count'? (known: count, relations, size, distractors)"
expect_exit 2 "$V" run -m openai -M modle=x --dry-run
expect_err "-m openai: unknown option -M modle; did you mean 'model'? (known: base_url, model,"
expect_exit 2 "$V" run -m exec -M cmdd=x --dry-run
expect_err "-m exec: unknown option -M cmdd; did you mean 'cmd'? (known: cmd, shell,"
expect_exit 2 "$V" data pull vsr-unifed --list --data data
expect_err "unknown dataset or suite 'vsr-unifed'; did you mean 'vsr-unified'? (datasets: vsr,"
expect_exit 2 "$V" data pull mmbenc --list --data data
expect_err "unknown dataset or suite 'mmbenc'; did you mean 'mmbench'?"
expect_exit 2 "$V" data pul vsr
expect_err "unknown data command 'pul'; did you mean 'pull'? (see 'vsrbench data --help')"
expect_one_line_err
expect_exit 2 "$V" cache stat --cache "$T/cache"
expect_err "cache: unknown action 'stat'; did you mean 'stats'? (expected stats, prune or clear)"
expect_exit 2 "$V" report --format mdd "$T"
expect_err "unknown report format 'mdd'; did you mean 'md'? (known: json, md, html, junit)"
# A gate or -S naming a suite the run lacks: exit 2 before any task, not a failed gate after the run.
expect_exit 2 "$V" run --min-accuracy synht=0.5 -o gtypo
expect_err "--min-accuracy: suite 'synht' is not in this run; did you mean 'synth'? (its suites: synth)"
expect_one_line_err
expect_exit 2 "$V" run -s vsr-unified "${common[@]}" --min-accuracy mme-position=0.5 -o gtypo
expect_err "--min-accuracy: suite 'mme-position' is not in this run (its suites: vsr-unified)"
expect_exit 2 "$V" run -S synht.count=5 -o gtypo
expect_err "-S synht.count: suite 'synht' is not in this run; did you mean 'synth'? (its suites: synth)"
[ -e gtypo ] && fail "a refused gate left a run directory"
# compare gates runs already made: a mistyped suite fails the gate with the suggestion
expect_exit 0 "$V" run -q -n 4 -o gbase
expect_exit 1 "$V" compare gbase gbase --min-accuracy synht=0.5 -q
expect_err "gate failed: synht: no answered task in the run, so the floor 50.0% cannot be checked; did you mean 'synth'? (suites in the run: synth)"
# list and list --help print the topics; report without a run prints its --help
expect_exit 0 "$V" list --help
for t in suites templates models relations; do grep -q "^  $t " "$T/out" || fail "list --help lacks $t"; done
expect_exit 0 "$V" report --help
cp "$T/out" report-help
expect_exit 2 "$V" report
cmp -s report-help "$T/err" || fail "report without a run: $(cat "$T/err")"
# help CMD is CMD --help, as in git; a mistyped one gets the suggestion
expect_exit 0 "$V" help run
cp "$T/out" help-run
expect_exit 0 "$V" run --help
cmp -s help-run "$T/out" || fail "help run is not run --help: $(head -2 help-run)"
expect_exit 2 "$V" help reprot
expect_err "unknown command 'reprot'; did you mean 'report'? (see 'vsrbench --help')"
expect_exit 0 "$V" version
cp "$T/out" version-out
expect_exit 0 "$V" --version
cmp -s version-out "$T/out" || fail "version is not --version: $(head -1 version-out)"
# run --help's usage lines name every option its body describes (the short
# form of "  -x, --long", the long of "      --long"), --help aside
expect_exit 0 "$V" run --help
usage=$(sed -n '1,/^$/p' "$T/out")
opts=$(sed -n '/^$/,$p' "$T/out" | sed -n 's/^  \(-[A-Za-z]\), --[a-z-]*.*/\1/p; s/^      \(--[a-z-]*\).*/\1/p' |
	grep -vx -- --help)
[ "$(wc -w <<<"$opts")" -ge 40 ] || fail "run --help describes only: $opts"
for o in $opts; do
	grep -qe "[[ ]$o[] ]" <<<"$usage" || grep -qe "[[ ]$o\$" <<<"$usage" || fail "run --help's usage lacks $o: $usage"
done
# --- 11. numbers and words: no bad shapes in a few runs' outputs -------------------------
{
	"$V" run -s mme-position "${common[@]}" -o w1 -t q01
	"$V" run -S count=40 -t ab01 -o w2 -p hflip
	"$V" run -S count=40 -m builtin:yes -o w3
	"$V" run -S count=20 -t ab01 --dry-run
	"$V" run -S count=20 -t pool -o w4 # every template 100%: no "worst X (ab01), best X (ab01)"
	"$V" run -n 1 -p hflip -o w5 # one item: "1 task", "1 valid pair", "1 image"
	"$V" run -n 1 -p hflip -o w5 # resumed with nothing left: no "0 tasks in 0.0s"
	cp -r w5 w5same && "$V" compare w5 w5same --max-drop 2
	cp -r w2 w2same && "$V" compare w2 w2same --max-drop 2
	"$V" compare w2 w3 --max-drop 2 --allow-different-content || true
	cat w1/report.md w2/report.md w3/report.md w4/report.md w5/report.md
	sed 's/<[^>]*>//g' w4/report.html
} >shapes.out 2>&1
grep -q "compare" shapes.out || fail "the shape runs printed nothing: $(head shapes.out)"
grep -q "changed by 0.0 points" shapes.out || fail "compare of a run with itself: $(grep points shapes.out)"
[ "$(grep -c "36 templates: every one 100.0%, no spread" shapes.out)" = 3 ] ||
	fail "36 templates at 100% (terminal, report.md, report.html): $(grep "36 templates" shapes.out)"
grep -q "(1 template)" shapes.out || fail "dry run of one template: $(grep 'tasks in all' shapes.out)"
grep -q "^nothing left to run; report: w5/report.html" shapes.out || fail "a resume with nothing left: $(grep -A1 'run directory: w5' shapes.out)"
if grep -nE -- '[ (]1 (new |valid |paired |journal )?(tasks|pairs|lines|images)\b|^0 tasks in' shapes.out; then
	fail "a plural for one, or a rate of nothing, in the outputs above"
fi
if grep -nE -- '-0\.0 points|\(1 [a-z]+s\)|&lt;|worst ([0-9.]+%) \(([A-Za-z0-9_]+)\), best \1 \(\2\)' shapes.out; then
	fail "a bad shape in the outputs above"
fi

# merging one shard of two says so in the singular
expect_exit 0 "$V" run -q -n 4 --shard 0/2 -o sh0
expect_exit 2 "$V" merge shm sh0
expect_err "the runs are shards of 2 but 1 was given"

# --- 8. resume with other options names the field and both values -----------------
expect_exit 0 "$V" run -q -n 3 -o rs
expect_exit 2 "$V" run -q -n 4 -o rs
expect_err "rs holds a run made with -n 3, now -n 4: another number of items is another run; give it another -o"
expect_err "or resume this one with -n 3"
expect_one_line_err
expect_exit 2 "$V" run -q -n 3 -S count=9 -o rs
expect_err "different configuration: suites[0].options.count was (none), now \"9\";"
expect_exit 2 "$V" run -q -n 3 -m builtin:yes -o rs
expect_err "different configuration: model.spec was \"builtin:geometry\", now \"builtin:yes\";"
expect_exit 2 "$V" run -q -n 3 --max-tokens 5 -o rs
expect_err "different configuration: generation.max_tokens was 32, now 5;"
echo ok
