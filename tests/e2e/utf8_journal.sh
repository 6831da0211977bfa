#!/usr/bin/env bash
# issue 18, item 10: bytes that are not UTF-8, from a data file or a model,
# reach samples.jsonl as U+FFFD (counted in meta.invalid_utf8), so the
# journal is valid JSON for other tools (python's json on the raw bytes,
# which decodes strictly, and jq).  The old writer copied them raw.
. "$(dirname "$0")/lib.bash"
cd "$T"
mkdir -p data/vsr/data/splits/zeroshot img
"$VSR_BUILD/tests/mkimage" img/a.jpg 48 32
# The caption holds FF and an overlong C0 AF: 3 bytes that are no UTF-8 (RFC 3629).
printf '{"image": "a.jpg", "caption": "The cat\xff is left of the dog\xc0\xaf.", "label": 1, "relation": "left of", "subj": "cat", "obj": "dog"}\n' \
	>data/vsr/data/splits/zeroshot/test.jsonl
# The child answers "Yes " then FF FE, raw, inside its JSON line.
cat >child.py <<'PY'
import json, sys
for line in sys.stdin:
    req = json.loads(line)
    sys.stdout.buffer.write(b'{"id": "' + req["id"].encode() + b'", "text": "Yes \xff\xfe"}\n')
    sys.stdout.flush()
PY
expect_exit 0 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img -t single \
	-m exec -M cmd="python3 $T/child.py" -q -o run
python3 - run/samples.jsonl <<'PY' || fail "samples.jsonl is not strict UTF-8 JSON: $(head -c 600 run/samples.jsonl | od -c | head)"
import json, sys
lines = open(sys.argv[1], "rb").read().splitlines()
assert len(lines) == 1, len(lines)
o = json.loads(lines[0])  # bytes: decoded as strict UTF-8
assert o["response"] == "Yes \ufffd\ufffd", o["response"]
assert o["prompt"].count("\ufffd") == 3 and "cat\ufffd is" in o["prompt"], o["prompt"]
assert o["meta"]["invalid_utf8"] == 5, o["meta"]
assert o["answer"] == "yes"
PY
jq -e '.meta.invalid_utf8 == 5' run/samples.jsonl >/dev/null || fail "jq"
expect_exit 0 "$VSRBENCH" report run -q
echo ok
