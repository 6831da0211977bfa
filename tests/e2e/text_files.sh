#!/usr/bin/env bash
# Text data files: a NUL byte is an error naming FILE:LINE (it used to end
# the line early and swallow the next one: 9 lines became 8 tasks, exit 0);
# a UTF-8 byte-order mark at the start is dropped.
. "$(dirname "$0")/lib.bash"
cd "$T"
mkdir -p data/vsr/data/splits/zeroshot img
"$VSR_BUILD/tests/mkimage" img/a.jpg 48 32
S=data/vsr/data/splits/zeroshot/test.jsonl
line() { printf '{"image": "a.jpg", "caption": "The cat is left of the dog %s.", "label": 1, "relation": "left of", "subj": "cat", "obj": "dog"}\n' "$1"; }

for i in 1 2 3 4 5 6 7 8 9; do line "$i"; done >$S
expect_exit 0 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img -m builtin:yes -q -o ok
[ "$(wc -l <ok/samples.jsonl)" = 9 ] || fail "9 lines, 9 tasks"

# A NUL inside line 5.
{ for i in 1 2 3 4; do line "$i"; done; printf '{"image": "a.jpg",\0 "x": 1}\n'; for i in 6 7 8 9; do line "$i"; done; } >$S
expect_exit 3 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img -m builtin:yes -q -o nul
expect_err "test.jsonl:5: a NUL byte at column 19"
[ ! -s nul/samples.jsonl ] || fail "a task ran from a file with a NUL"

# A byte-order mark before the first line.
{ printf '\xef\xbb\xbf'; for i in 1 2 3; do line "$i"; done; } >$S
expect_exit 0 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img -m builtin:yes -q -o bom
[ "$(wc -l <bom/samples.jsonl)" = 3 ] || fail "BOM: 3 lines, 3 tasks"
echo ok
