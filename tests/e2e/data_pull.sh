#!/usr/bin/env bash
# vsrbench data pull / verify against a real loopback HTTP server
# (tests/server/static_range.py) serving ../shared/data as a mirror, with
# scripted faults: a connection cut mid-file, a server that ignores ranges,
# a corrupted file, an HTTP error.  Expected digests come from sha256sum /
# md5sum over the original (or deliberately corrupted) bytes.
. "$(dirname "$0")/lib.bash"

D=${VSRBENCH_SHARED_DATA:-}
if [ ! -d "$D/vsr/data/splits" ] || [ ! -d "$D/mme/eval_tool" ]; then
	echo "skipped: the VSR/MME data is not at \$VSRBENCH_SHARED_DATA ($D)"
	exit 77
fi
command -v python3 >/dev/null || { echo "skipped: python3 is needed for the test server"; exit 77; }
V=$VSRBENCH
cd "$T"

# --- the server: generated files in ov/ over the read-only shared tree -------
mkdir ov
: >rules
: >log
python3 "$VSR_SRC/tests/server/static_range.py" --root ov --root "$D" --rules rules --log log \
	>srv.out 2>srv.err &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 200); do grep -q '^PORT' srv.out && break; sleep 0.05; done
PORT=$(awk '/^PORT/ { print $2 }' srv.out)
[ -n "$PORT" ] || fail "test server did not start: $(cat srv.err)"
M=http://127.0.0.1:$PORT/
nreq() { wc -l <log | tr -d ' '; }

# The upstream files, listed independently of the program's manifest.
VSR_FILES="data/splits/random/train.jsonl data/splits/random/dev.jsonl data/splits/random/test.jsonl
data/splits/zeroshot/train.jsonl data/splits/zeroshot/dev.jsonl data/splits/zeroshot/test.jsonl
data/data_files/all_vsr_validated_data.jsonl data/data_files/all_vsr_raw_data.jsonl
data/data_files/meta_data.csv analysis_scripts/rel_meta_category_dict.txt LICENSE"
FILES=$(for f in $VSR_FILES; do echo "vsr/$f"; done; cd "$D" && find mme/eval_tool -type f | sort)
[ "$(echo "$FILES" | wc -l)" = 40 ] || fail "test's own file list: $(echo "$FILES" | wc -l) files"

same_as_upstream() { # DIR: every file equals the original, nothing partial left
	for f in $FILES; do cmp -s "$D/$f" "$1/$f" || fail "$1/$f differs from $D/$f"; done
	[ -z "$(find "$1" -name '*.part' -o -name '.*.zip')" ] || fail "leftovers in $1: $(find "$1" -name '*.part')"
}

# --- usage errors --------------------------------------------------------------
expect_exit 2 "$V" data pull --data data
expect_err "name a suite or dataset"
expect_exit 2 "$V" data pull nope --data data
expect_err "unknown dataset or suite 'nope'"
expect_one_line_err
expect_exit 2 "$V" data pull synth --data data
expect_err "nothing to download"
expect_exit 2 "$V" data pull vsr --data data --mirror ftp://127.0.0.1/
expect_err "expected an http:// or https:// URL"
[ -e data ] && fail "a usage error created the data folder"

# --- pull vsr (by suite name) and mme through the mirror -----------------------
expect_exit 0 "$V" data pull vsr mme-position --data data --mirror "$M"
same_as_upstream data
[ "$(grep -c '^downloaded .*sha256 verified' "$T/out")" = 40 ] || fail "40 files verified: $(cat "$T/out")"
expect_out "vsr: 11 of 11 files verified"
expect_out "mme: 29 of 29 files verified"
[ "$(nreq)" = 40 ] || fail "40 requests expected, got $(nreq)"
grep -q $'\r' "$T/err" && fail "a progress bar was drawn on a non-terminal"
# The record: each file's sha256 is that of the original, source without surprises.
for f in $FILES; do
	want=$(sha256sum <"$D/$f" | cut -c1-64)
	jq -e --arg f "$f" --arg h "$want" '.files[$f].sha256 == $h and .files[$f].pin == "sha256:" + $h' \
		data/.vsrbench-manifest.json >/dev/null || fail "record of $f"
done

# --- a second pull is a no-op: no request at all -------------------------------
: >log
expect_exit 0 "$V" data pull vsr mme --data data --mirror "$M"
[ "$(nreq)" = 0 ] || fail "second pull made requests: $(cat log)"
[ "$(grep -c '^present ' "$T/out")" = 40 ] || fail "second pull: $(cat "$T/out")"
# ... and writes nothing into a complete folder it did not fill itself.
cp -r data copy
rm copy/.vsrbench-manifest.json
find copy -printf '%p %s %T@\n' | sort >before
expect_exit 0 "$V" data pull vsr mme --data copy --mirror "$M"
[ "$(nreq)" = 0 ] || fail "pull into a complete copy made requests: $(cat log)"
find copy -printf '%p %s %T@\n' | sort | cmp -s - before || fail "a no-op pull wrote into the folder"

# --- the pulled folder is usable -----------------------------------------------
expect_exit 0 "$V" data check vsr --data data
expect_out "leakage: 830 of the 1222 zero-shot test items"

# --- interrupted download: only a .part, then the next pull resumes it ---------
F=vsr/data/splits/zeroshot/test.jsonl
SIZE=$(stat -c %s "$D/$F")
rm data/$F
echo "cut /$F 100000" >rules
: >log
expect_exit 3 "$V" data pull vsr --data data --mirror "$M"
expect_one_line_err
expect_err "$F: download from http://127.0.0.1:$PORT/$F failed"
expect_err "run the command again to resume"
[ -e data/$F ] && fail "an interrupted download sits under the final name"
# One cut transfer, one immediate resume (cut again): 2 x 100000 bytes kept.
[ "$(stat -c %s data/$F.part)" = 200000 ] || fail ".part has $(stat -c %s data/$F.part) bytes"
grep -q "^GET /$F range=- status=200 sent=100000$" log || fail "first transfer: $(cat log)"
grep -q "^GET /$F range=bytes=100000- status=206 sent=100000$" log || fail "immediate resume: $(cat log)"
cmp -s -n 200000 data/$F.part "$D/$F" || fail ".part holds wrong bytes"
expect_exit 3 "$V" data verify vsr --data data
expect_out "partial download of 200000 bytes"
: >rules
: >log
expect_exit 0 "$V" data pull vsr --data data --mirror "$M"
expect_out "resumed    $F ($SIZE bytes, resumed at byte 200000, sha256 verified)"
[ "$(cat log)" = "GET /$F range=bytes=200000- status=206 sent=$((SIZE - 200000))" ] ||
	fail "resume request: $(cat log)"
same_as_upstream data

# --- a server that ignores ranges: the .part is dropped, clean restart ---------
rm data/$F
head -c 1000 "$D/$F" >data/$F.part
echo norange >rules
: >log
expect_exit 0 "$V" data pull vsr --data data --mirror "$M"
expect_err "cannot resume at byte 1000 (the server ignores ranges)"
[ "$(grep -c "^GET /$F " log)" = 2 ] || fail "restart: $(cat log)"
same_as_upstream data

# --- a stale .part (other bytes): the resumed file fails its check, is dropped,
# and the file is fetched whole once
rm data/$F
head -c 1000 /dev/zero >data/$F.part
: >rules
: >log
expect_exit 0 "$V" data pull vsr --data data --mirror "$M"
expect_err "$F: the resumed download failed its check"
expect_err "sha256 mismatch"
[ "$(cat log)" = "GET /$F range=bytes=1000- status=206 sent=$((SIZE - 1000))
GET /$F range=- status=200 sent=$SIZE" ] || fail "stale .part: $(cat log)"
expect_out "downloaded $F ($SIZE bytes, sha256 verified)"
same_as_upstream data

# --- a corrupted file: error with file and both digests, nothing kept ----------
rm data/$F
echo "corrupt /$F" >rules
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 1
sys.stdout.buffer.write(b)' "$D/$F" >corrupt.bin
want=$(sha256sum <"$D/$F" | cut -c1-64)
got=$(sha256sum <corrupt.bin | cut -c1-64)
[ "$want" != "$got" ] || fail "test corruption did nothing"
expect_exit 3 "$V" data pull vsr --data data --mirror "$M"
expect_one_line_err
expect_err "data/$F: sha256 mismatch: expected $want, actual $got"
[ -e data/$F ] && fail "a corrupted download sits under the final name"
[ -e data/$F.part ] && fail "a corrupted download was kept as .part"
: >rules
expect_exit 0 "$V" data pull vsr --data data --mirror "$M"

# --- verify catches a flipped byte in a pulled file ----------------------------
expect_exit 0 "$V" data verify --data data
[ "$(grep -c '^ok ' "$T/out")" = 40 ] || fail "verify ok lines: $(cat "$T/out")"
expect_out "absent     mmbench"
G=mme/eval_tool/Your_Results/position.txt
python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[100] ^= 0x20
open(p, "wb").write(b)' data/$G
got=$(sha256sum <data/$G | cut -c1-64)
want=$(sha256sum <"$D/$G" | cut -c1-64)
expect_exit 3 "$V" data verify --data data
expect_one_line_err
expect_err "data/$G: sha256 mismatch: expected $want, actual $got"
expect_out "MISMATCH   $G"
expect_exit 3 "$V" data verify mme-position --data data
# pull repairs it (re-downloads after saying why)
expect_exit 0 "$V" data pull mme --data data --mirror "$M"
expect_err "$G: present but its sha256 is $got, expected $want: downloading it again"
same_as_upstream data
expect_exit 0 "$V" data verify vsr mme --data data

# --- HTTP errors: one line, status and URL without credentials -----------------
rm data/vsr/LICENSE
echo "status /vsr/LICENSE 403" >rules
expect_exit 3 "$V" data pull vsr --data data --mirror "http://user:s3cret@127.0.0.1:$PORT/"
expect_one_line_err
expect_err "vsr/LICENSE: HTTP 403 for http://127.0.0.1:$PORT/vsr/LICENSE"
grep -q s3cret "$T/err" "$T/out" data/.vsrbench-manifest.json && fail "credentials leaked"
[ -e data/vsr/LICENSE.part ] && fail "an HTTP error left a .part"
: >rules

# --- an unpinned file (SEED-Bench.json): warned, recorded, verified against the record
mkdir -p ov/seed ov/mmbench
printf '{"questions": [], "question_type": {"Spatial Relation": 6}}\n' >ov/seed/SEED-Bench.json
expect_exit 0 "$V" data pull seed --data data --mirror "$M"
expect_err "seed/SEED-Bench.json: NOT verified: its upstream publishes no digest"
expect_out "1 UNVERIFIED"
cmp ov/seed/SEED-Bench.json data/seed/SEED-Bench.json || fail "SEED-Bench.json copy"
h=$(sha256sum <ov/seed/SEED-Bench.json | cut -c1-64)
jq -e --arg h "$h" '.files."seed/SEED-Bench.json" | .sha256 == $h and .pin == "unpinned"' \
	data/.vsrbench-manifest.json >/dev/null || fail "unpinned record"
for f in SEED-Bench-1 SEED-Bench-2; do
	cmp "$D/seed/evaluate_result/$f/GPT-4V.json" data/seed/evaluate_result/$f/GPT-4V.json || fail "$f"
done
expect_exit 0 "$V" data verify seed --data data
expect_out "unchanged  seed/SEED-Bench.json (unpinned upstream"
grep -q "^ok .*SEED-Bench.json" "$T/out" && fail "an unpinned file was reported as verified"
echo >>data/seed/SEED-Bench.json
h2=$(sha256sum <data/seed/SEED-Bench.json | cut -c1-64)
expect_exit 3 "$V" data verify seed --data data
expect_err "data/seed/SEED-Bench.json: sha256 changed since it was pulled: expected (recorded) $h, actual $h2"

# --- an unpinned file whose bytes are not the file: a page the server sent
# instead (a login wall, a proxy's error page with 200), or a body cut short:
# refused before it takes its name, nothing kept, exit 3; a bad copy already
# there (an older vsrbench recorded it) is fetched again and `verify` says BAD.
mv ov/seed/SEED-Bench.json seed-good.json
printf '<!DOCTYPE html><html><body>Sign in</body></html>\n' >ov/seed/SEED-Bench.json
expect_exit 3 "$V" data pull seed --data fresh --mirror "$M"
expect_err "seed/SEED-Bench.json: what ${M}seed/SEED-Bench.json sent is not the file expected (fresh/seed/SEED-Bench.json.part:1: not valid JSON); it was discarded"
[ -z "$(find fresh/seed -maxdepth 1 -name 'SEED-Bench.json*')" ] || fail "left: $(ls fresh/seed)"
head -c 40 seed-good.json >ov/seed/SEED-Bench.json
expect_exit 3 "$V" data pull seed --data fresh --mirror "$M"
expect_err "(fresh/seed/SEED-Bench.json.part:1: not valid JSON); it was discarded"
[ -z "$(find fresh/seed -maxdepth 1 -name 'SEED-Bench.json*')" ] || fail "left: $(ls fresh/seed)"
# A bad copy recorded as pulled: verify names it, pull replaces it.
cp ov/seed/SEED-Bench.json data/seed/SEED-Bench.json
jq --arg h "$(sha256sum <ov/seed/SEED-Bench.json | cut -c1-64)" '.files."seed/SEED-Bench.json".sha256 = $h' \
	data/.vsrbench-manifest.json >m.json && mv m.json data/.vsrbench-manifest.json
expect_exit 3 "$V" data verify seed --data data
expect_out "BAD        seed/SEED-Bench.json"
expect_err "data/seed/SEED-Bench.json:1: not valid JSON; vsrbench data pull seed fetches it again"
mv seed-good.json ov/seed/SEED-Bench.json
expect_exit 0 "$V" data pull seed --data data --mirror "$M"
expect_err "data/seed/SEED-Bench.json: present but not the file expected (data/seed/SEED-Bench.json:1: not valid JSON): downloading it again"
cmp ov/seed/SEED-Bench.json data/seed/SEED-Bench.json || fail "SEED-Bench.json not replaced"

# --- an MD5-pinned file (MMBench, the upstream's own MD5): mismatch is an error -
printf 'index\tquestion\tA\tB\tanswer\tcategory\n1\tq\ta\tb\tA\tspatial_relationship\n' \
	>ov/mmbench/MMBench_DEV_EN.tsv
cp ov/mmbench/MMBench_DEV_EN.tsv ov/mmbench/MMBench_DEV_EN_V11.tsv
m=$(md5sum <ov/mmbench/MMBench_DEV_EN.tsv | cut -c1-32)
expect_exit 3 "$V" data pull mmbench --data data --mirror "$M"
expect_err "data/mmbench/MMBench_DEV_EN.tsv: md5 mismatch: expected b6caf1133a01c6bb705cf753bb527ed8, actual $m"
expect_err "data/mmbench/MMBench_DEV_EN_V11.tsv: md5 mismatch: expected 30c05be8f2f347a50be25aa067248184, actual $m"
[ -z "$(ls -A data/mmbench)" ] || fail "a wrong MMBench file was kept: $(ls -A data/mmbench)"

# --- upstream layout: MME comes as tools/eval_tool.zip (served via --rewrite) ---
Z=ov/BradyFU/Awesome-Multimodal-Large-Language-Models/dd2950902889cd614d4edf606827240166d29381/tools
mkdir -p "$Z"
(cd "$D/mme" && python3 -c 'import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1], "w")
for d, _, fs in sorted(os.walk("eval_tool")):
    for f in sorted(fs):
        p = os.path.join(d, f)
        z.write(p, p, compress_type=zipfile.ZIP_STORED if f == "readme.txt" else zipfile.ZIP_DEFLATED)
z.writestr("eval_tool/calculation.py", "print(1)\n")
z.close()' "$T/$Z/eval_tool.zip")
: >log
expect_exit 0 "$V" data pull mme --data up --rewrite "https://raw.githubusercontent.com/=$M"
[ "$(grep -c '^extracted .*sha256 verified' "$T/out")" = 29 ] || fail "zip members: $(cat "$T/out")"
[ "$(nreq)" = 1 ] || fail "the archive should be fetched once: $(cat log)"
grep -q "^GET /${Z#ov/}/eval_tool.zip " log || fail "archive URL: $(cat log)"
for f in $(cd "$D" && find mme/eval_tool -type f); do cmp "$D/$f" "up/$f" || fail "unzipped $f"; done
[ -z "$(find up -name '*.part' -o -name '.*.zip')" ] || fail "archive left behind"
[ -e up/mme/eval_tool/calculation.py ] && fail "an unlisted member was extracted"
# A truncated archive: one clear error, nothing extracted, nothing left behind.
head -c 50000 "$Z/eval_tool.zip" >trunc.zip
mv trunc.zip "$Z/eval_tool.zip"
expect_exit 3 "$V" data pull mme --data up2 --rewrite "https://raw.githubusercontent.com/=$M"
expect_err "up2/mme/.eval_tool.zip: not a zip archive"
expect_err "mme: 29 files not extracted: their archive could not be used"
[ "$(wc -l <"$T/err")" = 2 ] || fail "truncated archive: $(cat "$T/err")"
[ -z "$(ls -A up2/mme)" ] || fail "truncated archive left $(ls -A up2/mme)"

# --- a long download without a terminal: a plain line every 5 s ---------------
# all_vsr_raw_data.jsonl is held after 1000 bytes for more than 5 s: a CI log gets
# one line with the bytes so far of the file's size (in MB, from its size here).
: >log
F=vsr/data/data_files/all_vsr_raw_data.jsonl
MB=$(stat -c %s "$D/$F" | awk '{ printf "%.1f MB", $1 / 1e6 }')
echo "hold /$F 1000" >rules
"$V" data pull vsr --data held --mirror "$M" >held.out 2>held.err &
P=$!
for _ in $(seq 600); do grep -q "^HOLD /$F" log && break; sleep 0.05; done
grep -q "^HOLD /$F" log || { : >rules; fail "the file was never held: $(cat log)"; }
sleep 5.5 # past the 5 s between two lines (not a timing assertion)
: >rules
wait $P || fail "held pull: $(cat held.err)"
grep -Eq "^$F: [0-9.]+ [kMG]B of $MB \([0-9]+%\), [0-9.]+ [kMG]B/s\$" held.err ||
	fail "no progress line for the held file: $(cat held.err)"
grep -q $'\r' held.err && fail "a terminal's progress line on a non-terminal"
cmp -s "$D/$F" "held/$F" || fail "the held file differs from the original"

# --- a progress bar only on a terminal -----------------------------------------
if command -v script >/dev/null; then
	rm -rf tty
	TERM=xterm script -qec "$V data pull vsr --data tty --mirror $M >/dev/null" /dev/null >tty.out 2>&1 ||
		fail "pull under a pty: $(cat tty.out)"
	grep -q 'data/splits/random/train.jsonl .*%' tty.out || fail "no progress bar on a terminal"
	# TERM=dumb (an editor's shell, a runner's pseudo-terminal): no cursor controls.
	rm -rf tty
	TERM=dumb script -qec "$V data pull vsr --data tty --mirror $M >/dev/null" /dev/null >tty.out 2>&1 ||
		fail "pull under a dumb pty: $(cat tty.out)"
	! grep -q $'\033' tty.out || fail "escape sequences with TERM=dumb: $(cat -v tty.out | head -3)"
fi
echo ok
