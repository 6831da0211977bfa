#!/usr/bin/env bash
# -n N takes a suite's first N items, so their images are all a run needs:
# a user who fetched the images of those N alone runs them (exit 0), not
# "1182 of the images are not under --images" (exit 3).  A missing image
# among the first N is still exit 3 naming it; --skip-missing-images -n N
# runs the first N items that have their image and counts the skipped ones
# among the items it looked at, not over the whole file.
. "$(dirname "$0")/lib.bash"
V=$VSRBENCH
cd "$T"
export VSRBENCH_CACHE=off
# A VSR-format suite (the vsr-validated layout): 100 captions, image i % 50.
mkdir -p data/vsr/data/data_files img
python3 - data/vsr/data/data_files/all_vsr_validated_data.jsonl <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(100):
        f.write(json.dumps({"image": "%012d.jpg" % (i % 50 + 1), "label": i % 2, "relation": "left of",
                            "caption": "The cat is left of the dog number %d." % i}) + "\n")
PY
# The images of the first 30 captions only: 000000000001 .. 000000000030.
seq -f '%012g.jpg' 1 30 >have.txt
"$VSR_BUILD/tests/mkimage" --names have.txt img 32 24

expect_exit 0 "$V" run -s vsr-validated --data data --images img -m builtin:yes -n 30 -q -o first30
[ "$(jq -s length first30/samples.jsonl)" = 30 ] || fail "-n 30: $(jq -s length first30/samples.jsonl) tasks"
[ "$(jq -r '.item' first30/samples.jsonl | sort | tail -1)" = L00030 ] || fail "-n 30 took other items"

# The 31st caption's image (000000000031.jpg) is not there: exit 3, named.
expect_exit 3 "$V" run -s vsr-validated --data data --images img -m builtin:yes -n 31 -q -o first31
expect_err "000000000031.jpg"

# --skip-missing-images -n 40: captions 1-30 have images, 31-50 do not, 51-80
# have (i % 50 + 1 <= 30 for i = 50..79): the first 40 it can take are lines
# 1-30 and 51-60; it looked at 60 lines and skipped 20.
expect_exit 0 "$V" run -s vsr-validated --data data --images img -m builtin:yes -n 40 \
	--skip-missing-images -q -o skip40
[ "$(jq -s length skip40/samples.jsonl)" = 40 ] || fail "skip -n 40: $(jq -s length skip40/samples.jsonl) tasks"
[ "$(jq -r '.item' skip40/samples.jsonl | sort | tail -1)" = L00060 ] || fail "skip -n 40: last item $(jq -r .item skip40/samples.jsonl | sort | tail -1)"
expect_err "skipped 20 of 60 items: 20 images are missing; the numbers are over the other 40"
echo ok
