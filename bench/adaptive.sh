#!/usr/bin/env bash
# Adaptive concurrency and image-grouped order (issue 16) against simulated
# servers (tests/server/sim_server.py, loopback; each prints its parameters).
#
#   bench/adaptive.sh [VSRBENCH] [PART...]     parts: batch ratelimit prefix (default: all)
#
# batch      a continuous-batching server (0.1 s + 1 ms per sequence in the
#            batch, at most BATCH at once (default 128), queueing beyond): the default run
#            (adaptive, -j 256 the bound) against a sweep of fixed -j in the
#            same invocation.  Columns: tasks/s of the request phase
#            (--timings wall_s), ratio to the best fixed row and to -j 16,
#            p50/p99 of the journal's per-task latency, the server's max in
#            flight.  Goal: default >= 0.9 x best fixed, >= 3 x -j 16,
#            p99 no worse than the best fixed row's.  Two default rows:
#            "default", a server without /metrics (the limit learns from
#            throughput alone), and "default, /metrics", the same server
#            showing its queue at /metrics as vLLM and SGLang do (the limit
#            drops by what waits there).
#            ROUNDS=R runs every row R times, interleaved, and reports
#            the medians.  With OLD_V=path/to/another/vsrbench, its default run is a row
#            too ("default, OLD_V"): before/after a controller change in
#            the same invocation.  STARVE=N starts N busy loops that
#            share the CPUs with every row (a machine busy with other work,
#            reproducibly: the client, the server and the loops compete).
#            BATCH=N moves the knee (e.g. 100: not a power of two times
#            the first limit of 8, so slow start cannot land on it).
# ratelimit  an API allowing 100 requests/s (token bucket of 50; 429 with
#            Retry-After and retry-after-ms beyond), 0.4 s per request:
#            answered/s and the share of 429s after the first 10 s, from the
#            server's own log.  Goal: >= 95 answered/s, <= 1% 429.
# prefix     a server with a prefix cache (0.1 s + 1 ms per sequence, at
#            most 64 at once, +0.2 s for a prefix not among the last 32):
#            vsr-unified Test-G (-t pool; ITEMS=N items, default 100) with noise
#            images named as the COCO ones: this tree's order (grouped by
#            image, image first) against --order dataset and, when OLD_V
#            names a vsrbench built from before issue 16, that one (text
#            first: nothing shared across templates).  Needs the VSR splits
#            under $VSRBENCH_SHARED_DATA (default ../shared/data); skipped
#            without them.
set -euo pipefail
V=$(realpath "${1:-./build/vsrbench}")
shift || true
PARTS=${*:-batch ratelimit prefix}
SRC=$(cd "$(dirname "$0")/.." && pwd)
SIM="$SRC/tests/server/sim_server.py"
[ -x "$V" ] || { echo "no vsrbench at $V (build first)" >&2; exit 2; }
. "$(dirname "$0")/lib.bash"
# Every row asks the server: the response cache (on by default for
# deterministic requests) would answer the later rows from the first one's.
export VSRBENCH_CACHE=off
need jq jq
need python3 python3
tmp=$(mktemp -d /tmp/vsr-bench-adaptive.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# sim NAME ARGS...: starts the simulated server, sets PORT, prints its parameters.
sim() {
	local name=$1 i
	shift
	python3 "$SIM" "$@" >"$tmp/$name.port" 2>"$tmp/$name.err" &
	pids+=($!)
	for i in $(seq 100); do
		grep -q '^PORT ' "$tmp/$name.port" 2>/dev/null && break
		sleep 0.1
	done
	PORT=$(awk '/^PORT /{print $2}' "$tmp/$name.port")
	sed 's/^/# /' "$tmp/$name.err"
}
stats() { python3 -c 'import sys, urllib.request as u; sys.stdout.write(u.urlopen("http://127.0.0.1:%s/_stats" % sys.argv[1]).read().decode())' "$1"; }

# run OUT ARGS...: one vsrbench run against $PORT; prints "tasks wall p50 p99".
run() {
	local out=$tmp/$1
	shift
	"${RUN_V:-$V}" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" -M model=sim -q --progress off \
		--timings -o "$out" "$@" >/dev/null 2>"$out.err" || [ -n "${MAY_FAIL:-}" ] || { cat "$out.err" >&2; exit 1; }
	grep '^{' "$out.err" | jq -r 'select(.wall_s) | "\(.tasks) \(.wall_s)"' | tr '\n' ' '
	jq -s 'map(.ms) | sort | [.[(length * 0.5 | floor)], .[(length * 0.99 | floor)]] | "\(.[0]) \(.[1])"' -r \
		"$out/samples.jsonl"
}

if [[ " $PARTS " == *" batch "* ]]; then
	echo "## continuous batching: default against fixed -j (synth, 8000 tasks)"
	BATCH=${BATCH:-128}
	sim batch --t0 0.1 --per-seq 0.001 --max-batch "$BATCH"
	BPORT=$PORT
	# The same server showing its queue at /metrics, as vLLM does.
	sim batchm --t0 0.1 --per-seq 0.001 --max-batch "$BATCH" --metrics
	MPORT=$PORT
	awk -v b="$BATCH" 'BEGIN { printf "# best fixed by the formula: -j %d, %d / (0.1 + %.3f) = %.0f tasks/s\n", b, b, b / 1000, b / (0.1 + b / 1000) }'
	for _ in $(seq "${STARVE:-0}"); do
		sh -c 'while :; do :; done' &
		pids+=($!)
	done
	[ "${STARVE:-0}" -gt 0 ] && echo "# $STARVE busy loops share the $(nproc) CPUs with every row"
	COMMON=(-S count=2000 -S size=64 -t yn01,tf01,ab01,ab07)
	# Each server answers 800 requests before the first row: its first run
	# was slower for every setting (-j 128 --fixed: 492 tasks/s and p99
	# 371 ms against 540 and 259 after it, at STARVE=12), which the first
	# row alone would pay.
	for p in "$BPORT" "$MPORT"; do
		PORT=$p run warm -S count=200 -S size=64 -t yn01,tf01,ab01,ab07 -j 256 --fixed >/dev/null
		rm -rf "$tmp/warm"*
	done
	declare -A RATE P50 P99 MAXF RS P50S P99S
	# FIXED="128 256": a shorter sweep (the ÷ -j 16 column needs 16 in it).
	read -r -a fixed <<<"${FIXED:-16 32 64 128 192 256}"
	rows=(default metrics "${fixed[@]}")
	[ -n "${OLD_V:-}" ] && [ -x "$OLD_V" ] && rows=(default metrics old "${fixed[@]}")
	# ROUNDS=R: every row R times, interleaved (a busy machine hurts all
	# rows alike); each column is the median of the row's rounds.
	ROUNDS=${ROUNDS:-1}
	med() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR] = $1} END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
	for round in $(seq "$ROUNDS"); do
		for r in "${rows[@]}"; do
			rm -rf "$tmp/b-$r"
			PORT=$BPORT
			if [ "$r" = metrics ]; then
				PORT=$MPORT
				read -r n w p50 p99 < <(run "b-$r" "${COMMON[@]}")
			elif [ "$r" = default ]; then
				read -r n w p50 p99 < <(run "b-$r" "${COMMON[@]}")
			elif [ "$r" = old ]; then
				read -r n w p50 p99 < <(RUN_V=$OLD_V run "b-$r" "${COMMON[@]}")
			else
				read -r n w p50 p99 < <(run "b-$r" "${COMMON[@]}" -j "$r" --fixed)
			fi
			RS[$r]+="$(echo "$n $w" | awk '{printf "%.1f", $1 / $2}') "
			P50S[$r]+="$p50 " P99S[$r]+="$p99 "
			MAXF[$r]=$(jq -r '.concurrency | "\(.min)/\(.median)/\(.max)"' "$tmp/b-$r/status.json")
		done
	done
	for r in "${rows[@]}"; do
		RATE[$r]=$(med <<<"${RS[$r]}")
		P50[$r]=$(med <<<"${P50S[$r]}")
		P99[$r]=$(med <<<"${P99S[$r]}")
		[ "$ROUNDS" -gt 1 ] && echo "# ${r}: tasks/s ${RS[$r]}; p99 ${P99S[$r]}"
	done
	best=${fixed[0]}
	for r in "${fixed[@]}"; do
		awk -v a="${RATE[$r]}" -v b="${RATE[$best]}" 'BEGIN { exit !(a > b) }' && best=$r
	done
	printf '| %-17s | %9s | %12s | %9s | %9s | %9s | %-15s |\n' run tasks/s "÷ best fixed" "÷ -j 16" "p50 ms" "p99 ms" "j min/med/max"
	printf '|%s|\n' "-------------------|-----------|--------------|-----------|-----------|-----------|-----------------"
	for r in "${rows[@]}"; do
		case $r in
		default) label=default ;;
		metrics) label="default, /metrics" ;;
		old) label="default, OLD_V" ;;
		*) label="-j $r --fixed" ;;
		esac
		printf '| %-17s | %9s | %12s | %9s | %9.0f | %9.0f | %-15s |\n' "$label" "${RATE[$r]}" \
			"$(awk -v a="${RATE[$r]}" -v b="${RATE[$best]}" 'BEGIN { printf "%.2f", a / b }')" \
			"$(awk -v a="${RATE[$r]}" -v b="${RATE[16]:-}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }')" \
			"${P50[$r]}" "${P99[$r]}" "${MAXF[$r]}"
	done
	echo "# best fixed in this run: -j $best (medians of $ROUNDS interleaved round(s); j: the last round's)"
	[ "${STARVE:-0}" -gt 0 ] && pkill -P $$ -f 'while :; do :; done' || true
fi

if [[ " $PARTS " == *" ratelimit "* ]]; then
	echo
	echo "## rate-limited API: 100 requests/s allowed (synth, 6000 tasks)"
	printf '| %-14s | %8s | %9s | %6s | %8s | %-13s |\n' run "ok/s >10s" "429 >10s" "n" "429 all" "j min/med/max"
	printf '|%s|\n' "----------------|----------|-----------|--------|----------|---------------"
	for mode in default fixed64; do
		sim "rl-$mode" --rate 100 --burst 50 --t0 0.4 --log "$tmp/rl-$mode.log"
		if [ "$mode" = default ]; then
			run "r-$mode" -S count=1500 -S size=64 -t yn01,tf01,ab01,ab07 >/dev/null
		else
			# Its tasks may run out of retries (exit 4): said below the table.
			MAY_FAIL=1 run "r-$mode" -S count=1500 -S size=64 -t yn01,tf01,ab01,ab07 -j 64 --fixed >/dev/null
		fi
		python3 - "$tmp/rl-$mode.log" "$mode" "$(jq -r '.concurrency | "\(.min)/\(.median)/\(.max)"' "$tmp/r-$mode/status.json")" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
t0 = min(r["t_recv"] for r in rows)
late = [r for r in rows if r["t_recv"] >= t0 + 10]
ok = [r for r in late if r["status"] == 200]
span = max(r["t_sent"] for r in late) - (t0 + 10)
n429 = sum(1 for r in rows if r["status"] == 429)
print("| %-14s | %8.1f | %8.3f%% | %6d | %8d | %-13s |" % (
    "default" if sys.argv[2] == "default" else "-j 64 --fixed", len(ok) / span,
    100.0 * (len(late) - len(ok)) / max(1, len(late)), len(late) - len(ok), n429, sys.argv[3]))
EOF
	done
	failed=$(jq -s 'map(select(.error)) | length' "$tmp/r-fixed64/samples.jsonl")
	echo "# -j 64 --fixed: $failed of 6000 tasks failed (their retries ran out on 429s); the default: $(jq -s 'map(select(.error)) | length' "$tmp/r-default/samples.jsonl")"
fi

if [[ " $PARTS " == *" prefix "* ]]; then
	echo
	DATA=${VSRBENCH_SHARED_DATA:-$SRC/../shared/data}
	SPLIT=$DATA/vsr/data/splits/zeroshot/test.jsonl
	if [ ! -f "$SPLIT" ]; then
		echo "## prefix cache: skipped (no VSR splits at $SPLIT)"
	else
		ITEMS=${ITEMS:-100}
		echo "## prefix cache: vsr-unified Test-G (-t pool), first $ITEMS items"
		mkdir -p "$tmp/img"
		python3 - "$SPLIT" "$tmp/img" <<'EOF'
import json, random, struct, sys, zlib
rnd = random.Random(1)
def png(w, h):
    raw = b"".join(b"\0" + bytes(rnd.getrandbits(8) for _ in range(3 * w)) for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))
for name in sorted({json.loads(l)["image"] for l in open(sys.argv[1]) if l.strip()}):
    open(sys.argv[2] + "/" + name, "wb").write(png(48, 48))
EOF
		printf '| %-34s | %8s | %7s | %7s | %9s |\n' run tasks/s hits misses "÷ dataset"
		printf '|%s|\n' "------------------------------------|----------|---------|---------|-----------"
		base=""
		for mode in dataset image old; do
			bin=$V
			args=(-j 64 --fixed --order "$mode")
			if [ "$mode" = old ]; then
				[ -n "${OLD_V:-}" ] && [ -x "$OLD_V" ] || continue
				bin=$OLD_V
				args=(-j 64)
			fi
			sim "px-$mode" --t0 0.1 --per-seq 0.001 --max-batch 64 --image-cost 0.2 --cache-window 32
			"$bin" run -s vsr-unified --data "$DATA" --images "$tmp/img" -t pool -n "$ITEMS" \
				-m openai -M base_url="http://127.0.0.1:$PORT/v1" -M model=sim -q --progress off \
				--timings -o "$tmp/px-$mode" "${args[@]}" >/dev/null 2>"$tmp/px-$mode.err" ||
				{ cat "$tmp/px-$mode.err" >&2; exit 1; }
			rate=$(grep '^{' "$tmp/px-$mode.err" | jq -r 'select(.wall_s) | .tasks / .wall_s')
			[ -z "$base" ] && base=$rate
			st=$(stats "$PORT")
			label=$([ "$mode" = old ] && echo "before issue 16 (text first)" || echo "--order $mode (image first)")
			printf '| %-34s | %8.1f | %7s | %7s | %9.2f |\n' "$label" "$rate" "$(jq .hits <<<"$st")" \
				"$(jq .misses <<<"$st")" "$(awk -v a="$rate" -v b="$base" 'BEGIN { print a / b }')"
		done
		echo "# -j 64 --fixed in every row, so only the order differs"
	fi
fi
