#!/usr/bin/env bash
# issue 18, items 4 and 12: gzip'd data files.  Bytes after the end of the
# gzip stream are an error naming the byte (zlib's gzread ignored them, so a
# file with garbage appended loaded without a word); a second gzip member is
# read as gzip -d reads it; 200 MiB of blank lines are passed over in bulk
# and still counted (an error after them names the right line).
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
echo ok
