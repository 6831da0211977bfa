#!/usr/bin/env bash
# examples/ (issue 17 §12): the 40-line C plug-in is built the way README says and run with
# its -M options; the 20-line Python exec model is run as docs/models.md says.  Their
# answers are checked against the fixture's labels (counted here with jq) and, for the exec
# model, the image sizes it reports against the image files themselves.
. "$(dirname "$0")/lib.bash"

V=$VSRBENCH
X=$VSR_SRC/examples
command -v python3 >/dev/null || fail "python3 is not installed (make -f Makefile.ci deps)"
command -v cc >/dev/null || fail "no C compiler (make -f Makefile.ci deps)"
# Small enough to read at a glance.
[ "$(wc -l <"$X/exec_model.py")" -le 25 ] || fail "examples/exec_model.py is over 25 lines"
[ "$(wc -l <"$X/constant_plugin.c")" -le 50 ] || fail "examples/constant_plugin.c is over 50 lines"
cd "$T"
mkdir -p data/vsr/data/splits/zeroshot img
cat >data/vsr/data/splits/zeroshot/test.jsonl <<'JSONL'
{"image": "000000017697.jpg", "caption": "The car is behind the suitcase.", "label": 1, "relation": "behind", "subj": "car", "obj": "suitcase"}
{"image": "000000199940.jpg", "caption": "The cat is under the backpack.", "label": 0, "relation": "under", "subj": "cat", "obj": "backpack"}
{"image": "000000254016.jpg", "caption": "The dog is touching the person.", "label": 1, "relation": "touching", "subj": "dog", "obj": "person"}
{"image": "000000101001.jpg", "caption": "The bed is right of the cat.", "label": 0, "relation": "right of", "subj": "bed", "obj": "cat"}
{"image": "000000101001.jpg", "caption": "The cat is left of the bed.", "label": 0, "relation": "left of", "subj": "cat", "obj": "bed"}
JSONL
jq -r .image data/vsr/data/splits/zeroshot/test.jsonl | sort -u >names.txt
"$VSR_BUILD/tests/mkimage" --names names.txt img 40 30
f=data/vsr/data/splits/zeroshot/test.jsonl
n_true=$(jq -s '[.[] | select(.label == 1)] | length' $f)
n_false=$(jq -s '[.[] | select(.label == 0)] | length' $f)
common=(-s vsr-unified --data data --images img -q)

# ---- the C plug-in, built as README says ---------------------------------------------
cc -std=c11 -Wall -Wextra -Werror -I "$VSR_SRC/include" -shared -fPIC -o constant.so \
	"$X/constant_plugin.c" 2>cc.err || fail "examples/constant_plugin.c does not build: $(cat cc.err)"
expect_exit 0 "$V" run "${common[@]}" -m lib:./constant.so -o c_yes
[ "$(jq -s '[.[] | select(.correct == true)] | length' c_yes/samples.jsonl)" = "$n_true" ] ||
	fail "the plug-in's default (yes) should be right on the $n_true true captions"
expect_exit 0 "$V" run "${common[@]}" -m lib:./constant.so -M answer=no -o c_no
[ "$(jq -s '[.[] | select(.correct == true)] | length' c_no/samples.jsonl)" = "$n_false" ] ||
	fail "-M answer=no should be right on the $n_false false captions"
[ "$(jq -s '[.[] | select(.response == "no")] | length' c_no/samples.jsonl)" = 5 ] || fail "answers"
grep -qF 'model: `constant-example 1 (lib:./constant.so)`' c_no/report.md || fail "report.md's model line"
expect_exit 2 "$V" run "${common[@]}" -m lib:./constant.so -M colour=red -o c_bad
expect_err 'unknown option "colour"'
expect_one_line_err
expect_exit 2 "$V" run "${common[@]}" -m lib:./constant.so -M answer=maybe -o c_bad2
expect_err "-M answer= takes yes or no"

# ---- the Python exec model ------------------------------------------------------------
expect_exit 0 "$V" run "${common[@]}" -m exec -M cmd="python3 $X/exec_model.py" -p blind -o py
expect_err "exec_model: ready" # its stderr is the user's
[ "$(jq -s '[.[] | select(.variant == "base" and .correct == true)] | length' py/samples.jsonl)" = "$n_true" ] ||
	fail "the exec model (yes) should be right on the $n_true true captions"
# The size it reports is the size of the image file it was sent; 0 without the image.
jq -r 'select(.variant == "base") | "\(.image) \(.meta.image_bytes)"' py/samples.jsonl |
	while read -r img bytes; do
		[ "$bytes" = "$(stat -c %s "$img")" ] || fail "$img: the exec model saw $bytes bytes"
	done
[ "$(jq -s '[.[] | select(.variant == "blind" and .meta.image_bytes == 0)] | length' py/samples.jsonl)" = 5 ] ||
	fail "blind tasks should reach the exec model without an image"
echo ok
