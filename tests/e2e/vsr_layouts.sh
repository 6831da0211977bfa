#!/usr/bin/env bash
# VSR as a user has it after downloading it by hand, not through `data pull`:
#  - a clone of github.com/cambridgeltl/visual-spatial-reasoning kept as
#    DATA/vsr, with the images where VSR's own data/README puts them
#    (data/images/: the Dropbox zip or select_only_revlevant_images.py; or
#    data/trainval2017/, COCO's train2017 and val2017 merged): found without
#    --images;
#  - the clone itself given as --data: the error says it is a clone and how
#    to lay it out;
#  - a split file copied flat from Hugging Face (cambridgeltl/vsr_zeroshot,
#    vsr_random: train.jsonl, dev.jsonl, test.jsonl at the top) given as
#    --data: the error names which of VSR's files it is (by its pinned
#    sha256) and where it belongs.
# The split files are links to the shared copies; the images are generated.
. "$(dirname "$0")/lib.bash"

need_shared_vsr
V=$VSRBENCH
cd "$T"

# --- a clone kept as DATA/vsr ------------------------------------------------------
clone=$T/visual-spatial-reasoning
mkdir -p "$clone/data/splits/zeroshot" "$clone/data/splits/random" "$clone/data/images" data
for f in {zeroshot,random}/{train,dev,test}; do
	ln -s "$D/vsr/data/splits/$f.jsonl" "$clone/data/splits/$f.jsonl"
done
vsr_needed_images "$TEST_JSONL" | sed 's|.*/||' >names.txt
[ "$(wc -l <names.txt)" = 715 ] || fail "715 images expected"
"$VSR_BUILD/tests/mkimage" --names names.txt "$clone/data/images" 64 48
ln -s "$clone" data/vsr
expect_exit 0 "$V" run -s vsr-unified --data data -m builtin:yes -q -o r1
[ "$(jq -s length r1/samples.jsonl)" = 1222 ] || fail "1222 samples expected"
# data/trainval2017/ (before the selection step) serves as well.
mv "$clone/data/images" "$clone/data/trainval2017"
expect_exit 0 "$V" run -s vsr-unified --data data -m builtin:yes -q -n 30 -o r2
# With neither, the error names the folder data pull fills.
mv "$clone/data/trainval2017" imgs
expect_exit 3 "$V" run -s vsr-unified --data data -m builtin:yes -q -o r3
expect_err "715 of the images of vsr-zeroshot-test are not under data/vsr/images (looked in data/vsr/images/"
expect_one_line_err

# --- the clone itself as --data --------------------------------------------------
expect_exit 3 "$V" run -s vsr-unified --data "$clone" --images imgs -m builtin:yes -q -o r4
expect_err "suite vsr-zeroshot-test: $clone/vsr/data/splits/zeroshot/test.jsonl not found; $clone is a clone of VSR's repository (it has data/splits/zeroshot/test.jsonl): --data takes the folder that holds VSR as vsr/, e.g. \`mkdir -p DATA && ln -s $clone DATA/vsr\`, then --data DATA"
expect_one_line_err
# data check reads the same files and says the same.
expect_exit 3 "$V" data check vsr --data "$clone"
expect_err "$clone is a clone of VSR's repository"

# --- a split copied flat from Hugging Face -----------------------------------------
mkdir -p hf_zeroshot hf_random hf_other
ln -s "$D/vsr/data/splits/zeroshot/test.jsonl" hf_zeroshot/test.jsonl
ln -s "$D/vsr/data/splits/random/test.jsonl" hf_random/test.jsonl
head -5 "$D/vsr/data/splits/zeroshot/test.jsonl" >hf_other/test.jsonl
expect_exit 3 "$V" run -s vsr-unified --data hf_zeroshot -m builtin:yes -q -o r5
expect_err "suite vsr-zeroshot-test: hf_zeroshot/vsr/data/splits/zeroshot/test.jsonl not found; hf_zeroshot/test.jsonl is VSR's data/splits/zeroshot/test.jsonl (its sha256 is the pinned one): vsrbench reads it at hf_zeroshot/vsr/data/splits/zeroshot/test.jsonl (move or link it there)"
expect_one_line_err
# The random split's test file under the unified suite: named as what it is.
expect_exit 3 "$V" run -s vsr-unified --data hf_random -m builtin:yes -q -o r6
expect_err "hf_random/test.jsonl is VSR's data/splits/random/test.jsonl (its sha256 is the pinned one, another suite's split): vsrbench reads it at hf_random/vsr/data/splits/random/test.jsonl"
# A file of that name that is none of VSR's: where a split goes.
expect_exit 3 "$V" run -s vsr-unified --data hf_other -m builtin:yes -q -o r7
expect_err "hf_other/test.jsonl is there (a copy of one of VSR's Hugging Face datasets?): vsrbench reads a split at DATA/vsr/data/splits/zeroshot/test.jsonl"
# Laid out as the error says, it runs.
mkdir -p hf_zeroshot/vsr/data/splits/zeroshot
mv hf_zeroshot/test.jsonl hf_zeroshot/vsr/data/splits/zeroshot/
expect_exit 0 "$V" run -s vsr-unified --data hf_zeroshot --images imgs -m builtin:yes -q -n 30 -o r8
echo ok
