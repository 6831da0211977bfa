#!/usr/bin/env bash
# The annotations scan of `vsrbench data pull vsr-boxes`: a generated
# COCO-format instances JSON (the real file's shape: images, then
# annotations with polygon segmentations, then categories; the validated VSR
# captions' images among the images) of two sizes, read by vsrbench's
# streaming scanner and by python's json.load; wall time, MB/s and peak
# memory (GNU time's maximum resident set).  The scanner's memory should not
# grow with the file; json.load's does.
#   bench/boxes_scan.sh BUILD_DIR [MB...]     needs VSRBENCH_SHARED_DATA
set -euo pipefail
B=$(cd "${1:?build dir}" && pwd)
shift
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(50 200); fi
SRC=$(cd "$(dirname "$0")/.." && pwd)
D=${VSRBENCH_SHARED_DATA:-$SRC/../shared/data}
T=$(mktemp -d /tmp/vsr-bench-boxes.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"
# A data folder reading the shared VSR files in place (vsr-boxes writes beside them).
mkdir -p data/vsr
for f in "$D"/vsr/*; do ln -s "$f" "data/vsr/${f##*/}"; done
"$B/vsrbench" data pull vsr --data data >/dev/null

gen() { # MB -> instances.json
	python3 - "$D/vsr/data/data_files/all_vsr_validated_data.jsonl" "$1" <<'PY'
import json, random, sys
random.seed(1)
names = sorted({json.loads(l)["image"] for l in open(sys.argv[1]) if l.strip()})
target = int(sys.argv[2]) * 1000 * 1000
cats = ["person", "bicycle", "car", "cat", "dog", "bench", "train", "suitcase", "bed", "couch"]
with open("instances.json", "w") as f:
    f.write('{"info": {"description": "generated"}, "licenses": [], "images": [')
    n_img = 120000
    for i in range(n_img):
        name = names[i] if i < len(names) else "%012d.jpg" % (900000000 + i)
        f.write(("," if i else "") + json.dumps({"id": i + 1, "file_name": name, "width": 640,
                                                  "height": 480}))
    f.write('], "annotations": [')
    k = 0
    while f.tell() < target:
        img = random.randrange(n_img) + 1
        x, y = random.uniform(0, 500), random.uniform(0, 400)
        poly = [round(random.uniform(0, 640), 2) for _ in range(40)]
        f.write(("," if k else "") + json.dumps({"segmentation": [poly], "area": 1000.5,
                "iscrowd": 0, "image_id": img, "bbox": [round(x, 2), round(y, 2), 50.0, 40.0],
                "category_id": random.randrange(len(cats)) + 1, "id": k + 1}))
        k += 1
    f.write('], "categories": [' + ",".join(json.dumps({"id": i + 1, "name": c})
                                            for i, c in enumerate(cats)) + "]}")
PY
}

printf '| file MB | vsrbench s (cpu s) | vsrbench MB/s | vsrbench peak MB | python json.load s (cpu s) | python MB/s | python peak MB |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|\n'
for mb in "${SIZES[@]}"; do
	gen "$mb"
	size=$(stat -c %s instances.json)
	/usr/bin/time -f '%e %U %S %M' -o v.time "$B/vsrbench" data pull vsr-boxes --data data --from-zip instances.json >v.out
	/usr/bin/time -f '%e %U %S %M' -o p.time python3 -c 'import json, sys; json.load(open(sys.argv[1]))' instances.json
	read -r vs vu vy vk <v.time
	read -r ps pu py pk <p.time
	# The vsrbench figure includes checking the VSR files and reading the validated split.
	awk -v s="$size" -v vs="$vs" -v vu="$vu" -v vy="$vy" -v vk="$vk" -v ps="$ps" \
		-v pu="$pu" -v py="$py" -v pk="$pk" 'BEGIN {
		vc = vu + vy; pc = pu + py
		printf "| %.0f | %.2f (%.2f) | %.0f | %.0f | %.2f (%.2f) | %.0f | %.0f |\n", s / 1e6, vs, vc,
			s / 1e6 / (vs > 0 ? vs : 0.01), vk / 1024, ps, pc, s / 1e6 / (ps > 0 ? ps : 0.01), pk / 1024 }'
	rm -f instances.json
done
