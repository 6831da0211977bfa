#!/usr/bin/env bash
# The CI gate (docs/ci.md) against the mistakes a CI set-up makes, with a
# baseline and a candidate served by two loopback model servers: one that
# answers through builtin-geometry.so (right on synth), one that answers
# yes or no from a hash of the prompt.  What the gate must not do is pass
# in silence on something that is not the comparison asked for:
#  - a drop larger than --max-drop that is not significant passes, with a
#    warning on every output (stderr, ::warning, compare.json, compare.md,
#    junit.xml), and on so few pairs that no drop could be significant the
#    line says how many changed answers it takes (exact two-sided McNemar
#    with every pair one way: p = 2 / 2^d; below 0.05 from d = 6 on, as
#    2/2^5 = 0.0625 and 2/2^6 = 0.03125);
#  - one shard of a run (--shard I/N, not merged) is a part of the
#    benchmark: it fails as a partial run does, unless --allow-partial.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/partial.bash"
. "$VSR_SRC/tests/server/lib.bash"

command -v xmllint >/dev/null ||
	fail "xmllint is not installed: run 'make -f Makefile.ci deps' (libxml2-utils; CI installs it)"
XSD="$VSR_SRC/tests/junit/junit.xsd"
start_server good --plugin "$GEOMETRY"
GOOD="http://127.0.0.1:$PORT/v1"
start_server hash
HASH="http://127.0.0.1:$PORT/v1"
cd "$T"
V=$VSRBENCH
served() { expect_exit 0 "$V" run -q -s synth -m openai -M base_url="$1" -M model=m "${@:2}"; }

# junit_agrees FILE: its counts are the elements' (what Jenkins and GitLab count).
junit_agrees() {
	python3 - "$1" <<'EOF' || fail "junit $1: counts disagree"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
tot = {"tests": 0, "failures": 0, "errors": 0}
for s in root.findall("testsuite"):
    cases = s.findall("testcase")
    got = {"tests": len(cases), "failures": sum(len(c.findall("failure")) for c in cases),
           "errors": sum(len(c.findall("error")) for c in cases)}
    for k, v in got.items():
        tot[k] += v
        assert int(s.get(k)) == v, (s.get("name"), k, s.get(k), v)
for k, v in tot.items():
    assert int(root.get(k)) == v, (k, root.get(k), v)
EOF
	xmllint --noout --schema "$XSD" "$1" 2>xmllint.err || fail "junit $1: $(cat xmllint.err)"
}

# ---- a gate on 4 items: a big drop, never significant ------------------------
served "$GOOD" -n 4 -o "small base"
served "$HASH" -n 4 -o "small cand"
read -r b c pairs <<<"$(discordant "small base" "small cand")"
[ "$pairs" = 4 ] && [ "$c" = 0 ] && [ "$b" -ge 1 ] ||
	fail "precondition: the hash server should get some of 4 wrong (b=$b c=$c pairs=$pairs)"
export GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$T/summary.md"
expect_exit 0 "$V" compare "small base" "small cand" --max-drop 2 -q --markdown small.md \
	--json small.json --junit small.xml
want="not significant, so the check passes, but on 4 paired tasks no drop can be: it takes 6 or more answers changed one way to reach p < 0.05. Compare more items (-n) for the gate to mean something"
expect_err "vsrbench: warning: synth: accuracy dropped"
expect_err "$want"
grep -q '^::warning title=vsrbench gate (synth)::synth: accuracy dropped .*no drop can be' err ||
	fail "no ::warning annotation: $(cat err)"
! grep -q '^::error' err || fail "an error annotation on a passing gate: $(cat err)"
jq -e --arg w "$want" '.gate.passed and .gate.checks[0].warning and
	(.gate.checks[0].message | endswith($w)) and (.warnings | any(endswith($w)))' small.json \
	>/dev/null || fail "compare.json: $(jq -c .gate small.json)"
grep -q '^- ⚠️ synth: accuracy dropped' small.md || fail "compare.md: $(head -5 small.md)"
grep -qxF '**Gate: passed** (1 check, 1 with a warning ⚠️)' small.md || fail "compare.md's headline: $(head -3 small.md)"
cmp -s small.md summary.md || fail "the job summary is not compare.md"
junit_agrees small.xml
xmllint --xpath 'string(//testcase[@name="no significant drop > 2.0 points"]/system-out)' small.xml |
	grep -qF "$want" || fail "junit: the passing check lacks its caveat"
# alpha 0.2: 2/2^4 = 0.125 < 0.2, so 4 pairs could be significant; 3 of them are not.
if [ "$b" -lt 4 ]; then
	expect_exit 0 "$V" compare "small base" "small cand" --max-drop 2 --alpha 0.2 -q
	expect_err "not significant, so the check passes: the drop may be noise"
fi
# --json - is what a script pipes to jq: the Markdown stays off standard output.
"$V" compare "small base" "small cand" --max-drop 2 --json - 2>/dev/null >piped.json
jq -e '.gate.passed and .overall.pairs == 4' piped.json >/dev/null || fail "--json -: $(head -c 300 piped.json)"
expect_exit 2 "$V" compare "small base" "small cand" --json - --junit -
expect_err "only one of them may be '-' (standard output)"
# A strict alpha: 2/2^d < 1e-20 from d = 68 on (2/2^67 = 1.36e-20).
expect_exit 0 "$V" compare "small base" "small cand" --max-drop 2 --alpha 1e-20 -q
expect_err "on 4 paired tasks no drop can be: it takes 68 or more answers changed one way to reach p < 1e-20"
# No drop beyond the limit: no caveat.
cp -r "small base" "small same"
expect_exit 0 "$V" compare "small base" "small same" --max-drop 2 -q
[ ! -s err ] || fail "a warning on identical runs: $(cat err)"
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY

# ---- the same run directory twice: --max-drop would check nothing -----------
# (a CI variable naming one path for both, or a candidate run into the baseline's directory)
ln -s "small base" link
for cand in "small base" ./link/; do
	expect_exit 1 "$V" compare "small base" "$cand" --max-drop 2 -q --junit same.xml
	expect_one_line_err
	junit_agrees same.xml
done
expect_err "gate failed: base small base and candidate ./link/ are the same run directory: a run compared with itself shows no drop, so --max-drop checks nothing. Give the baseline's run directory first and the candidate's second"
expect_exit 1 "$V" run -q -s synth -m openai -M base_url="$GOOD" -M model=m -n 4 -o "small base" \
	--baseline "small base" --max-drop 2
expect_err "gate failed: base and candidate are the same run directory (small base)"
# Two baselines: not the last one silently.
expect_exit 2 "$V" run -q -s synth -m openai -M base_url="$GOOD" -M model=m -n 4 -o two \
	--baseline "small base" --baseline "small same" --max-drop 2
expect_one_line_err
expect_err "--baseline given twice (small base, then small same): a run is gated against one baseline; compare it with another by vsrbench compare OTHER RUN_DIR"
[ ! -e two ] || fail "a refused run left a directory"
# Without --max-drop there is no drop to check: a floor alone is checked as asked.
expect_exit 0 "$V" compare "small base" "small base" -q --min-accuracy 0.5
# A floor passed on 4 tasks, all right: a model exactly at 60% gets 4 of 4 with
# chance 0.6^4 = 0.1296, so the pass shows nothing, and it says so; a perfect
# score is evidence from 6 tasks on (0.6^5 = 0.078, 0.6^6 = 0.047 < 0.05).
GITHUB_ACTIONS=true expect_exit 0 "$V" compare "small base" "small same" --min-accuracy 0.6 --json floor.json
want="all suites: accuracy 100.0% [51.0, 100.0] (4 of 4) is at or above the floor 60.0%, but on 4 tasks no accuracy can show it is above the floor (all right has one-sided p = 0.13 >= 0.05 from a model exactly at it): it takes 6 or more tasks. Compare more items (-n) for the gate to mean something"
expect_err "vsrbench: warning: $want"
grep -qF "::warning title=vsrbench gate (all suites)::${want//%/%25}" err || fail "no ::warning: $(cat err)"
jq -e '.gate.passed and .gate.checks[0].warning' floor.json >/dev/null || fail "floor.json: $(jq -c .gate floor.json)"
# At 30%, 4 of 4 has chance 0.3^4 = 0.0081 < 0.05: a pass that means something.
expect_exit 0 "$V" compare "small base" "small same" --min-accuracy 0.3 -q
[ ! -s err ] || fail "a warning on a floor 4 tasks can show: $(cat err)"

# ---- a candidate with fewer tasks than the baseline: the rest is not checked --
# (a pull request's job run with a smaller -n, or with templates left out): 2
# of the baseline's 4 tasks are compared, the other 2 are not, and a passing
# check says so rather than pass in silence.
served "$GOOD" -n 2 -o fewer
export GITHUB_ACTIONS=true
expect_exit 0 "$V" compare "small base" fewer --max-drop 2 -q --markdown fewer.md --json fewer.json
want="Not compared: 2 of the baseline's 4 tasks are not in the candidate (run with fewer items, -n, or other templates, -t), so the check has not looked at them; run the candidate with the baseline's options to compare them all"
expect_err "vsrbench: warning: synth: accuracy changed by 0.0 points (100.0% -> 100.0% on 2 paired tasks"
expect_err "$want"
grep -q "^::warning title=vsrbench gate (synth)::synth: .*Not compared: 2 of" err ||
	fail "no ::warning annotation: $(cat err)"
grep -qxF '**Gate: passed** (1 check, 1 with a warning ⚠️)' fewer.md || fail "compare.md's headline: $(head -3 fewer.md)"
jq -e --arg w "$want" '.gate.passed and .gate.checks[0].warning and (.warnings | any(endswith($w)))' \
	fewer.json >/dev/null || fail "compare.json: $(jq -c .gate fewer.json)"
expect_exit 0 "$V" run -q -s synth -m openai -M base_url="$GOOD" -M model=m -n 2 -o fewer \
	--baseline "small base" --max-drop 2
expect_err "$want"
# The other way round, tasks only in the candidate (items or templates added):
# the baseline has nothing to hold them to, and there is nothing to say about
# them; only that the base given is the newer run (e2e/compare_runs).
expect_exit 0 "$V" compare fewer "small base" --max-drop 2 -q
! grep -vF "(given first) is newer than the candidate small base" err | grep -q . ||
	fail "a warning for tasks only in the candidate: $(cat err)"
unset GITHUB_ACTIONS

# ---- runs that cannot be paired: the message says why ------------------------
# Another suite (here the candidate's journal renamed, as a run of another -s would be).
mkdir other && cp "small cand/run.json" other/
jq -c '.suite = "vsr-zeroshot-test"' "small cand/samples.jsonl" >other/samples.jsonl
expect_exit 3 "$V" compare "small base" other --max-drop 2 -q
expect_one_line_err
expect_err "; they share no suite (small base: synth; other: vsr-zeroshot-test): compare two runs of the same suites (run -s)"
# Other templates (a candidate run with the pull request's -t, the baseline with
# main's): tasks pair on the template, so none pairs; the message says it is that.
served "$GOOD" -n 4 -t tf01 -o "other tpl"
expect_exit 3 "$V" compare "small base" "other tpl" --max-drop 2 -q
expect_one_line_err
expect_err "have no answered task in common (matched on suite, item, template and variant: 4 only in the first, 4 only in the second, 0 failed in either); they share no template (small base: -t single; other tpl: -t tf01): run the candidate with the baseline's -t"
# A journal with no task (a cache restore that left an empty file).
mkdir empty && cp "small base/run.json" empty/ && : >empty/samples.jsonl
expect_exit 3 "$V" compare empty "small cand" --max-drop 2 -q
expect_one_line_err
expect_err "; empty/samples.jsonl holds no task (a run that never answered, or a directory that is not the run)"

# ---- a baseline that may not compare: said on stderr and as ::warning -------
# Another seed: compare refuses it (exit 2); run --baseline compares it, and
# must say so, not only inside compare.md.
served "$GOOD" -n 4 --seed 2 -o seed2 --baseline "small base" --max-drop 2
want="suite synth has different content in the two runs (digest"
expect_err "vsrbench: warning: $want"
GITHUB_ACTIONS=true served "$GOOD" -n 4 --seed 2 -o seed2 --baseline "small base" --max-drop 2
grep -qF "::warning title=vsrbench compare::$want" err || fail "no ::warning: $(cat err)"
# A baseline from an older vsrbench, whose extractor read the replies (run.json
# extractor_version; the documented workflow falls back to main's newest baseline).
cp -r "small base" older
jq '.extractor_version -= 1' "small base/run.json" >older/run.json
GITHUB_ACTIONS=true expect_exit 0 "$V" compare older "small same" -q --max-drop 2
want="the same reply may read differently, so a change may be the extractor's: run the baseline again with this vsrbench to compare the models alone"
expect_err "vsrbench: warning: the runs' replies were read by different extractors"
grep -q "^::warning title=vsrbench compare::the runs' replies were read by different extractors .*$want" err ||
	fail "no ::warning: $(cat err)"

# ---- one shard of a run is not the run ---------------------------------------
served "$GOOD" -n 40 -o base
for i in 0 1; do served "$GOOD" -n 40 --shard "$i/2" -o "shard $i"; done
shard0=$(jq -s length "shard 0/samples.jsonl")
[ "$shard0" -gt 0 ] && [ "$shard0" -lt 40 ] || fail "precondition: shard 0 has $shard0 of 40 tasks"
expect_exit 1 "$V" compare base "shard 0" --max-drop 2 -q --junit shard.xml --json shard.json
expect_one_line_err
expect_err "gate failed: candidate shard 0 is one shard of a run (run.json: --shard 0/2): it holds that shard's items only; a comparison with it covers a part of the benchmark. Join the 2 shards first (vsrbench merge OUT_DIR SHARD_DIR...) and compare OUT_DIR, or pass --allow-partial"
jq -e '.gate.passed == false and (.gate.checks[0] | .suite == "run" and .type == "partial-run"
	and .passed == false)' shard.json >/dev/null || fail "compare.json: $(jq -c .gate shard.json)"
junit_agrees shard.xml
[ "$(xmllint --xpath 'count(//testsuite[@name="run"]/testcase/failure[@type="partial-run"])' shard.xml)" = 1 ] ||
	fail "junit: no failing shard check"
# The other way round, and in run --baseline: the same check.
expect_exit 1 "$V" compare "shard 1" base -q
expect_err "gate failed: base shard 1 is one shard of a run (run.json: --shard 1/2)"
expect_exit 1 "$V" run -q -s synth -m openai -M base_url="$GOOD" -M model=m -n 40 --shard 0/2 \
	-o "shard 0" --baseline base --max-drop 2
expect_err "gate failed: candidate shard 0 is one shard of a run"
# Accepted: a warning, exit 0.
GITHUB_ACTIONS=true expect_exit 0 "$V" compare base "shard 0" --max-drop 2 -q --allow-partial
expect_err "vsrbench: warning: candidate shard 0 is one shard of a run (run.json: --shard 0/2): it holds that shard's items only; accepted by --allow-partial"
grep -q '^::warning title=vsrbench gate (run)::candidate shard 0 is one shard' err ||
	fail "no ::warning annotation: $(cat err)"
expect_exit 0 "$V" run -q -s synth -m openai -M base_url="$GOOD" -M model=m -n 40 --shard 0/2 \
	-o "shard 0" --baseline base --max-drop 2 --allow-partial
expect_out "gate passed: 2 checks (1 with a warning, above)"
# Merged, the shards are the run: nothing to say.
expect_exit 0 "$V" merge merged "shard 0" "shard 1"
expect_exit 0 "$V" compare base merged --max-drop 2 -q --junit merged.xml
[ ! -s err ] || fail "merged shards: $(cat err)"
junit_agrees merged.xml

# ---- a run directory with a space: the commands suggested can be pasted -----
# An interrupted candidate (SIGINT mid-run, exit 5) in "part run": its resume
# hint and the gate's "Finish it" quote the path as one shell word.
start_server slow --plugin "$GEOMETRY"
sticky_fault "$PORT" slow:0.2
RUN=(run -q -s synth -m openai -M base_url="http://127.0.0.1:$PORT/v1" -M model=m -n 40 -j 2
	--fixed -o "part run")
interrupt_run "part run" 1 int.out int.err
[ "$rc" = 5 ] || fail "SIGINT: expected exit 5, got $rc ($(cat int.err))"
grep -qF "resume with: vsrbench run ... -o 'part run'" int.out || fail "resume hint: $(cat int.out)"
expect_exit 1 "$V" compare base "part run" -q
expect_err "Finish it (vsrbench run ... -o 'part run') or pass --allow-partial"
expect_exit 3 "$V" compare "it's gone" "part run" -q
expect_err "give the directory a run wrote (vsrbench run ... -o 'it'\''s gone')"

# ---- an output that cannot be written: the file asked for is named ----------
# (a read-only checkout; the temporary file beside it is not what the user gave)
: >afile
expect_exit 3 "$V" compare base merged -q --junit afile/junit.xml
expect_one_line_err
expect_err "vsrbench: error: cannot write afile/junit.xml: Not a directory"
mkdir ro && chmod 555 ro
as_user=()
if [ "$(id -u)" = 0 ]; then
	# root writes anywhere: the check runs as nobody, who may read the runs.
	command -v setpriv >/dev/null && chmod 755 "$T" && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
if [ "$(id -u)" != 0 ] || [ ${#as_user[@]} -gt 0 ]; then
	expect_exit 3 "${as_user[@]}" "$V" compare base merged -q --markdown ro/compare.md
	expect_one_line_err
	expect_err "vsrbench: error: cannot write ro/compare.md: Permission denied (its directory is not writable here: give a path in one that is)"
fi
chmod 700 "$T"
echo ok
