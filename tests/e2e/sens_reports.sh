#!/usr/bin/env bash
# The diagnosis as a user reads it: every sensitivity figure the terminal
# summary, report.md, report.json and report.html show is recomputed by hand
# from the journal (tests/e2e/sens_by_hand.py: docs/diagnosis.md's
# definitions, none of vsrbench's code) for loopback servers whose behaviour
# the test knows, and the words around each number say what it is a share of.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
by_hand() { python3 "$VSR_SRC/tests/e2e/sens_by_hand.py" "$@" || fail "$1: the reports and the journal disagree"; }

# A server that answers from the prompt's wording alone (fake_llm.py without a
# plug-in: "Yes" or "No" from a hash of the prompt): it ignores the image.
start_server words
WORDS=$PORT
expect_exit 0 "$V" run -m openai -M base_url=http://127.0.0.1:$WORDS/v1 -M model=w -S count=24 \
	-t yn01,yn02,yn03,tf01,tf02,ab01 -p converse,hflip,blind,repeat -o words
cp "$T/out" words.out
got=$(by_hand words synth words.out)
# The fixture is one where the two readings differ: every item's answers move
# under some rewording, yet only about half of its wording pairs differ.
python3 -c "import json,sys; f=json.loads(sys.argv[1]); assert f['items_moved'][0] - f['language'][0] > 0.2, f" "$got" ||
	fail "fixture: pair share and item share too close: $got"

# A perfect server (fake_llm.py answering through builtin-geometry.so) on three
# images only: every mirrored answer flips, yet three images cannot show that a
# model follows the image.  The interval is Wilson's 3 of 3 by hand,
# [3 / (3 + z^2), 1] = [43.9%, 100%], not the bootstrap's [100, 100]; and the
# verdict says it is unclear, neither "follows the image" nor "only in part"
# (an interval from 44 to 100 holds both).
start_server perfect --plugin "$GEOMETRY"
expect_exit 0 "$V" run -m openai -M base_url=http://127.0.0.1:$PORT/v1 -M model=g -S count=3 \
	-S relations=left_of -t yn01,yn02 -p hflip -o three
cp "$T/out" three.out
by_hand three synth three.out >/dev/null
grep -qF "vision: mirroring changes 100% [44, 100] of the answers that should change (6 valid pairs)" three.out ||
	fail "three images: $(grep vision three.out)"
jq -r .suites.synth.verdict three/report.json | grep -qF ', unclear how far it follows the image: ' ||
	fail "three images: $(jq -r .suites.synth.verdict three/report.json)"

# compare, the wording-only server against the perfect one on the same 24
# images and options: every figure's base and candidate are the two runs'
# own (recomputed by hand from each journal), the change their difference,
# and its interval never narrower than the two figures' Wilson floors (each
# image one trial) combined by square-and-add.
expect_exit 0 "$V" run -m openai -M base_url=http://127.0.0.1:$PORT/v1 -M model=g -S count=24 \
	-t yn01,yn02,yn03,tf01,tf02,ab01 -p converse,hflip,blind,repeat -o perfect24
cp "$T/out" perfect24.out
want=$(by_hand perfect24 synth perfect24.out)
expect_exit 0 "$V" compare words perfect24 --json cmp24.json
grep -qF "### Diagnosis, paired by image" "$T/out" || fail "compare: no diagnosis table: $(cat "$T/out")"
python3 - "$got" "$want" cmp24.json <<'PY' || fail "compare's paired figures"
import json, math, sys
base, cand = json.loads(sys.argv[1]), json.loads(sys.argv[2])
sens = json.load(open(sys.argv[3]))["suites"]["synth"]["sensitivity"]
z = 1.959963984540054
def wilson(p, n):
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return c - h, c + h
names = ["language", "consistency", "visual_flip", "visual_keep", "blind_gap"]
assert sorted(sens) == sorted(names), sorted(sens)
for name in names:
    s, b, c = sens[name], base[name][0], cand[name][0]
    assert abs(s["base"] - b) < 1e-6 and abs(s["candidate"] - c) < 1e-6, (name, s, b, c)
    assert abs(s["change"] - (c - b)) < 1e-6, (name, s)
    assert s["change_ci_low"] <= s["change"] <= s["change_ci_high"], (name, s)
    if name != "blind_gap":
        (bl, bh), (cl, ch) = wilson(b, s["images"]), wilson(c, s["images"])
        lo = (c - b) - math.hypot(c - cl, bh - b)
        hi = (c - b) + math.hypot(ch - c, b - bl)
        assert s["change_ci_low"] <= lo + 1e-6 and s["change_ci_high"] >= hi - 1e-6, (name, s, lo, hi)
PY
# The gate on the rise: the wording-only server after the perfect one rose by
# the two runs' own figures' difference, its interval above zero: exit 1; the
# other way it fell: exit 0.  On 3 items the same rise passes with a warning:
# under 6 images no change is significant (the sign test: 2 / 2^5 > 0.05),
# whatever the Wilson floors say; a candidate with one template has no
# figure to compare: exit 1, "cannot be checked".
rise=$(python3 -c 'import json,sys; print("%.1f" % (100 * (json.loads(sys.argv[1])["language"][0] - json.loads(sys.argv[2])["language"][0])))' "$got" "$want")
expect_exit 1 "$V" compare perfect24 words --max-language-rise 5 -q
expect_err "gate failed: synth: language sensitivity rose $rise points"
expect_exit 0 "$V" compare words perfect24 --max-language-rise 5 -q
for side in "$PORT g three6" "$WORDS w three6w"; do
	set -- $side
	expect_exit 0 "$V" run -m openai -M base_url=http://127.0.0.1:$1/v1 -M model=$2 -S count=3 \
		-t yn01,yn02,yn03,tf01,tf02,ab01 -q -o $3
done
expect_exit 0 "$V" compare three6 three6w --max-language-rise 5 -q
grep -qE 'warning: synth: language sensitivity rose [0-9.]+ points .* no rise can be: it takes 6 or more' "$T/err" ||
	fail "3 items: no warning: $(cat "$T/err")"
expect_exit 0 "$V" run -m openai -M base_url=http://127.0.0.1:$PORT/v1 -M model=g -S count=24 -t yn01 -q -o one24
expect_exit 1 "$V" compare words one24 --max-language-rise 5 -q
expect_err "no language-sensitivity figure on common images"

# The wording-only server again, with both vision perturbations and 80 images:
# mirroring flips none of the left/right answers (Wilson's 0 of the ~20
# left/right images: under 50%) and hiding the image changes no answer (gain
# = loss = 0 of 80 images: +-4.58 points, under 5).  Both say it ignores the
# image, and the verdict says so, with both facts.
expect_exit 0 "$V" run -m openai -M base_url=http://127.0.0.1:$WORDS/v1 -M model=w -S count=80 \
	-t yn01 -p hflip,blind -o blind80
cp "$T/out" blind80.out
by_hand blind80 synth blind80.out >/dev/null
v=$(jq -r .suites.synth.verdict blind80/report.json)
case $v in
"ignores the image: mirroring flips 0% of the left/right answers that should flip (a model that ignores the image: 0%), hiding the image costs +0 points of accuracy (a model that ignores the image: 0).") ;;
*) fail "image-blind server: $v" ;;
esac
# A server that looks at the picture, badly (image_hash_llm.py: the reply a
# hash of prompt and image bytes), and a journal whose blind gap is a loss of
# one answer in ~500: -0.2 points, which rounds to zero and must read "+0",
# not "-0", in the verdict ("hiding the image costs -0 points" said before).
start_py ihash image_hash_llm.py
expect_exit 0 "$V" run -m openai -M base_url=http://127.0.0.1:$PORT/v1 -M model=h -S count=500 \
	-t yn01 -p blind -q -o ihash
python3 - ihash/samples.jsonl <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
base = {r["item"]: r for r in rows if r["variant"] == "base"}
blind = [r for r in rows if r["variant"] == "blind"]
gain = [r for r in blind if base[r["item"]]["correct"] and not r["correct"]]
loss = [r for r in blind if r["correct"] and not base[r["item"]]["correct"]]
assert len(loss) - len(gain) >= 1, (len(gain), len(loss))
drop = {r["key"] for r in loss[:len(loss) - len(gain) - 1]}  # leaves gain - loss = -1
with open(sys.argv[1], "w") as f:
    f.writelines(json.dumps(r) + "\n" for r in rows if r["key"] not in drop)
PY
expect_exit 0 "$V" report ihash
cp "$T/out" ihash.out
by_hand ihash synth ihash.out >/dev/null
jq -r .suites.synth.verdict ihash/report.json | grep -qF 'hiding the image costs +0 points' ||
	fail "a gap under half a point: $(jq -r .suites.synth.verdict ihash/report.json)"
grep -q 'blind gap: -0.2 points \[-[0-9.]*, +[0-9.]*\]' ihash.out || fail "blind gap line: $(grep 'blind gap' ihash.out)"

# Several captions of one image (a VSR-format suite made here: 48 captions on
# 8 images): the templates test adds an image's items up into one block
# (docs/diagnosis.md), recomputed by hand from the journal; the same server.
mkdir -p shared/vsr/data/data_files
python3 - shared/vsr/data/data_files/all_vsr_validated_data.jsonl <<'PY'
import json, sys
rels = ["left of", "right of", "above", "below", "near", "on top of"]
objs = ["cat", "dog", "car", "bench", "cup", "chair"]
with open(sys.argv[1], "w") as f:
    for i in range(48):
        a, b = objs[i % 6], objs[(i // 6 + i + 1) % 6]
        f.write(json.dumps({"image": "%012d.jpg" % (i % 8 + 1), "label": (i // 3) % 2,
                            "relation": rels[(i // 8) % 6],
                            "caption": "The %s is %s the %s." % (a, rels[(i // 8) % 6], b)}) + "\n")
PY
seq -f '%012g.jpg' 1 8 >names8.txt
mkdir -p img8
"$VSR_BUILD/tests/mkimage" --names names8.txt img8 32 24
expect_exit 0 "$V" run -s vsr-validated --data shared --images img8 -m openai \
	-M base_url=http://127.0.0.1:$PORT/v1 -M model=h -t yn01,yn02,yn03,tf01,tf02,ab01 -o shared8
cp "$T/out" shared8.out
by_hand shared8 vsr-validated shared8.out lang8.json >/dev/null
jq -e '.suites."vsr-validated".sensitivity.templates_differ | .images == 8 and .items > 8' shared8/report.json >/dev/null ||
	fail "templates test over 8 images: $(jq -c '.suites."vsr-validated".sensitivity.templates_differ' shared8/report.json)"
# The language ceiling's binomial p counts an image's 6 captions as the
# interval does (docs/ci.md): no more than the effective n of the interval
# clustered by image (acc_by_hand.py's) nor than the 8 images, and
# P(X >= share x n) as I_ceiling(k, n - k + 1) (mpmath), both by hand.
lang=$(jq '.suites."vsr-validated".sensitivity.language.value' shared8/report.json)
ceil=$(python3 -c "print(round($lang / 2, 4))")
expect_exit 1 "$V" run -s vsr-validated --data shared --images img8 -m openai \
	-M base_url=http://127.0.0.1:$PORT/v1 -M model=h -t yn01,yn02,yn03,tf01,tf02,ab01 -o shared8 \
	--max-language-sensitivity "$ceil"
want=$(python3 "$VSR_SRC/tests/e2e/acc_by_hand.py" --lang-gate lang8.json "$ceil")
expect_err "$want"
expect_err "items on 8 images)"

# Every perturbation the parser knows is named where a user looks for it:
# run --help, the man page and README's table (-p repeat, the noise floor the
# verdict asks for, was in none of them).
expect_exit 2 "$V" run -p nosuch -o x
known=$(sed -n "s/.*(known: \([a-z, ]*\)).*/\1/p" "$T/err" | tr -d ' ' | tr ',' ' ')
[ -n "$known" ] || fail "no list of known perturbations: $(cat "$T/err")"
"$V" run --help >help.txt
for p in $known; do
	grep -A2 -- '-p, --perturb' help.txt | grep -q "$p" || fail "run --help does not name -p $p"
	grep -A3 -- '--perturb' "$VSR_SRC/doc/vsrbench.1.scd" | grep -q "$p" || fail "the man page does not name -p $p"
	grep -q "^| \`$p\` |" "$VSR_SRC/README.md" || fail "README's -p table has no row for $p"
done

# A server none of whose replies is read ("hmm"): no figure of pairs can be
# measured.  Each says so on a line of its own, with its count by hand (6
# left-of items, 2 templates: 12 mirrored pairs, 12 repeats), instead of a
# reference line ("perfect: 0%; left out: 100% ...") under a figure not shown.
start_py hmm image_hash_llm.py --reply hmm
expect_exit 0 "$V" run -m openai -M base_url=http://127.0.0.1:$PORT/v1 -M model=h -S count=6 \
	-S relations=left_of -t yn01,yn02 -p hflip,repeat -o hmm
cp "$T/out" hmm.out
by_hand hmm synth hmm.out >/dev/null
for f in hmm.out hmm/report.md; do
	for want in "language: not measured, an unparseable reply in every wording pair (6 items)" \
		"noise: not measured, an unparseable reply in every one of its 12 pairs" \
		"vision: mirroring changes: not measured, an unparseable reply in every one of its 12 pairs"; do
		grep -qF "$want" $f || fail "$f lacks '$want'"
	done
	! grep -q "perfect: 0%; left out" $f || fail "$f: a reference line under no figure"
done

# Enough images, and the confident words come back.  The perfect server over
# 80 images (about 20 of them left/right: Wilson's 20 of 20 starts at 84%):
# "follows the image".  A server that always says "Yes" over 80 images:
# nothing moves it (0 of 80: at most 4.6%), mirroring flips nothing and
# hiding the image costs nothing (+-4.6 points): "steady under rewording,
# ignores the image".
expect_exit 0 "$V" run -m openai -M base_url=http://127.0.0.1:$(awk '/^PORT /{print $2}' "$T/perfect.port")/v1 \
	-M model=g -S count=80 -t yn01 -p hflip -o perfect80
cp "$T/out" perfect80.out
by_hand perfect80 synth perfect80.out >/dev/null
[ "$(jq -r .suites.synth.verdict perfect80/report.json)" = "follows the image: mirroring flips 100% of the left/right answers that should flip (a model that ignores the image: 0%)." ] ||
	fail "perfect server, 80 images: $(jq -r .suites.synth.verdict perfect80/report.json)"
start_py yes image_hash_llm.py --reply Yes
expect_exit 0 "$V" run -m openai -M base_url=http://127.0.0.1:$PORT/v1 -M model=y -S count=80 \
	-t yn01,yn02 -p hflip,blind,repeat -o yes80
cp "$T/out" yes80.out
by_hand yes80 synth yes80.out >/dev/null
[ "$(jq -r .suites.synth.verdict yes80/report.json)" = "steady under rewording, ignores the image: answers differ on 0% of wording pairs (noise alone: 0%), mirroring flips 0% of the left/right answers that should flip (a model that ignores the image: 0%), hiding the image costs +0 points of accuracy (a model that ignores the image: 0)." ] ||
	fail "always-yes server: $(jq -r .suites.synth.verdict yes80/report.json)"
echo ok
