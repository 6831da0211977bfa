#!/usr/bin/env bash
# Before/after check for refactors: runs the same jobs with two vsrbench
# builds and compares every report, journal and exit code byte for byte.
#
#   bench/same_output.sh [--abi-bump] OLD_BUILD_DIR NEW_BUILD_DIR [SHARED_DATA]
#
# --abi-bump: the two builds' adapter ABIs differ (e.g. 1.0 before issue 12,
# 2.x after).  The model fingerprint names the ABI ("geometry/1 abi 2.0 {}"),
# so run.json's fingerprint and config_hash, report.json's fingerprint and
# every task key differ by design.  With this flag the "abi M.N" of a
# fingerprint and config_hash are masked, and the journal is compared
# without its keys, after checking that each side's keys are unique and
# that both have as many lines; nothing else is masked.
#
# Jobs: the default job; vsr-unified with -t pool -p instr,hflip,blind
# (builtin:yes on generated placeholder images for the 715 COCO names);
# `score` of MME's LaVIN lists.  run.json's creation time, command line and
# paths, and the terminal summary's timings, are the only fields that may
# differ (they are masked), with the latencies in the journal and junit.xml
# and the journal's line order; anything else that differs fails.
set -euo pipefail
ABI_BUMP=0
if [ "${1:-}" = --abi-bump ]; then
	ABI_BUMP=1
	shift
fi
OLD=$(cd "$1" && pwd)
NEW=$(cd "$2" && pwd)
D=${3:-$(dirname "$0")/../../shared/data}
D=$(cd "$D" 2>/dev/null && pwd || echo "")
T=$(mktemp -d /tmp/vsr-same.XXXXXX)
trap 'rm -rf "$T"' EXIT

# Prints one job's outputs in a comparable form: exit code, stdout, stderr,
# then every file of the run directory.
job() {
	local bin=$1 side=$2 name=$3
	shift 3
	local dir="$T/$side/$name"
	mkdir -p "$dir"
	(cd "$T/$side" && set +e; "$bin/vsrbench" "$@" -o "$name/run" >"$name/stdout" 2>"$name/stderr";
	 echo $? >"$name/rc")
	# Mask what depends on the clock or the path.
	sed -i -E 's/[0-9]+(\.[0-9]+)? ?(s|ms|us|tasks\/s|\/s)\b/T/g' "$dir/stdout" "$dir/stderr"
	if [ -f "$dir/run/run.json" ]; then
		jq -S 'del(.created, .command_line, .harness_version, .finished, .elapsed_s)' "$dir/run/run.json" >"$dir/run/run.json.masked"
		rm "$dir/run/run.json"
	fi
	# Latencies: the journal's "ms" (lines kept in finishing order, which
	# threads may change: sorted) and junit.xml's time attributes.
	if [ -f "$dir/run/samples.jsonl" ]; then
		sed -E 's/,"ms":[0-9.e+-]+//' "$dir/run/samples.jsonl" | sort >"$dir/run/samples.sorted"
		if [ $ABI_BUMP = 1 ]; then
			# Keys unique on this side; then compared without them.
			local lines keys
			lines=$(wc -l <"$dir/run/samples.jsonl")
			keys=$(jq -r .key "$dir/run/samples.jsonl" | sort -u | wc -l)
			[ "$lines" = "$keys" ] || { echo "$side/$name: $keys distinct keys for $lines lines" >&2; exit 1; }
			echo "$lines lines, $keys distinct keys" >"$dir/run/samples.keycount"
			sed -i -E 's/^\{"key":"[0-9a-f]{16}",/{/' "$dir/run/samples.sorted"
			sort -o "$dir/run/samples.sorted" "$dir/run/samples.sorted"
		fi
		rm "$dir/run/samples.jsonl"
	fi
	if [ $ABI_BUMP = 1 ]; then
		[ -f "$dir/run/run.json.masked" ] &&
			sed -i -E 's/ abi [0-9]+\.[0-9]+ / abi M.N /; s/"config_hash": "[0-9a-f]+"/"config_hash": "H"/' \
				"$dir/run/run.json.masked"
		[ -f "$dir/run/report.json" ] && sed -i -E 's/ abi [0-9]+\.[0-9]+ / abi M.N /g' "$dir/run/report.json"
	fi
	[ -f "$dir/run/junit.xml" ] && sed -i -E 's/time="[0-9.]+"/time="T"/g' "$dir/run/junit.xml"
	rm -f "$dir/run/status.json.tmp" "$dir/run/.lock"
}

run_side() {
	local bin=$1 side=$2
	mkdir -p "$T/$side"
	job "$bin" "$side" default run
	if [ -n "$D" ] && [ -d "$D/vsr/data/splits" ]; then
		job "$bin" "$side" vsr run -s vsr-unified --data "$D" --images "$T/img" -m builtin:yes \
			-t pool -p instr,hflip,blind -q
	fi
	if [ -n "$D" ] && [ -d "$D/mme/eval_tool/LaVIN" ]; then
		job "$bin" "$side" lavin score "$D/mme/eval_tool/LaVIN"
	fi
}

if [ -n "$D" ] && [ -d "$D/vsr/data/splits" ]; then
	mkdir -p "$T/img"
	jq -r .image "$D/vsr/data/splits/zeroshot/test.jsonl" | sort -u >"$T/names.txt"
	"$NEW/tests/mkimage" --names "$T/names.txt" "$T/img" 32 24
else
	echo "note: no shared data at '$D': only the default job is compared"
fi
run_side "$OLD" old
run_side "$NEW" new

status=0
printf '%-10s %-28s %s\n' job file result
for j in $(ls "$T/old"); do
	for f in $(cd "$T/old/$j" && find . -type f | sort); do
		if cmp -s "$T/old/$j/$f" "$T/new/$j/$f"; then r=identical; else r=DIFFERENT; status=1; fi
		printf '%-10s %-28s %s (%s bytes)\n' "$j" "${f#./}" "$r" "$(wc -c <"$T/old/$j/$f")"
	done
	extra=$(cd "$T/new/$j" && find . -type f | sort | while read -r f; do [ -e "$T/old/$j/$f" ] || echo "$f"; done)
	[ -z "$extra" ] || { echo "$j: files only in the new run: $extra"; status=1; }
done
[ $status = 0 ] && echo "all outputs identical" || echo "outputs differ"
exit $status
