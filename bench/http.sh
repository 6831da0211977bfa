#!/usr/bin/env bash
# HTTP client throughput: vsrbench -m openai against a server that answers
# instantly, next to wrk sending a request body of the same size to the same
# server, in the same invocation.
#
#   bench/http.sh [VSRBENCH] [TASKS] [REPEATS]     (defaults: ./build/vsrbench 100000 3)
#
# The server is nginx (Debian's nginx-light) on 127.0.0.1 returning a fixed
# chat-completion body; wrk and nginx-light are installed with apt-get when
# missing (root), else the script says how.  The data is a generated VSR-format
# suite (vsr-validated layout) whose images are 50 KB PNGs of noise, asked with
# the 36 templates of -t pool, so every request carries a 50 KB image (a 68 KB
# JSON body); the wrk body is such a request, byte for byte the same shape.
#
# Rows (best of REPEATS, interleaved, so a busy machine hurts all alike):
#   wrk -t2 -c64                 the reference rate
#   vsrbench -j 64 --fixed, 10k  tasks/s of the whole command's request phase
#   vsrbench -j 64 --fixed, TASKS  the same at the full size
#   libcurl floor                bench/curl_floor.c: the same body posted
#                                TASKS times through libcurl's multi-socket
#                                API with vsrbench's transfer options and
#                                nothing else, two processes of 32 in flight
#                                (vsrbench runs two loops of 32 at -j 64 --fixed;
#                                the adaptive default runs one loop):
#                                what libcurl itself costs; vsrbench minus
#                                this row is the harness, this row minus wrk
#                                is libcurl
#   libcurl floor, 200 bodies    the same with the body of each of the 200
#                                images in turn, 36 requests each (vsrbench's
#                                36 templates of an item): as many distinct
#                                bytes to post as vsrbench has, not one body
#                                that stays in the CPU's cache
#   python, 32 threads           a VLMEvalKit-style client (http.client, one
#                                keep-alive connection per thread), for scale
# Columns: requests (tasks) per second, ratio to wrk, ratio to the libcurl
# floor (issue 16's goal for vsrbench: >= 0.9) and to the floor with 200
# bodies, client CPU per request
# (process user+sys / requests; for vsrbench the whole command: suite
# reading, prompt expansion, answer extraction, journal and reports
# included), server CPU per request (nginx workers' user+sys during the run /
# requests), client peak RSS of the whole command and, for vsrbench, of its
# request phase alone ("requests": before the reports read the journal).  The
# request phase's peak at 10k and at TASKS tasks should be the same: the
# client does not grow with the task count.  The whole command's peak grows
# by the reports' per-task records (the sensitivity pairs answers by item
# and the key set drops duplicates: about 65 bytes per task; the intervals
# keep each task's image and cells, 12 bytes, and a map of the images).
set -euo pipefail
V=$(realpath "${1:-./build/vsrbench}")
TASKS=${2:-100000}
REPEATS=${3:-3}
[ -x "$V" ] || { echo "no vsrbench at $V (build first)" >&2; exit 2; }
. "$(dirname "$0")/lib.bash"
# Every round asks the server: the response cache (on by default for
# deterministic requests) would answer later rounds, and the TASKS run's
# first 10k tasks, from the first run's answers.
export VSRBENCH_CACHE=off
need wrk wrk
need jq jq
need python3 python3
tmp=$(mktemp -d /tmp/vsr-bench-http.XXXXXX)
ngpid=""
cleanup() {
	[ -n "$ngpid" ] && kill "$ngpid" 2>/dev/null && wait "$ngpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
floor="$tmp/curl_floor"
cc -O2 -o "$floor" "$(dirname "$0")/curl_floor.c" $(pkg-config --cflags --libs libcurl) ||
	{ echo "cannot build bench/curl_floor.c" >&2; exit 2; }

items=$(( (TASKS + 35) / 36 ))
# Data: items captions over 200 distinct 50 KB images; a request body for wrk.
python3 - "$tmp" "$items" <<'EOF'
import base64, json, os, random, struct, sys, zlib
out, n_items = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
def png(w, h):
    raw = b"".join(b"\0" + bytes(rnd.getrandbits(8) for _ in range(3 * w)) for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))
os.makedirs(out + "/img")
os.makedirs(out + "/data/vsr/data/data_files")
names = ["%012d.jpg" % (i + 1) for i in range(200)]
for nm in names:
    with open(out + "/img/" + nm, "wb") as f:
        f.write(png(130, 130))  # 50,913 bytes: noise does not compress
rels = ["left of", "right of", "above", "below", "near", "far away from"]
objs = ["cat", "dog", "car", "bench", "train", "laptop", "cup", "chair"]
with open(out + "/data/vsr/data/data_files/all_vsr_validated_data.jsonl", "w") as f:
    for i in range(n_items):
        a, b = rnd.sample(objs, 2)
        r = rels[i % len(rels)]
        f.write(json.dumps({"image": names[i % len(names)], "label": i % 2, "relation": r,
                            "caption": "The %s is %s the %s." % (a, r, b)}) + "\n")
img = open(out + "/img/" + names[0], "rb").read()
body = {"model": "bench", "messages": [{"role": "user", "content": [
    {"type": "text", "text": "The cat is left of the dog. Is this statement correct? Answer yes or no."},
    {"type": "image_url", "image_url": {"url": "data:image/png;base64," + base64.b64encode(img).decode()}}]}],
    "max_tokens": 32, "temperature": 0, "seed": 1}
open(out + "/body.json", "w").write(json.dumps(body, separators=(",", ":")))
# The same body with each of the 200 images, for the floor that posts them in turn.
os.makedirs(out + "/bodies")
for i, nm in enumerate(names):
    data = base64.b64encode(open(out + "/img/" + nm, "rb").read()).decode()
    body["messages"][0]["content"][1]["image_url"]["url"] = "data:image/png;base64," + data
    open(out + "/bodies/%03d.json" % i, "w").write(json.dumps(body, separators=(",", ":")))
EOF
nginx_start "$tmp"
ngpid=$NGINX_PID
port=$NGINX_PORT
URL="http://127.0.0.1:$port/v1/chat/completions"
cat >"$tmp/post.lua" <<EOF
local f = io.open("$tmp/body.json", "rb")
wrk.method = "POST"
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = "application/json"
EOF

ticks() { # CPU clock ticks (user+sys) of nginx's workers
	local t=0 p
	for p in $(pgrep -P "$ngpid"); do
		t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
	done
	echo "$t"
}
HZ=$(getconf CLK_TCK)
results="$tmp/results"
: >"$results"
row() { echo "$*" >>"$results"; } # name reqs wall client_cpu server_ticks rss_kb [rss_requests_kb]

run_wrk() {
	local t0 t1 out cpu
	t0=$(ticks)
	# bash's time keyword: wrk's own user+sys seconds.
	out=$( { TIMEFORMAT='CPU %U %S'; time wrk -t2 -c64 -d5s -s "$tmp/post.lua" "$URL"; } 2>&1 )
	t1=$(ticks)
	cpu=$(awk '/^CPU / {print $2 + $3}' <<<"$out")
	row wrk "$(awk '/requests in/ {print $1}' <<<"$out")" \
		"$(awk '/requests in/ {sub(/s,/, "", $4); print $4}' <<<"$out")" "$cpu" "$((t1 - t0))" -
}
run_vsr() { # $1: tasks
	local n=$1 d="$tmp/run-$1" t0 t1 tm
	rm -rf "$d"
	t0=$(ticks)
	"$V" run -s vsr-validated --data "$tmp/data" --images "$tmp/img" -t pool -n $(( (n + 35) / 36 )) \
		-m openai -M base_url="http://127.0.0.1:$port/v1" -M model=bench -j 64 --fixed --timings -q \
		-o "$d" >/dev/null 2>"$tmp/timings"
	t1=$(ticks)
	tm=$(grep '^{' "$tmp/timings" | tail -1)
	jq -e '.tasks > 0' <<<"$tm" >/dev/null || { cat "$tmp/timings" >&2; exit 1; }
	row "vsrbench-$n" "$(jq .tasks <<<"$tm")" "$(jq .wall_s <<<"$tm")" "$(jq .cpu_s <<<"$tm")" \
		"$((t1 - t0))" "$(jq .max_rss_kb <<<"$tm")" "$(jq .max_rss_run_kb <<<"$tm")"
	rm -rf "$d"
}
run_floor() { # $1: row name, $2: body file or folder; two processes of 32 in flight, as vsrbench runs two loops of 32 at -j 64
	local t0 t1
	t0=$(ticks)
	"$floor" "$URL" "$2" $((TASKS / 2)) 32 >"$tmp/floor1" &
	"$floor" "$URL" "$2" $((TASKS / 2)) 32 >"$tmp/floor2"
	wait $!
	t1=$(ticks)
	read -r reqs wall cpu rss < <(awk '{ n += $1; c += $3; if ($2 > w) w = $2; if ($4 > m) m = $4 }
		END { print n, w, c, m }' "$tmp/floor1" "$tmp/floor2")
	row "$1" "$reqs" "$wall" "$cpu" "$((t1 - t0))" "$rss"
}
run_python() {
	local t0 t1 out
	t0=$(ticks)
	out=$(python3 - "$port" "$tmp/body.json" <<'EOF'
import http.client, os, resource, sys, threading, time
port, body = int(sys.argv[1]), open(sys.argv[2], "rb").read()
stop, counts = time.time() + 5, []
def worker():
    c, n = http.client.HTTPConnection("127.0.0.1", port), 0
    while time.time() < stop:
        c.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
        c.getresponse().read()
        n += 1
    counts.append(n)
t0, c0 = time.time(), time.process_time()
ts = [threading.Thread(target=worker) for _ in range(32)]
for t in ts: t.start()
for t in ts: t.join()
print(sum(counts), time.time() - t0, time.process_time() - c0,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
EOF
)
	t1=$(ticks)
	read -r reqs wall cpu rss <<<"$out"
	row python "$reqs" "$wall" "$cpu" "$((t1 - t0))" "$rss"
}

small=10000
[ "$TASKS" -lt "$small" ] && small=$TASKS
for r in $(seq "$REPEATS"); do
	echo "round $r/$REPEATS" >&2
	run_wrk
	run_vsr "$small"
	run_vsr "$TASKS"
	run_floor floor "$tmp/body.json"
	run_floor floor200 "$tmp/bodies"
	run_wrk
done
run_python

echo "vsrbench -m openai vs wrk, 50 KB image per request (68 KB body), 64 in flight, nginx on 127.0.0.1"
echo "($(nproc) CPUs; best of $REPEATS rounds; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v hz="$HZ" '
	{
		name = $1; reqs = $2; wall = $3; cpu = $4; tk = $5; rss = $6; rssq = NF > 6 ? $7 : "-"
		rate = reqs / wall
		if (!(name in best) || rate > best[name]) {
			best[name] = rate
			ccpu[name] = cpu == "-" ? "-" : sprintf("%.1f", cpu / reqs * 1e6)
			scpu[name] = sprintf("%.1f", tk / hz / reqs * 1e6)
			mem[name] = rss == "-" ? "-" : sprintf("%.1f", rss / 1024)
			memq[name] = rssq == "-" ? "-" : sprintf("%.1f", rssq / 1024)
		}
		if (!(name in order)) { order[name] = ++n; names[n] = name }
	}
	END {
		printf "%-24s %11s %7s %8s %11s %14s %14s %9s %9s\n", "client", "requests/s", "x wrk", "x floor", "x floor200", "client us/req", "server us/req", "peak MiB", "requests"
		for (i = 1; i <= n; i++) {
			k = names[i]
			label = k
			if (k == "wrk") label = "wrk -t2 -c64"
			else if (k == "python") label = "python 32 threads"
			else if (k == "floor") label = "libcurl floor"
			else if (k == "floor200") label = "libcurl floor, 200 bodies"
			else { sub(/^vsrbench-/, "", label); label = "vsrbench " label " tasks" }
			printf "%-24s %11.0f %7.2f %8.2f %11.2f %14s %14s %9s %9s\n", label, best[k], best[k] / best["wrk"], best[k] / best["floor"], best[k] / best["floor200"], ccpu[k], scpu[k], mem[k], memq[k]
		}
	}' "$results"
