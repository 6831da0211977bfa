#!/usr/bin/env bash
# On GitHub Actions (docs/ci.md): each failed gate check is an ::error
# annotation and each accepted one with a caveat a ::warning, every
# "vsrbench: error:" line an ::error titled vsrbench, escaped as
# the runner reads workflow commands ('%' -> %25, CR -> %0D, LF -> %0A; in
# a property also ':' -> %3A, ',' -> %2C: GitHub's documentation of
# workflow commands); compare.md and a run's report.md are appended to
# $GITHUB_STEP_SUMMARY, never past the 1 MiB a step's summary may hold,
# and a summary that cannot be written is a warning, not another exit code.
. "$(dirname "$0")/lib.bash"
cd "$T"
V=$VSRBENCH

expect_exit 0 "$V" run -q -n 60 -o base
expect_exit 0 "$V" run -q -n 60 -m builtin:random -o cand

# ---- a failing gate: one ::error per "gate failed:" line, the summary appended
printf 'an earlier step wrote this\n' >summary.md
export GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$T/summary.md"
expect_exit 1 "$V" compare base cand -q --max-drop 2 --min-accuracy 0.9 \
	--min-accuracy 'odd:name,x=0.5' --markdown cmp.md
# The three checks, by their suite: synth (the drop), all suites (the
# floor without SUITE=), odd:name,x (a suite the run does not have).
grep '^gate failed: ' err | sed 's/^gate failed: //' >lines.txt
[ "$(wc -l <lines.txt)" = 3 ] || fail "expected 3 failed checks: $(cat err)"
{
	sed -n 1p lines.txt | sed 's/%/%25/g; s/^/::error title=vsrbench gate (synth)::/'
	sed -n 2p lines.txt | sed 's/%/%25/g; s/^/::error title=vsrbench gate (all suites)::/'
	sed -n 3p lines.txt | sed 's/%/%25/g; s/^/::error title=vsrbench gate (odd%3Aname%2Cx)::/'
} >want.txt
grep '^::' err >got.txt || fail "no annotation: $(cat err)"
diff want.txt got.txt >diff.txt || fail "annotations differ from the gate's lines: $(cat diff.txt)"
grep -qF '%25' got.txt || fail "no '%' was escaped: $(cat got.txt)"
{ printf 'an earlier step wrote this\n'; cat cmp.md; } | cmp -s - summary.md ||
	fail "the summary is not the earlier text followed by compare.md"

# ---- an accepted partial run: a ::warning, exit 0 ----------------------------
cp -r base part
jq '.complete = false | .stopped_by = "interrupted"' base/status.json >part/status.json
: >summary.md
expect_exit 0 "$V" compare base part -q --max-drop 2 --allow-partial
grep -q '^::warning title=vsrbench gate (run)::candidate part is a partial run' err ||
	fail "no warning annotation for the accepted partial run: $(cat err)"
! grep -q '^::error' err || fail "an error annotation on a passing gate: $(cat err)"
[ -s summary.md ] || fail "compare without --markdown wrote no summary"

# ---- a step that stops with an error: its line is an ::error annotation too --
# (else the run's page says only "Process completed with exit code 3")
expect_exit 3 "$V" compare nobase cand -q --max-drop 2
[ "$(wc -l <err)" = 2 ] || fail "expected the error and its annotation: $(cat err)"
sed -n 1p err | grep -qx "vsrbench: error: nobase: not a run directory (no such directory); give the directory a run wrote (vsrbench run ... -o nobase)" ||
	fail "the error: $(cat err)"
sed -n 1p err | sed 's/^vsrbench: error: /::error title=vsrbench::/' >want.txt
sed -n 2p err | cmp -s want.txt - || fail "the annotation is not the error's line: $(cat err)"
expect_exit 2 "$V" compare base cand --max-drop 5%
grep -qxF "::error title=vsrbench::--max-drop '5%25': expected accuracy points from 0 to 100, e.g. 2" err ||
	fail "'%' not escaped in the annotation: $(cat err)"
GITHUB_ACTIONS= expect_exit 2 "$V" compare base cand --max-drop 5%
expect_one_line_err

# ---- outside GitHub Actions: no workflow command; the summary still when set --
: >summary.md
GITHUB_ACTIONS= expect_exit 1 "$V" compare base cand -q --max-drop 2
! grep -q '^::' err || fail "annotations without GITHUB_ACTIONS=true: $(cat err)"
[ -s summary.md ] || fail "no summary with GITHUB_STEP_SUMMARY set"

# ---- run appends report.md ---------------------------------------------------
: >summary.md
expect_exit 0 "$V" run -q -n 20 -o r
cmp -s r/report.md summary.md || fail "run's summary is not its report.md"

# ---- a run stopped by an error: its partial report.md, exit 4 -----------------
: >summary.md
dead=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
expect_exit 4 "$V" run -q -n 20 -m openai -M base_url="http://127.0.0.1:$dead/v1" -M model=m -o dead
cmp -s dead/report.md summary.md || fail "a stopped run's summary is not its report.md"
grep -q '^# vsrbench report (partial run)' summary.md || fail "summary: $(head -3 summary.md)"

# ---- the 1 MiB cap: nothing added past it, a warning, the gate's exit code ---
head -c $((1048576 - 100)) /dev/zero | tr '\0' 'x' >summary.md
expect_exit 1 "$V" compare base cand -q --max-drop 2
[ "$(stat -c %s summary.md)" = $((1048576 - 100)) ] || fail "the summary grew past 1 MiB"
expect_err "past the 1 MiB GitHub shows"

# ---- a summary that cannot be written: a warning, the same exit code --------
GITHUB_STEP_SUMMARY="$T/no/such/dir/summary.md" expect_exit 1 "$V" compare base cand -q --max-drop 2
expect_err "GITHUB_STEP_SUMMARY $T/no/such/dir/summary.md: cannot open it"
expect_err "gate failed: synth"
GITHUB_STEP_SUMMARY="$T/no/such/dir/summary.md" expect_exit 0 "$V" run -q -n 20 -o r2
expect_err "cannot open it"
echo ok
