#!/usr/bin/env bash
# The seed paper's Test-S and Test-G on the unified test set (issue 13 §9),
# both from one run when its templates are a pool holding -t single's yn01:
# named in the terminal summary, report.md, report.html and report.json.
# The model (an exec child) says "yes" to yn01's wording and "no" to every
# other template, so the expected figures follow from the split's labels
# alone, computed here by python.
. "$(dirname "$0")/lib.bash"

need_shared_vsr vsr/data/splits
V=$VSRBENCH
S=$D/vsr/data/splits
N=40
cd "$T"

jq -r .image "$S/zeroshot/test.jsonl" | sort -u >names.txt
mkdir -p img
"$VSR_BUILD/tests/mkimage" --names names.txt img 32 24
cat >model.py <<'PY'
import json, sys
for line in sys.stdin:
    q = json.loads(line)
    a = "yes" if "Is this statement correct? Answer yes or no." in q["prompt"] else "no"
    print(json.dumps({"id": q["id"], "text": a}), flush=True)
PY
M=(-m exec -M cmd="python3 $T/model.py")

# The first N items (-n N keeps the split's order): how many are true.
pos=$(head -$N "$S/zeroshot/test.jsonl" | jq -s '[.[] | select(.label == 1)] | length')
[ "$pos" -gt 0 ] && [ "$pos" -lt $N ] || fail "the first $N items should mix labels ($pos true)"

# acc_t as the summary prints it: NAME TEMPLATES K N RUN [TEMPLATE,...]: acc_t
# K of N, its 95% interval clustered by image recomputed from RUN's journal
# over those templates (tests/e2e/acc_by_hand.py; docs/report-json.md).
line() {
	local ci
	ci=$(python3 "$VSR_SRC/tests/e2e/acc_by_hand.py" --acc "$5" vsr-zeroshot-test $6) || return 1
	python3 - "$1" "$2" "$3" "$4" $ci <<'PY'
import sys
name, tpl, k, n, _, lo, hi = sys.argv[1:8]
p = int(k) / int(n)
print(f"  {name} (the seed paper's name; templates {tpl}): acc_t {100 * p:.1f}% [{lo}, {hi}], "
      f"acc_a {100 * p:.1f}%")
PY
}
pct() { python3 -c "import sys; print(f'{100 * int(sys.argv[1]) / int(sys.argv[2]):.1f}%')" "$@"; }
s='.suites."vsr-zeroshot-test"'

# ---- a pool with yn01: both, Test-G the headline -----------------------------------
# yn01 right on the true items; yn02, yn03 ("no") right on the false ones.
expect_exit 0 "$V" run -s vsr-unified --data "$D" --images img "${M[@]}" -t yn01,yn02,yn03 -n $N -o both
gk=$((pos + 2 * (N - pos)))
expect_out "$(line Test-S yn01 $pos $N both yn01)"
expect_out "$(line Test-G yn01,yn02,yn03 $gk $((3 * N)) both)"
jq -e --argjson p $pos --argjson g $gk --argjson n $N "
	.run.protocol == \"Test-G\" and
	($s.protocols.\"Test-S\" | .template == \"yn01\" and .headline == false
		and .accuracy.k == \$p and .accuracy.n == \$n) and
	($s.protocols.\"Test-G\" | .templates == 3 and .headline == true
		and .accuracy.k == \$g and .accuracy.n == 3 * \$n) and
	$s.accuracy.k == \$g" both/report.json >/dev/null ||
	fail "report.json: $(jq -c "[.run.protocol, $s.protocols]" both/report.json)"
grep -qF '(Test-S and Test-G on the unified test set, the seed paper'"'"'s names)' both/report.md ||
	fail "report.md templates line: $(grep templates both/report.md)"
grep -qF "| Test-S | yn01 | $N | $(pct $pos $N) [" both/report.md || fail "report.md Test-S row: $(grep 'Test-' both/report.md)"
grep -qF "| Test-G | yn01,yn02,yn03 (3 templates) | $((3 * N)) | $(pct $gk $((3 * N))) [" both/report.md ||
	fail "report.md Test-G row: $(grep 'Test-' both/report.md)"
grep -qF "Test-S <span class=\"muted\">(template yn01)</span>: $(pct $pos $N)" both/report.html ||
	fail "report.html: $(grep -o 'Test-S <span[^·]*' both/report.html)"
grep -qF ">Test-G</span></div>" both/report.html || fail "report.html: no Test-G tag"

# ---- the whole pool: Test-S is yn01 among 36; Test-G's count from the journal by jq --
expect_exit 0 "$V" run -s vsr-unified --data "$D" --images img "${M[@]}" -t pool -n $N -o pool
ntpl=$(jq '.template_ids | length' pool/run.json)
gk=$(jq -s '[.[] | select(.variant == "base" and .correct)] | length' pool/samples.jsonl)
expect_out "$(line Test-S yn01 $pos $N pool yn01)"
expect_out "$(line Test-G pool $gk $((ntpl * N)) pool)"
jq -e --argjson p $pos --argjson t "$ntpl" "$s.protocols | (.\"Test-S\".accuracy.k == \$p) and (.\"Test-G\".templates == \$t)" \
	pool/report.json >/dev/null || fail "pool: $(jq -c "$s.protocols | map_values(.accuracy.k)" pool/report.json)"

# ---- a pool without yn01: Test-G alone -------------------------------------------------
expect_exit 0 "$V" run -s vsr-unified --data "$D" --images img "${M[@]}" -t yn02,yn03 -n $N -o gonly
expect_out "$(line Test-G yn02,yn03 $((2 * (N - pos))) $((2 * N)) gonly)"
grep -q "Test-S (" "$T/out" && fail "Test-S named without its template: $(grep Test-S "$T/out")"
jq -e "(.run.protocol == \"Test-G\") and ($s.protocols | keys == [\"Test-G\"])" gonly/report.json >/dev/null ||
	fail "gonly: $(jq -c "[.run.protocol, ($s.protocols | keys)]" gonly/report.json)"
grep -qF "(Test-G on the unified test set, the seed paper's name)" gonly/report.md || fail "gonly report.md"

# ---- one template that is not yn01: Test-S ---------------------------------------------
expect_exit 0 "$V" run -s vsr-unified --data "$D" --images img "${M[@]}" -t yn02 -n $N -o sonly
expect_out "$(line Test-S yn02 $((N - pos)) $N sonly)"
grep -q "Test-G (" "$T/out" && fail "Test-G named for one template"
jq -e "(.run.protocol == \"Test-S\") and ($s.protocols.\"Test-S\" | .template == \"yn02\" and .headline)" \
	sonly/report.json >/dev/null || fail "sonly: $(jq -c "$s.protocols" sonly/report.json)"
echo ok
