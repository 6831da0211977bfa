#!/usr/bin/env bash
# Sharding: 1, 2, 4 and 8 shards of one run side by side against one
# loopback server, and the time `vsrbench merge` takes to join 1M samples.
#
#   bench/shards.sh [VSRBENCH] [TASKS] [MERGE_SAMPLES]   (defaults: ./build/vsrbench 40000 1000000)
#
# The server is nginx on 127.0.0.1 answering every request instantly (bench/lib.bash);
# the suite is synth at 128 px with 4 templates (-t yn01,tf01,ab01,ab07), so
# TASKS/4 items.  Each shard runs -j 16.  Columns: shards, wall seconds from
# the first start to the last exit, tasks/s over all shards, ratio to the
# 1-shard row (the reference run of this invocation), and the largest peak
# RSS of one shard process.  On a 2-CPU machine the client and the server
# share the CPUs, so more shards cannot scale linearly here; the table shows
# what one machine sustains and that memory per shard stays flat.
#
# Merge: MERGE_SAMPLES samples from 8 shards of builtin:yes on synth at 64 px
# (made first, not timed), then `vsrbench merge` timed against `cat` of the
# same journals into one file (the reference: the bytes alone).
#
# OLD_V=path/to/another/vsrbench adds its 1-shard row (e.g. a build from
# before issue 16, whose HTTP loop also rendered the synth images).
set -euo pipefail
V=$(realpath "${1:-./build/vsrbench}")
TASKS=${2:-40000}
MERGE=${3:-1000000}
. "$(dirname "$0")/lib.bash"
# Every row asks the server: the response cache (on by default for
# deterministic requests) would answer the later rows from the first one's,
# and its writes would be measured instead of the client.
export VSRBENCH_CACHE=off
need python3 python3
need jq jq
tmp=$(mktemp -d /tmp/vsr-bench-shards.XXXXXX)
NGINX_PID=""
trap '[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null; rm -rf "$tmp"' EXIT
nginx_start "$tmp"
items=$((TASKS / 4))

printf '%-16s %9s %10s %9s %14s\n' shards "wall s" "tasks/s" "x 1 shard" "max RSS MiB"
ref=""
# row LABEL BIN N: N shards of BIN side by side.
row() {
	local label=$1 bin=$2 n=$3 d="$tmp/s$3" start end done_tasks rate
	mkdir -p "$d"
	start=$(date +%s.%N)
	for i in $(seq 0 $((n - 1))); do
		/usr/bin/time -f '%M' -o "$d/rss$i" "$bin" run -S count="$items" -S size=128 \
			-t yn01,tf01,ab01,ab07 -m openai -M "base_url=http://127.0.0.1:$NGINX_PORT/v1" \
			-M model=bench -j 16 --shard "$i/$n" -q -o "$d/run$i" >/dev/null 2>"$d/err$i" &
	done
	for i in $(seq 0 $((n - 1))); do
		wait -n || { echo "a shard failed:" >&2; cat "$d"/err* >&2; exit 1; }
	done
	end=$(date +%s.%N)
	done_tasks=$(cat "$d"/run*/samples.jsonl | wc -l)
	[ "$done_tasks" = $((items * 4)) ] || { echo "shards did $done_tasks of $((items * 4)) tasks" >&2; cat "$d"/err* >&2; exit 1; }
	rate=$(awk -v t="$done_tasks" -v a="$start" -v b="$end" 'BEGIN { print t / (b - a) }')
	[ -n "$ref" ] || ref=$rate
	printf '%-16s %9.2f %10.0f %9.2f %14.1f\n' "$label" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" \
		"$rate" "$(awk -v r="$rate" -v f="$ref" 'BEGIN { print r / f }')" \
		"$(sort -n "$d"/rss* | tail -1 | awk '{ print $1 / 1024 }')"
	rm -rf "$d"
}
for n in 1 2 4 8; do
	row "$n" "$V" "$n"
	# OLD_V=path/to/another/vsrbench: its 1-shard row next to this one's.
	if [ "$n" = 1 ] && [ -n "${OLD_V:-}" ]; then
		row "1, OLD_V" "$(realpath "$OLD_V")" 1
	fi
done

# 1M samples in 8 shards, then merge.
m="$tmp/merge"
mkdir -p "$m"
for i in $(seq 0 7); do
	"$V" run -m builtin:yes -S count="$MERGE" -S size=64 -n "$MERGE" --shard "$i/8" -q -o "$m/s$i" >/dev/null
done
lines=$(cat "$m"/s*/samples.jsonl | wc -l)
t0=$(date +%s.%N)
cat "$m"/s*/samples.jsonl >"$m/cat.jsonl"
sync "$m/cat.jsonl"
t1=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$m/rss" "$V" merge "$m/merged" "$m"/s0 "$m"/s1 "$m"/s2 "$m"/s3 "$m"/s4 "$m"/s5 "$m"/s6 "$m"/s7 >/dev/null
t2=$(date +%s.%N)
printf '\n%-34s %9s %10s %12s\n' "join $lines samples (8 shards)" "seconds" "x cat" "peak MiB"
printf '%-34s %9.2f %10.2f %12s\n' "cat + sync (reference)" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" 1 -
printf '%-34s %9.2f %10.2f %12.1f\n' "vsrbench merge (checks + reports)" "$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')" \
	"$(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { print (c - b) / (b - a) }')" "$(awk '{ print $1 / 1024 }' "$m/rss")"
