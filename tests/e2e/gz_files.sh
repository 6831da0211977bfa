#!/usr/bin/env bash
# issue 18, items 4 and 12: gzip'd data files.  Bytes after the end of the
# gzip stream are an error naming the byte (zlib's gzread ignored them, so a
# file with garbage appended loaded without a word); a second gzip member is
# read as gzip -d reads it; 200 MiB of blank lines are passed over in bulk
# and still counted (an error after them names the right line).  A run's
# journal gzip'd in place is read by report, compare, score and merge; a run does
# not append to it, and one gzip'd to samples.jsonl.gz is named.
. "$(dirname "$0")/lib.bash"
cd "$T"
mkdir -p data/vsr/data/splits/zeroshot img
"$VSR_BUILD/tests/mkimage" img/a.jpg 48 32
S=data/vsr/data/splits/zeroshot/test.jsonl.gz
RUN=(run -s vsr-zeroshot-test --data data --images img -m builtin:yes -t single -q)
python3 - <<'PY'
import gzip, zlib
line = lambda i: ('{"image": "a.jpg", "caption": "The cat is left of the dog %d.", "label": 1, '
                  '"relation": "left of", "subj": "cat", "obj": "dog"}\n' % i).encode()
one = gzip.compress(b"".join(line(i) for i in range(3)))
two = gzip.compress(b"".join(line(i) for i in range(3, 6)))
open("garbage.gz", "wb").write(one + b"this is not gzip\n")
open("garbage.at", "w").write(str(len(one)))
open("members.gz", "wb").write(one + two)
# 200 MiB of newlines, one item, then a line that is not JSON.
z = zlib.compressobj(9, zlib.DEFLATED, 31)
with open("blank.gz", "wb") as f:
    chunk = b"\n" * (1 << 20)
    for _ in range(200):
        f.write(z.compress(chunk))
    f.write(z.compress(line(0) + b"{oops\n"))
    f.write(z.flush())
PY
cp garbage.gz $S
expect_exit 3 "$VSRBENCH" "${RUN[@]}" -o garbage
expect_err "test.jsonl.gz: data after the end of the gzip stream (at byte $(cat garbage.at))"
expect_one_line_err

cp members.gz $S
expect_exit 0 "$VSRBENCH" "${RUN[@]}" -o members
[ "$(wc -l <members/samples.jsonl)" = 6 ] || fail "two gzip members: 6 items, 6 tasks"

cp blank.gz $S
expect_exit 3 "$VSRBENCH" "${RUN[@]}" -o blank
expect_err "test.jsonl.gz:$((200 * 1048576 + 2)):"
expect_one_line_err

# ---- a run's journal gzip'd in place, to keep it small -----------------------
# report, compare and score read it as they read the plain one (it used to be
# "samples.jsonl:1: a NUL byte in the line"); a run appends to its journal, so
# resuming one is refused, saying how to gunzip it.  builtin:no answers no to
# all: its accuracy is the share of "no" labels, counted with jq.
expect_exit 0 "$VSRBENCH" run -q -S count=40 -m builtin:no -o plain
nos=$(jq -s 'map(select(.label == "no")) | length' plain/samples.jsonl)
mkdir packed
cp plain/run.json packed/
python3 -c 'import gzip, sys; open(sys.argv[2], "wb").write(gzip.compress(open(sys.argv[1], "rb").read()))' \
	plain/samples.jsonl packed/samples.jsonl
[ "$(head -c 2 packed/samples.jsonl | od -An -tx1 | tr -d ' ')" = 1f8b ] || fail "packed: not gzip"
expect_exit 0 "$VSRBENCH" report packed
jq -e --argjson k "$nos" '.overall.tasks == 40 and .overall.accuracy.k == $k' packed/report.json >/dev/null ||
	fail "packed/report.json: $(jq -c '.overall | {tasks, accuracy}' packed/report.json), want $nos of 40"
expect_exit 0 "$VSRBENCH" compare -q plain packed --max-drop 0 --json same.json
jq -e '.overall | .pairs == 40 and .right_to_wrong == 0 and .wrong_to_right == 0' same.json >/dev/null ||
	fail "plain vs packed: $(jq -c .overall same.json)"
expect_exit 0 "$VSRBENCH" score -q -o scored packed/samples.jsonl
jq -e --argjson k "$nos" '.overall.tasks == 40 and .overall.accuracy.k == $k' scored/report.json >/dev/null ||
	fail "scored/report.json: $(jq -c '.overall | {tasks, accuracy}' scored/report.json)"
sum=$(md5sum <packed/samples.jsonl)
expect_exit 3 "$VSRBENCH" run -q -S count=40 -m builtin:no -o packed
expect_err "packed/samples.jsonl is gzip-compressed, and vsrbench appends to it: gunzip it first (mv packed/samples.jsonl packed/samples.jsonl.gz && gunzip packed/samples.jsonl.gz)"
expect_one_line_err
[ "$(md5sum <packed/samples.jsonl)" = "$sum" ] || fail "the refused run changed packed/samples.jsonl"
# `gzip samples.jsonl` leaves samples.jsonl.gz alone: report says so, and a run
# does not start the run over beside it (every task asked again).
mkdir zipped
cp plain/run.json zipped/
gzip -c plain/samples.jsonl >zipped/samples.jsonl.gz
want="zipped/samples.jsonl is missing, and zipped/samples.jsonl.gz is there (gzip'd): gunzip it first (gunzip zipped/samples.jsonl.gz)"
expect_exit 3 "$VSRBENCH" report zipped
expect_err "$want"
expect_one_line_err
# score given the directory says the same (it read "no samples.jsonl and no MME
# answered lists").
expect_exit 3 "$VSRBENCH" score -q -o zscored zipped
expect_err "$want"
expect_one_line_err
expect_exit 3 "$VSRBENCH" run -q -S count=40 -m builtin:no -o zipped
expect_err "$want"
[ ! -e zipped/samples.jsonl ] || fail "the refused run started a journal beside samples.jsonl.gz"
gunzip zipped/samples.jsonl.gz
expect_exit 0 "$VSRBENCH" run -q -S count=40 -m builtin:no -o zipped
[ "$(wc -l <zipped/samples.jsonl)" = 40 ] || fail "the resumed run asked again: $(wc -l <zipped/samples.jsonl) lines"
# merge reads a shard's journal gzip'd in place too: the merged journal is the
# shards' lines, as plain text.
expect_exit 0 "$VSRBENCH" run -q -S count=30 --shard 0/2 -o sh0
expect_exit 0 "$VSRBENCH" run -q -S count=30 --shard 1/2 -o sh1
gzip -c sh1/samples.jsonl >sh1.gz && mv sh1.gz sh1/samples.jsonl
expect_exit 0 "$VSRBENCH" merge merged sh0 sh1
[ "$(cat sh0/samples.jsonl <(gzip -dc sh1/samples.jsonl) | sort | md5sum)" = "$(sort merged/samples.jsonl | md5sum)" ] ||
	fail "the merged journal is not the shards' lines"
# Cut short, it says so with the file's name.
mkdir cut
cp plain/run.json cut/
head -c $(($(stat -c %s packed/samples.jsonl) / 2)) packed/samples.jsonl >cut/samples.jsonl
expect_exit 3 "$VSRBENCH" report cut
expect_err "cannot read cut/samples.jsonl: truncated gzip data"
expect_one_line_err
echo ok
