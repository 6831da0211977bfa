#!/usr/bin/env bash
# The response cache (issue 16 §4): a second identical run against the same
# served model, its wall time and the requests it sends, next to the first.
#
#   bench/cache.sh [VSRBENCH] [ITEMS] [SERVICE_S]    (defaults: ./build/vsrbench 400 0.05)
#
# The model is tests/server/fake_llm.py on 127.0.0.1, made to take SERVICE_S
# seconds for every request (its fault plan "slow:S" on each of a body's
# first 8 arrivals), so a request costs what a small served VLM's would.  The suite is synth with ITEMS items, -j 16.  Requests are
# counted on the server's own log.
#
# Rows:
#   first run, cache empty      -t single: every task asked
#   second run, same command    -t single again into another run directory
#   --cache off                 the same command without the cache (the control)
#   -t pool after -t single     a pool run whose yn01 prompts the first run asked
#   -t pool, --cache off        the same pool run without the cache
#   -p converse after -t pool   the pool run with its converse captions: its
#                               base variant is the pool run's prompts
#   -p converse, --cache off    the same without the cache
# Columns: tasks, requests sent, wall seconds of the command, wall and
# requests as a ratio of the row it is compared with (the first run; the
# same run without the cache for the pool and converse rows).
set -euo pipefail
V=$(realpath "${1:-./build/vsrbench}")
ITEMS=${2:-400}
SERVICE=${3:-0.05}
[ -x "$V" ] || { echo "no vsrbench at $V (build first)" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench/cache.sh needs jq" >&2; exit 2; }
SRC=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/vsr-bench-cache.XXXXXX)
spid=""
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
# Slow on each of a body's first 8 arrivals: every row below pays for what it sends.
slow=$(for _ in 1 2 3 4 5 6 7 8; do printf '"slow:%s",' "$SERVICE"; done | sed 's/,$//')
python3 "$SRC/tests/server/fake_llm.py" --plan "{\"every\":1,\"faults\":[$slow]}" \
	>"$tmp/port" 2>"$tmp/server.log" &
spid=$!
for _ in $(seq 100); do grep -q '^PORT ' "$tmp/port" 2>/dev/null && break; sleep 0.05; done
port=$(awk '/^PORT /{print $2}' "$tmp/port")
[ -n "$port" ] || { echo "the fake server did not start: $(cat "$tmp/server.log")" >&2; exit 2; }
sent() { python3 -c 'import json, sys, urllib.request as u; print(len(json.loads(u.urlopen("http://127.0.0.1:%s/_log" % sys.argv[1]).read())))' "$port"; }

export XDG_CACHE_HOME="$tmp/xdg"
unset VSRBENCH_CACHE
declare -A TASKS REQS WALL
run() { # run ROW ARGS...
	local row=$1 n0 t0 t1
	shift
	n0=$(sent)
	t0=$(date +%s.%N)
	"$V" run -m openai -M "base_url=http://127.0.0.1:$port/v1" -M model=bench -S "count=$ITEMS" \
		-j 16 -q --progress off -o "$tmp/$row" "$@" >/dev/null
	t1=$(date +%s.%N)
	TASKS[$row]=$(wc -l <"$tmp/$row/samples.jsonl")
	REQS[$row]=$(($(sent) - n0))
	WALL[$row]=$(echo "$t1 - $t0" | bc -l)
}
command -v bc >/dev/null || { echo "bench/cache.sh needs bc" >&2; exit 2; }
run first -t single
run second -t single
run off -t single --cache off
run pool -t pool
run pool_off -t pool --cache off
run conv -t pool -p converse
run conv_off -t pool -p converse --cache off

printf 'fake_llm.py: %s s per request; synth, %s items, -j 16; %s\n' "$SERVICE" "$ITEMS" \
	"$("$V" --version 2>/dev/null || echo vsrbench)"
printf '%-28s %7s %9s %9s %11s %13s\n' row tasks requests wall_s "wall ratio" "request ratio"
row() { # row LABEL KEY BASE
	awk -v l="$1" -v t="${TASKS[$2]}" -v r="${REQS[$2]}" -v w="${WALL[$2]}" -v bw="${WALL[$3]}" \
		-v br="${REQS[$3]}" 'BEGIN { printf "%-28s %7d %9d %9.2f %11.3f %13.3f\n", l, t, r, w,
		w / bw, br ? r / br : 0 }'
}
row "first run, cache empty" first first
row "second run, same command" second first
row "--cache off" off first
row "-t pool after -t single" pool pool_off
row "-t pool, --cache off" pool_off pool_off
row "-p converse after -t pool" conv conv_off
row "-p converse, --cache off" conv_off conv_off
