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
# verdict says "in part", not "follows the image".
start_server perfect --plugin "$GEOMETRY"
expect_exit 0 "$V" run -m openai -M base_url=http://127.0.0.1:$PORT/v1 -M model=g -S count=3 \
	-S relations=left_of -t yn01,yn02 -p hflip -o three
cp "$T/out" three.out
by_hand three synth three.out >/dev/null
grep -qF "vision: mirroring changes 100% [44, 100] of the answers that should change (6 valid pairs)" three.out ||
	fail "three images: $(grep vision three.out)"
jq -r .suites.synth.verdict three/report.json | grep -qF ', follows the image only in part: ' ||
	fail "three images: $(jq -r .suites.synth.verdict three/report.json)"

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
echo ok
