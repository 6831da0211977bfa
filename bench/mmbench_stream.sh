#!/usr/bin/env bash
# Streaming a large MMBench TSV: throughput and peak memory, next to pandas.
#
#   bench/mmbench_stream.sh [VSRBENCH] [SIZE_MB]      (default SIZE_MB: 1024)
#
# Generates an MMBench-format TSV of about SIZE_MB (the VLMEvalKit layout:
# the 14 upstream columns, base64 images inline, circular copies whose image
# is their original's index, some quoted multi-line hints, categories in the
# dev-EN proportions of ../shared/data/mmbench/categories.DERIVED.tsv), then
# times, on the same file (read once beforehand so every row sees the page
# cache):
#   pandas             /usr/bin/python3: pandas.read_csv(sep='\t'), what VLMEvalKit does
#   vsrbench dry-run   `run --dry-run -s mmbench`: every row read and every prompt built
#   run spatial        `run -s mmbench-spatial -m builtin:yes`: the whole run, reports included
#   run all            `run -s mmbench -m builtin:yes`: every question of every category
# and prints wall time, MB/s of the file, peak RSS, and both as ratios to
# pandas.  The file is deleted afterwards.  Needs Debian's python3-pandas:
# installed with apt-get when missing and run as root, else the bench says how.
set -euo pipefail
V=${1:-./build/vsrbench}
SIZE=${2:-1024}
PY=/usr/bin/python3
if ! "$PY" -c 'import pandas' 2>/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "installing Debian's python3-pandas for the reference measurement" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			python3-pandas >/dev/null
	else
		echo "pandas is missing: sudo apt-get install python3-pandas (Debian's package)" >&2
		exit 2
	fi
fi
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
tmp=$(mktemp -d /tmp/vsr-mmbench-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/data/mmbench"
F=$tmp/data/mmbench/MMBench_DEV_EN.tsv

"$PY" - "$F" "$SIZE" <<'EOF'
import base64, random, sys
path, target = sys.argv[1], int(sys.argv[2]) << 20
random.seed(1)
# category, l2-category, dev-EN questions (categories.DERIVED.tsv)
cats = [
    ("image_emotion", "coarse_perception", 50), ("image_quality", "coarse_perception", 53),
    ("image_scene", "coarse_perception", 104), ("image_style", "coarse_perception", 53),
    ("image_topic", "coarse_perception", 36),
    ("attribute_recognition", "finegrained_perception (instance-level)", 74),
    ("celebrity_recognition", "finegrained_perception (instance-level)", 99),
    ("object_localization", "finegrained_perception (instance-level)", 81),
    ("ocr", "finegrained_perception (instance-level)", 39),
    ("action_recognition", "finegrained_perception (cross-instance)", 54),
    ("attribute_comparison", "finegrained_perception (cross-instance)", 44),
    ("spatial_relationship", "finegrained_perception (cross-instance)", 45),
    ("function_reasoning", "attribute_reasoning", 79), ("identity_reasoning", "attribute_reasoning", 45),
    ("physical_property_reasoning", "attribute_reasoning", 75),
    ("nature_relation", "relation_reasoning", 48), ("physical_relation", "relation_reasoning", 24),
    ("social_relation", "relation_reasoning", 43), ("future_prediction", "logic_reasoning", 40),
    ("structuralized_imagetext_understanding", "logic_reasoning", 78),
]
weights = [c[2] for c in cats]
# Images: a pool of base64 blobs of 8-24 KB (dev-EN averages about 14 KB).
blobs = [base64.b64encode(random.randbytes(random.randint(6000, 18000))).decode() for _ in range(97)]
words = "the a cat dog lamp table left right above below near far red blue small large".split()
def text(n):
    return " ".join(random.choice(words) for _ in range(n))
def q(s):
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in '\t\n"') else s
out = open(path, "w", buffering=1 << 22)
out.write("index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\timage\tsource\tl2-category\tcomment\tsplit\n")
size, index = 0, 0
while size < target:
    index += 1
    cat, l2, _ = random.choices(cats, weights)[0]
    n = random.choice((2, 3, 4, 4, 4))
    opts = [text(random.randint(1, 4)) for _ in range(n)]
    ans = random.randrange(n)
    r = random.random()
    hint = "" if r < 0.6 else text(12) if r < 0.9 else 'a "quoted" hint\twith a tab\nand a second line'
    question = text(random.randint(5, 15)) + "?"
    for k in range(n):
        rot = [opts[(j + k) % n] for j in range(n)] + [""] * (4 - n)
        image = random.choice(blobs) if k == 0 else str(index)
        row = "\t".join([str(index + k * 1000000), q(question), q(hint)] + [q(o) for o in rot] +
                        ["ABCD"[(ans - k) % n], cat, image, "bench", l2, "", "dev"]) + "\n"
        out.write(row)
        size += len(row)
out.close()
EOF
MB=$(du -m "$F" | cut -f1)
cat "$F" >/dev/null # into the page cache, for every contender alike

measure() { # NAME CMD... -> "wall_s rss_kb"
	local name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$tmp/out.$name" 2>"$tmp/err.$name" ||
		{ echo "$name failed: $(tail -3 "$tmp/err.$name")" >&2; exit 1; }
	cat "$tmp/time"
}

declare -A W R
read -r W[pandas] R[pandas] < <(measure pandas "$PY" -c \
	"import sys, pandas as pd; df = pd.read_csv(sys.argv[1], sep='\t'); print(len(df))" "$F")
read -r W[dry] R[dry] < <(measure dry "$V" run --dry-run -s mmbench --data "$tmp/data" -q)
read -r W[spatial] R[spatial] < <(measure spatial "$V" run -s mmbench-spatial --data "$tmp/data" \
	-m builtin:yes -q -o "$tmp/run-spatial")
read -r W[all] R[all] < <(measure all "$V" run -s mmbench --data "$tmp/data" -m builtin:yes -q \
	-o "$tmp/run-all")
rows=$(cat "$tmp/out.pandas")
tasks_spatial=$(wc -l <"$tmp/run-spatial/samples.jsonl")
tasks_all=$(wc -l <"$tmp/run-all/samples.jsonl")

printf 'file: %d MB, %d rows; run spatial: %d tasks; run all: %d tasks\n' "$MB" "$rows" \
	"$tasks_spatial" "$tasks_all"
printf '%-18s %8s %9s %10s %12s %11s\n' what "wall s" "MB/s" "peak MiB" "speed x pandas" "RSS x pandas"
for k in pandas dry spatial all; do
	case $k in
	pandas) name="pandas read_csv" ;;
	dry) name="vsrbench dry-run" ;;
	spatial) name="run spatial" ;;
	all) name="run all" ;;
	esac
	awk -v n="$name" -v w="${W[$k]}" -v r="${R[$k]}" -v mb="$MB" -v pw="${W[pandas]}" \
		-v pr="${R[pandas]}" 'BEGIN {
		if (w < 0.01) w = 0.01
		printf "%-18s %8.2f %9.0f %10.1f %12.1f %11.3f\n", n, w, mb / w, r / 1024, pw / w, r / pr }'
done
