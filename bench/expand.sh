#!/usr/bin/env bash
# Loading and expanding the VSR validated pool (10,972 captions) with a
# 50-template pool, without calling a model (`vsrbench run --dry-run`).
#
#   bench/expand.sh [VSRBENCH] [DATA_DIR]     (DATA_DIR default ../shared/data)
#
# Reference, same machine, same invocation: `jq -c .` reading the same file
# (one JSON parse per line, no expansion).  Images are 8x8 placeholders.
set -euo pipefail
V=${1:-./build/vsrbench}
D=${2:-../shared/data}
MK=$(dirname "$V")/tests/mkimage
F=$D/vsr/data/data_files/all_vsr_validated_data.jsonl
[ -f "$F" ] || { echo "no $F: pass the data folder as the second argument" >&2; exit 2; }
tmp=$(mktemp -d /tmp/vsr-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# 50 templates: 5 wordings x 10 answer phrasings.
for i in $(seq 1 5); do
	for j in $(seq 1 10); do
		printf 'b%02d%02d\tyesno\tStatement %d: [caption] Is the [subject] %d [relation] the [object]? Answer yes or no (%d).\n' \
			"$i" "$j" "$i" "$j" "$j"
	done
done >"$tmp/t50.tsv"
jq -r .image "$F" | sort -u >"$tmp/names"
mkdir "$tmp/img"
"$MK" --names "$tmp/names" "$tmp/img" 8 8

best() { # best of 3 wall-clock seconds of a command
	local b=999 s e t
	for _ in 1 2 3; do
		s=$(date +%s.%N)
		"$@" >/dev/null
		e=$(date +%s.%N)
		t=$(awk -v s="$s" -v e="$e" 'BEGIN { print e - s }')
		b=$(awk -v a="$b" -v t="$t" 'BEGIN { print (t < a) ? t : a }')
	done
	echo "$b"
}
ref=$(best jq -c . "$F")
ours=$(best "$V" run -s vsr-validated --data "$D" --images "$tmp/img" -t "$tmp/t50.tsv" --dry-run)
tasks=$("$V" run -s vsr-validated --data "$D" --images "$tmp/img" -t "$tmp/t50.tsv" --dry-run | awk '/tasks in all/ { print $1 }')
printf '%-44s %10s %12s %10s\n' "what" "seconds" "tasks/s" "x jq"
printf '%-44s %10.3f %12s %10.2f\n' "jq -c . (parse every line; reference)" "$ref" "-" 1
printf '%-44s %10.3f %12.0f %10.2f\n' "vsrbench --dry-run: load + expand $tasks" "$ours" \
	"$(awk -v n="$tasks" -v t="$ours" 'BEGIN { print n / t }')" "$(awk -v a="$ours" -v b="$ref" 'BEGIN { print a / b }')"
