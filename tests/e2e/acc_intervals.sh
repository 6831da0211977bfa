#!/usr/bin/env bash
# Accuracy intervals count the tasks of one image as one cluster
# (docs/report-json.md): every proportion of every breakdown in report.json,
# the terminal table and report.md, recomputed by hand from the journal
# (tests/e2e/acc_by_hand.py, none of vsrbench's code), on runs whose answers
# are tied to the item to various degrees.  vsr.sh does the same on the real
# VSR split, where several captions share an image.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
by_hand() { python3 "$VSR_SRC/tests/e2e/acc_by_hand.py" "$@" || fail "$1: the reports and the journal disagree"; }

# The reference model on 3 items under the whole pool: all 108 right.  108
# independent trials would give [96.6, 100]; 3 items give 108 x (t_107 /
# t_2)^2 = 22.93 trials (t quantiles from the printed tables: 1.9824 and
# 4.3027), Wilson's lower end 22.93 / (22.93 + 1.96^2) = 85.6%.
expect_exit 0 "$V" run -S count=3 -t pool -o pool3
cp "$T/out" pool3.out
by_hand pool3 pool3.out >/dev/null
grep -qE '^  synth +108 +0 +100\.0% +100\.0%  \[ 85\.6, 100\.0\]' pool3.out ||
	fail "3 items under the pool: $(grep '^  synth' pool3.out)"
jq -e '.suites.synth.accuracy | .ci_low > 0.8564 and .ci_low < 0.8566 and .n_effective > 22.92 and .n_effective < 22.93' \
	pool3/report.json >/dev/null || fail "3 items: $(jq -c .suites.synth.accuracy pool3/report.json)"
grep -qxF "  the CI counts 108 tasks on 3 images as 23 independent ones: an image's answers go together" pool3.out ||
	fail "3 items: the line that says what the interval counts: $(sed -n 3,6p pool3.out)"
grep -qF "<div class=\"ci\">the CI counts 108 tasks on 3 images as 23 independent ones: an image&#39;s answers go together</div>" pool3/report.html ||
	fail "3 items: report.html's headline card does not say what the interval counts"
grep -qF "Accuracy: the CI counts 108 tasks on 3 images as 23 independent ones" pool3/report.md ||
	fail "3 items: report.md does not say what the interval counts"
# The line to quote it by: the interval, the tasks and images behind it, the
# templates, the model, the version and the run.
want="synth (36 templates): acc_t 100.0% (95% CI 85.6-100.0; 108 tasks on 3 images), model builtin:geometry; vsrbench $(jq -r .harness_version pool3/run.json), run $(jq -r .config_hash pool3/run.json)"
[ "$(jq -r .suites.synth.quote pool3/report.json)" = "$want" ] ||
	fail "quote: $(jq -r .suites.synth.quote pool3/report.json), want $want"
grep -qxF -- "- \`$want\`" pool3/report.md || fail "report.md's quote: $(grep -A3 'To quote' pool3/report.md)"
grep -qF "<div class=\"quote\">To quote: $want</div>" pool3/report.html || fail "report.html's quote"
# One item per relation: one cluster says nothing about another, [0, 100].
grep -qE '^    left of +36 +0 +100\.0% +100\.0%  \[  0\.0, 100\.0\]' pool3.out ||
	fail "one item: $(grep 'left of' pool3.out)"

# The gate takes McNemar's test by image: the always-yes model on the same 3
# items under the pool loses all 108 (every label is "no" here): 2 / 2^108
# if tasks were independent, but 3 images' changes, the design effect r =
# sum d^2 / (b + c) = 36, and the exact test at 3 of 3 pairs: 0.25; the gate
# says it takes 6 images.  On 8 items, whose 6 "no" items change all the
# way, it fails.  p recomputed from the two journals by hand (docs/ci.md's
# definition; mpmath's incomplete beta).
mcnemar_by_hand() { # BASE CAND -> p
	python3 - "$1" "$2" <<'PY'
import json, sys
from collections import defaultdict
import mpmath
def read(d):
    out = {}
    for line in open(d + "/samples.jsonl"):
        r = json.loads(line)
        if "error" not in r and r["variant"] == "base":
            out.setdefault((r["suite"], r["item"], r["template"]), (r["correct"], r["image"] or r["item"]))
    return out
a, b = read(sys.argv[1]), read(sys.argv[2])
d, nb, nc = defaultdict(int), 0, 0
for k in a.keys() & b.keys():
    x, y = a[k][0], b[k][0]
    d[a[k][1]] += (x and not y) - (y and not x)
    nb += x and not y
    nc += y and not x
n, s2 = nb + nc, sum(v * v for v in d.values())
r = max(1.0, s2 / n) if n else 1.0
k = min(nb, nc) / r
# two-sided exact: 2 P(X <= k), X ~ Bin(n / r, 1/2), as the incomplete beta I_{1/2}(n/r - k, k + 1)
p = 1.0 if not n else min(1.0, 2 * float(mpmath.betainc(n / r - k, k + 1, 0, 0.5, regularized=True)))
print("%.2g" % p)
PY
}
expect_exit 0 "$V" run -m builtin:yes -S count=3 -t pool -o yes3
expect_exit 0 "$V" compare pool3 yes3 --max-drop 2 -q --json c3.json
p=$(mcnemar_by_hand pool3 yes3)
[ "$p" = 0.25 ] || fail "by hand: $p"
expect_err "McNemar p = 0.25 (108 right->wrong, 0 wrong->right; over 3 images, 6.2e-33 if tasks were independent) >= alpha 0.05"
expect_err "the 108 paired tasks are about 3 images, and the answers about one image move together: it takes changes on 6 or more images to reach p < 0.05"
jq -e '.suites.synth | .images == 3 and .mcnemar_p == 0.25' c3.json >/dev/null ||
	fail "compare.json: $(jq -c '.suites.synth' c3.json)"
expect_exit 0 "$V" run -S count=12 -t pool -o pool12
expect_exit 0 "$V" run -m builtin:yes -S count=12 -t pool -o yes12
p=$(mcnemar_by_hand pool12 yes12)
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 0.05 else 1)" "$p" || fail "fixture: 12 items give p = $p"
expect_exit 1 "$V" compare pool12 yes12 --max-drop 2 -q
expect_err "McNemar p = $p ("
# 60 items under 36 templates: builtin:no is wrong on every true caption, so
# about 30 images x 36 templates go right->wrong; taken as independent pairs
# p = 2 / 2^1000 or so, below what a double holds: said so, not "0".
expect_exit 0 "$V" run -S count=60 -t pool -q -o pool60
expect_exit 0 "$V" run -m builtin:no -S count=60 -t pool -q -o no60
expect_exit 1 "$V" compare pool60 no60 --max-drop 2 -q
p=$(mcnemar_by_hand pool60 no60)
expect_err "McNemar p = $p ("
expect_err "images, below 1e-300 if tasks were independent)"

# A server whose reply is a hash of prompt and image (image_hash_llm.py): the
# answers of one item differ across templates and mirrors, some replies are
# not read; with variants every table of report.json is filled.
start_py ihash image_hash_llm.py
expect_exit 0 "$V" run -m openai -M base_url=http://127.0.0.1:$PORT/v1 -M model=h -S count=40 \
	-t yn01,yn02,tf01,ab01 -p hflip -o hash40
cp "$T/out" hash40.out
by_hand hash40 hash40.out >/dev/null

# Answers tied to the item: the seeded coin of builtin:random decides per
# task, but a model whose answer is the same under every template (the
# always-"yes" one) is right on an item's every task or none: the design
# effect is the templates per item, and the interval is as wide as the
# items' count allows, not the tasks'.
expect_exit 0 "$V" run -m builtin:yes -S count=60 -t yn01,yn02,yn03,tf01,tf02 -o yes60
cp "$T/out" yes60.out
by_hand yes60 yes60.out >/dev/null
jq -e '.suites.synth.accuracy | .n_effective < 60 and .n < 301 and .n == 300' yes60/report.json >/dev/null ||
	fail "always yes: $(jq -c .suites.synth.accuracy yes60/report.json)"
# The gate's floor: the binomial p of so few right answers is taken at the
# effective number of tasks, P(X <= k) = I_{0.1}(n - k, k + 1) with n =
# n_effective and k = accuracy x n (mpmath's incomplete beta), not over 300
# independent tasks.
expect_exit 1 "$V" run -m builtin:yes -S count=60 -t yn01,yn02,yn03,tf01,tf02 -o yes60 --min-accuracy synth=0.9
want=$(python3 -c "
import json, mpmath, sys
a = json.load(open('yes60/report.json'))['suites']['synth']['accuracy']
n = a['n_effective']; k = a['k'] / a['n'] * n
print('%.2g' % mpmath.betainc(n - k, k + 1, 0, 0.1, regularized=True))")
grep -qF "is below the floor 90.0% by 38.3 points; one-sided binomial p = $want" "$T/err" "$T/out" ||
	fail "gate p at the effective number ($want): $(cat "$T/err")"
expect_exit 0 "$V" run -m builtin:random -S count=60 -t yn01,yn02,yn03,tf01,tf02 -o rnd60
cp "$T/out" rnd60.out
by_hand rnd60 rnd60.out >/dev/null
# One task per item: Wilson's interval over the tasks, and no line about images.
expect_exit 0 "$V" run -m builtin:random -S count=30 -t yn01 -o one30
cp "$T/out" one30.out
by_hand one30 one30.out >/dev/null
grep -q "the CI counts" one30.out && fail "one task per item: $(grep 'the CI counts' one30.out)"
echo ok
