#!/usr/bin/env bash
# `--images coco/` with COCO's own layout (coco/train2017/NAME,
# coco/val2017/NAME): each VSR line's image_link names the folder, so one
# flag finds both halves of the unified test set.  A missing image's error
# names the folders looked in; the folder fallback goes through the same
# safe resolver (a folder that is a symlink out of the root is refused, a
# link naming ".." is no folder).  Expected counts from python over the
# real split file.
. "$(dirname "$0")/lib.bash"

need_shared_vsr
V=$VSRBENCH
cd "$T"

vsr_needed_images "$TEST_JSONL" >needed.txt
mkdir -p coco/train2017 coco/val2017
grep '^train2017/' needed.txt | sed 's|.*/||' >train.txt
grep '^val2017/' needed.txt | sed 's|.*/||' >val.txt
[ "$(wc -l <val.txt)" = 28 ] && [ "$(wc -l <train.txt)" = 687 ] || fail "687 + 28 images expected"
"$VSR_BUILD/tests/mkimage" --names train.txt coco/train2017 64 48
"$VSR_BUILD/tests/mkimage" --names val.txt coco/val2017 64 48

# --- one --images for both folders: every item runs --------------------------
expect_exit 0 "$V" run -s vsr-unified --data "$D" --images coco/ -m builtin:yes -q -o r1
[ "$(jq -s length r1/samples.jsonl)" = 1222 ] || fail "1222 samples expected"
[ "$(jq '.suites[0].data.skipped_missing_images' r1/run.json)" = 0 ] || fail "run.json skipped"
# The flat layout (DIR/NAME) still works.
mkdir -p flat && cp coco/train2017/* coco/val2017/* flat/
expect_exit 0 "$V" run -s vsr-unified --data "$D" --images flat -m builtin:yes -q -n 20 -o r2

# --- a missing image: the folders looked in are named --------------------------
gone=$(sed -n 1p val.txt)
items=$(jq -r --arg n "$gone" 'select(.image == $n) | .image' "$TEST_JSONL" | wc -l)
mv "coco/val2017/$gone" .
expect_exit 3 "$V" run -s vsr-unified --data "$D" --images coco -m builtin:yes -q -o r3
expect_err "1 of the images of vsr-zeroshot-test are not under --images (looked in coco/, coco/train2017/, coco/val2017/; $items items; first: $gone)"
expect_one_line_err
mv "$gone" coco/val2017/

# --- --images naming one half of COCO: the error names the other half ------------
# The 28 val2017 images (42 captions) are missing under coco/train2017; the
# error says they are val2017 images and which option finds them.
val_items=$(jq -r 'select(.image_link | test("/val2017/")) | .image' "$TEST_JSONL" | wc -l)
train_items=$(jq -r 'select(.image_link | test("/train2017/")) | .image' "$TEST_JSONL" | wc -l)
first_val=$(jq -r 'select(.image_link | test("/val2017/")) | .image' "$TEST_JSONL" | sed -n 1p)
first_train=$(jq -r 'select(.image_link | test("/train2017/")) | .image' "$TEST_JSONL" | sed -n 1p)
expect_exit 3 "$V" run -s vsr-unified --data "$D" --images coco/train2017 -m builtin:yes -q -o r6
expect_err "28 of the images of vsr-zeroshot-test are not under --images (looked in coco/train2017/, coco/train2017/val2017/; $val_items items; first: $first_val): 28 are val2017 images (their image_link): add --images coco/val2017, or pass --images coco alone, which holds train2017/ and val2017/; or --skip-missing-images runs the other items"
expect_one_line_err
expect_exit 3 "$V" run -s vsr-unified --data "$D" --images "$T/coco/val2017/" -m builtin:yes -q -o r7
expect_err "687 of the images of vsr-zeroshot-test are not under --images (looked in $T/coco/val2017/, $T/coco/val2017/train2017/; $train_items items; first: $first_train): 687 are train2017 images (their image_link): add --images $T/coco/train2017, or pass --images $T/coco alone, which holds val2017/ and train2017/"
# Both halves given: every item runs.
expect_exit 0 "$V" run -s vsr-unified --data "$D" --images coco/train2017 --images coco/val2017 \
	-m builtin:yes -q -n 50 -o r8
# A flat folder of the train2017 images with no val2017 beside it: the folder
# is named, the fix is the usual one.
mkdir -p lone && cp coco/train2017/* lone/
expect_exit 3 "$V" run -s vsr-unified --data "$D" --images lone -m builtin:yes -q -o r9
expect_err "(looked in lone/, lone/val2017/; $val_items items; first: $first_val, "
expect_err "): 28 are val2017 images (their image_link); vsrbench data pull vsr-zeroshot-test fetches them"
rm -rf lone

# --- a mistyped --images: named as such, not as 715 missing images ---------------
expect_exit 3 "$V" run -s vsr-unified --data "$D" --images coco/train2071 -m builtin:yes -q -o r12
expect_err "error: --images coco/train2071: No such file or directory"
expect_one_line_err
expect_exit 3 "$V" run -s vsr-unified --data "$D" --images train.txt -m builtin:yes -q -o r13
expect_err "error: --images train.txt: not a folder (--images names the folder that holds the images)"
[ -e r12 ] || [ -e r13 ] && fail "a run directory was made for a bad --images"

# --- COCO 2014 instead of 2017: same pictures, other names (COCO_train2014_
# prefix) and another train/val cut; the error says so rather than listing
# 2017 folders that are not there.
mkdir -p coco14/train2014 coco14/val2014
for f in $(sed -n 1,3p train.txt); do cp "coco/train2017/$f" "coco14/train2014/COCO_train2014_$f"; done
expect_exit 3 "$V" run -s vsr-unified --data "$D" --images coco14 -m builtin:yes -q -o r10
expect_err "715 of the images of vsr-zeroshot-test are not under --images (looked in coco14/, coco14/train2017/, coco14/val2017/; 1222 items; first: $first_train): coco14 holds COCO 2014 (train2014/, val2014/, files named COCO_train2014_$first_train); VSR's are COCO 2017's (train2017/, val2017/): vsrbench data pull vsr-zeroshot-test fetches them, or --skip-missing-images runs the other items"
expect_one_line_err
expect_exit 3 "$V" run -s vsr-unified --data "$D" --images coco14/train2014/ --images coco14/val2014 -m builtin:yes -q -o r11
expect_err "): coco14/train2014/ holds COCO 2014"

# --- the fallback cannot lead out of the root ----------------------------------
mkdir -p data/vsr/data/splits/zeroshot outside/train2017 evil
"$VSR_BUILD/tests/mkimage" outside/train2017/000000000001.jpg 64 48
ln -s "$T/outside/train2017" evil/train2017
printf '{"image": "000000000001.jpg", "image_link": "http://images.cocodataset.org/train2017/000000000001.jpg", "caption": "The cat is left of the dog.", "label": 1, "relation": "left of"}\n' \
	>data/vsr/data/splits/zeroshot/test.jsonl
expect_exit 3 "$V" run -s vsr-unified --data data --images evil -m builtin:yes -q -o r4
expect_err "leads out of evil (a symlink?): refused"
# A link whose folder is ".." names no folder: only DIR/NAME is looked for.
mkdir -p root/sub && cp outside/train2017/000000000001.jpg root/
printf '{"image": "000000000001.jpg", "image_link": "http://x/../000000000001.jpg", "caption": "The cat is left of the dog.", "label": 1, "relation": "left of"}\n' \
	>data/vsr/data/splits/zeroshot/test.jsonl
expect_exit 3 "$V" run -s vsr-unified --data data --images root/sub -m builtin:yes -q -o r5
expect_err "are not under --images (looked in root/sub/; 1 items; first: 000000000001.jpg)"
echo ok
