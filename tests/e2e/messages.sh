#!/usr/bin/env bash
# issue 18, item 11 (data part): a name from a data file with control
# characters (an ANSI escape, a newline) is printed escaped (\x1b, \x0a) in
# error and warning messages, never sent to the terminal raw.
. "$(dirname "$0")/lib.bash"
cd "$T"
mkdir -p data/vsr/data/splits/zeroshot img
printf '{"image": "x\\u001b[31mred\\nfake.jpg", "caption": "The cat is left of the dog.", "label": 1, "relation": "left of", "subj": "cat", "obj": "dog"}\n' \
	>data/vsr/data/splits/zeroshot/test.jsonl
expect_exit 3 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img -m builtin:yes -q -o r
expect_err 'x\x1b[31mred\x0afake.jpg'
expect_one_line_err
if LC_ALL=C grep -q "$(printf '\033')" "$T/err"; then fail "a raw ESC reached stderr"; fi
echo ok
