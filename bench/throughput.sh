#!/usr/bin/env bash
# Harness throughput and memory on the default suite with builtin:yes.
#
#   bench/throughput.sh [VSRBENCH] [SIZES...]      (default sizes: 10000 100000)
#
# For each size it runs `vsrbench run -m builtin:yes -S count=N --timings`
# into a fresh directory and prints one table row:
#   tasks/s        wall-clock throughput of the whole command (reports included)
#   cpu us/task    all CPU time of the process per task
#   image us/task  CPU spent rendering the synthetic PNGs (the suite's work)
#   model us/task  CPU inside the adapter
#   harness us/task  the rest: expansion, keys, scheduling, journal, extraction,
#                  metrics and reports -- the harness's own overhead
#   peak RSS       maximum resident set size
# The ratio columns compare each row with the first (the reference run made
# in the same invocation on the same machine): memory must stay flat and the
# per-task overhead constant as the task count grows.
set -euo pipefail
V=${1:-./build/vsrbench}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
command -v jq >/dev/null || { echo "bench needs jq" >&2; exit 2; }
tmp=$(mktemp -d /tmp/vsr-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

printf '%-8s %9s %11s %13s %13s %15s %10s %12s %12s\n' tasks tasks/s "cpu us/task" \
	"image us/task" "model us/task" "harness us/task" "peak MiB" "harness x ref" "RSS x ref"
ref_h="" ref_rss=""
for n in "${sizes[@]}"; do
	out="$tmp/run-$n"
	start=$(date +%s.%N)
	"$V" run -m builtin:yes -S count="$n" --timings -q -o "$out" >/dev/null 2>"$tmp/t-$n"
	end=$(date +%s.%N)
	t=$(grep '^{' "$tmp/t-$n" | tail -1)
	tasks=$(jq .tasks <<<"$t")
	cpu=$(jq .cpu_s <<<"$t")
	img=$(jq .cpu_image_s <<<"$t")
	model=$(jq .cpu_model_s <<<"$t")
	rss=$(jq .max_rss_kb <<<"$t")
	row=$(awk -v n="$tasks" -v w0="$start" -v w1="$end" -v c="$cpu" -v i="$img" \
		-v m="$model" -v r="$rss" -v rh="$ref_h" -v rr="$ref_rss" 'BEGIN {
		w = w1 - w0; h = (c - i - m) / n * 1e6
		if (rh == "") { rh = h; rr = r }
		printf "%-8d %9.0f %11.1f %13.1f %13.1f %15.1f %10.1f %12.2f %12.2f|%f|%d\n",
			n, n / w, c / n * 1e6, i / n * 1e6, m / n * 1e6, h, r / 1024, h / rh, r / rr, h, r }')
	[ -n "$ref_h" ] || { ref_h=$(cut -d'|' -f2 <<<"$row"); ref_rss=$(cut -d'|' -f3 <<<"$row"); }
	cut -d'|' -f1 <<<"$row"
	rm -rf "$out"
done
