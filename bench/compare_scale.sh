#!/usr/bin/env bash
# vsrbench compare and report on a large journal, against a reference build
# in the same invocation.
#
#   bench/compare_scale.sh VSRBENCH REF_VSRBENCH [TASKS] [REPEATS]
#                                          (defaults: TASKS 324000, REPEATS 3)
#
# REF_VSRBENCH is the build to compare with (e.g. main's, built in another
# directory).  The journal is a real run's (builtin:geometry on 10 synthetic
# items, -t pool -p hflip,blind: 1,080 tasks) copied as other items, each
# copy with its own images and prompts, up to TASKS tasks (324,000: the 36
# templates with mirror and blind of 3,000 VSR captions).  Both builds read
# the same directory, run.json and status.json.
#
# Rows (best of REPEATS, the builds interleaved): compare DIR DIR and report
# DIR for each build.  Columns: seconds, peak RSS, and each against the
# reference build's (ratio < 1: less).
set -euo pipefail
V=$(realpath "${1:?usage: bench/compare_scale.sh VSRBENCH REF_VSRBENCH [TASKS] [REPEATS]}")
REF=$(realpath "${2:?usage: bench/compare_scale.sh VSRBENCH REF_VSRBENCH [TASKS] [REPEATS]}")
TASKS=${3:-324000}
REPEATS=${4:-3}
export VSRBENCH_CACHE=off
. "$(dirname "$0")/lib.bash"
need python3 python3
tmp=$(mktemp -d /tmp/vsr-bench-compare.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$V" run -S count=10 -t pool -p hflip,blind -q -o seed >/dev/null
python3 - "$TASKS" <<'PY'
import hashlib, json, os, shutil, sys
want = int(sys.argv[1])
lines = [json.loads(l) for l in open("seed/samples.jsonl")]
os.makedirs("big")
for f in ("run.json", "status.json"):
    shutil.copy("seed/" + f, "big")
n = 0
with open("big/samples.jsonl", "w") as out:
    c = 0
    while n < want:
        for s in lines:
            if n == want:
                break
            s = dict(s)
            s["key"] = hashlib.sha256(("%s %d" % (s["key"], c)).encode()).hexdigest()[:16]
            s["item"] = "%s-c%d" % (s["item"], c)
            if s.get("image"):
                s["image"] = "c%d/%s" % (c, s["image"])
            s["prompt"] = "c%d %s" % (c, s["prompt"])
            out.write(json.dumps(s, separators=(",", ":")) + "\n")
            n += 1
        c += 1
PY
# measure BIN ARGS...: "seconds peak_kb" of one run.
measure() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
el = time.monotonic() - t
if r.returncode:
    sys.exit("%s: exit %d: %s" % (" ".join(sys.argv[1:]), r.returncode, r.stderr.decode()))
print("%.3f %d" % (el, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}
declare -A best_s best_kb
for _ in $(seq "$REPEATS"); do
	for which in ref new; do
		bin=$V
		[ "$which" = ref ] && bin=$REF
		for what in compare report; do
			if [ "$what" = compare ]; then
				read -r s kb < <(measure "$bin" compare big big)
			else
				read -r s kb < <(measure "$bin" report big)
			fi
			k="$which $what"
			if [ -z "${best_s[$k]:-}" ] || awk -v a="$s" -v b="${best_s[$k]}" 'BEGIN { exit !(a < b) }'; then
				best_s[$k]=$s
			fi
			if [ -z "${best_kb[$k]:-}" ] || [ "$kb" -lt "${best_kb[$k]}" ]; then
				best_kb[$k]=$kb
			fi
		done
	done
done
echo "journal: $TASKS tasks, $(du -m big/samples.jsonl | cut -f1) MB; best of $REPEATS"
printf '%-28s %9s %12s %9s %9s\n' "row" "seconds" "peak RSS MB" "time/ref" "RSS/ref"
for what in compare report; do
	for which in ref new; do
		k="$which $what"
		label="$what ($([ "$which" = ref ] && echo reference || echo this build))"
		printf '%-28s %9.2f %12.1f %9.2f %9.2f\n' "$label" "${best_s[$k]}" \
			"$(awk -v k="${best_kb[$k]}" 'BEGIN { print k / 1024 }')" \
			"$(awk -v a="${best_s[$k]}" -v b="${best_s[ref $what]}" 'BEGIN { print a / b }')" \
			"$(awk -v a="${best_kb[$k]}" -v b="${best_kb[ref $what]}" 'BEGIN { print a / b }')"
	done
done
