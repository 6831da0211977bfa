#!/usr/bin/env bash
# issue 18, item 1: no reply can break a run directory.  The journal writer
# never writes a line its reader refuses (JOURNAL_LINE_MAX, 16 MiB): a 20 MB
# reply from an exec child is cut and the cut noted in meta, a 2 MiB meta is
# dropped and noted; an MMBench item whose prompt would not fit is a data
# error; a line over the limit put there by hand is skipped and counted by
# report, resume and merge instead of refusing the directory.  Expected
# values are computed here (python), not taken from a run of vsrbench.
. "$(dirname "$0")/lib.bash"
cd "$T"
V=$VSRBENCH
LIMIT=$((16 << 20))

# A child answering "Yes." and then 20,000,000 more bytes, with a 2 MiB meta.
cat >big_child.py <<'PY'
import json, sys
for line in sys.stdin:
    req = json.loads(line)
    text = "Yes. " + "z" * 20000000
    sys.stdout.write(json.dumps({"id": req["id"], "text": text,
                                 "meta": {"pad": "m" * (2 << 20)}}) + "\n")
    sys.stdout.flush()
PY
expect_exit 0 "$V" run -m exec -M cmd="python3 $T/big_child.py" -S count=2 -t single -q -o big
python3 - "$T/big/samples.jsonl" "$LIMIT" <<'PY' || fail "journal of the 20 MB replies"
import json, sys
path, limit = sys.argv[1], int(sys.argv[2])
n = 0
for raw in open(path, "rb"):
    assert raw.endswith(b"\n") and len(raw) - 1 <= limit, len(raw)
    o = json.loads(raw)
    m = o["meta"]
    assert "error" not in o, o.get("error")
    assert m["response_truncated"] is True and m["response_bytes"] == 20000005, m
    assert m["meta_dropped_bytes"] > 2 << 20 and "pad" not in m, m
    assert o["response"].startswith("Yes. zzz") and len(o["response"]) < 20000005
    assert o["answer"] == "yes"
    n += 1
assert n == 2, n
PY
jq -e -s 'length == 2' big/samples.jsonl >/dev/null || fail "jq cannot read the journal"
expect_exit 0 "$V" report big -q
# Resume reads the journal again: nothing left to do.
expect_exit 0 "$V" run -m exec -M cmd="python3 $T/big_child.py" -S count=2 -t single -q -o big
[ "$(wc -l <big/samples.jsonl)" = 2 ] || fail "resume redid tasks"

# A line over the limit written by something else: skipped and counted.
expect_exit 0 "$V" run -m builtin:yes -S count=4 -t single -q -o hand
python3 -c "
import sys
sys.stdout.write('{\"key\":\"' + 'a' * ($LIMIT + 10) + '\"}\n')" >>hand/samples.jsonl
expect_exit 0 "$V" report hand -q
expect_err "samples.jsonl:5: 1 line(s) longer than $LIMIT bytes skipped"
grep -q "1 journal line(s) skipped" hand/report.md || fail "report.md does not count the skipped line"
jq -e '.skipped_lines == 1' hand/report.json >/dev/null || fail "report.json: skipped_lines"
expect_exit 0 "$V" run -m builtin:yes -S count=4 -t single -q -o hand
expect_err "1 line(s) longer than $LIMIT bytes skipped"

# MMBench: six prompt fields of 1 MiB of control characters (6 bytes each in
# JSON: 36 MiB escaped) and six more 1 MiB columns: a data error, before any
# request, naming the file and line (the header is line 1) and the item.
python3 - <<'PY'
import base64, struct, zlib
def png():
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    raw = b"".join(b"\0" + b"\x80\x80\x80" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
big = "\x01" * ((1 << 20) - 16)
cols = ["index", "question", "hint", "A", "B", "C", "D", "answer", "category", "image",
        "source", "l2-category", "comment", "split"] + ["x%d" % i for i in range(4)]
row = ["1", big, big, big, big, big, big, "A", "spatial_relationship",
       base64.b64encode(png()).decode(), big, "spatial_relationship", big, "dev"] + [big] * 4
assert len(row) == 18 and sum(len(f) > 1000000 for f in row) == 12
with open("mmb.tsv", "w") as f:
    f.write("\t".join(cols) + "\n" + "\t".join(row) + "\n")
PY
expect_exit 3 "$V" run -s mmbench -S file="$T/mmb.tsv" -m builtin:yes -q -o mmb
expect_err "$T/mmb.tsv:2: mmbench item 1: template"
expect_err "over the limit of $((4 << 20))"
expect_one_line_err
[ ! -s mmb/samples.jsonl ] || fail "an MMBench line was journaled"
echo ok
