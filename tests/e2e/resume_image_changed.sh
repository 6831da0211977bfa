#!/usr/bin/env bash
# An image file that changed between a run and its resume: the task key holds
# the image's digest, so the resume saw a new task and asked it again, and the
# item was scored twice (once per image) in a run reported complete.  Now the
# resume refuses, exit 3, naming data file:line, item and image, and asks the
# model nothing; with the answered file put back it resumes with nothing to do.
. "$(dirname "$0")/lib.bash"
cd "$T"
V=$VSRBENCH
mkdir -p d/vsr/data/splits/zeroshot img
# Three VSR lines of the upstream shape (their images generated below).
for i in 1 2 3; do
	printf '{"image": "00000000000%d.jpg", "image_link": "http://images.cocodataset.org/train2017/00000000000%d.jpg", "caption": "The cat is left of the dog.", "label": %d, "relation": "left of", "subj": "cat", "obj": "dog"}\n' \
		"$i" "$i" $((i % 2))
	"$VSR_BUILD/tests/mkimage" "img/00000000000$i.jpg" 64 48 "$i"
done >d/vsr/data/splits/zeroshot/test.jsonl
RUN=(run -s vsr-unified --data d --images img -m builtin:yes -q -o r)
expect_exit 0 "$V" "${RUN[@]}"
[ "$(wc -l <r/samples.jsonl)" = 3 ] || fail "first run: $(wc -l <r/samples.jsonl) lines"
cp img/000000000002.jpg answered.jpg
"$VSR_BUILD/tests/mkimage" img/000000000002.jpg 64 48 99   # another picture, same name
cmp -s answered.jpg img/000000000002.jpg && fail "the new image is the same bytes: test is not testing"
expect_exit 3 "$V" "${RUN[@]}"
expect_err "d/vsr/data/splits/zeroshot/test.jsonl:2: vsr-zeroshot-test item L00002: its image img/000000000002.jpg changed since this run answered it"
expect_one_line_err
[ "$(wc -l <r/samples.jsonl)" = 3 ] || fail "the refused resume wrote lines: $(wc -l <r/samples.jsonl)"
[ "$(jq -r .key r/samples.jsonl | sort -u | wc -l)" = 3 ] || fail "keys"
# The answered file back: nothing left to run, the run is complete again.
cp answered.jpg img/000000000002.jpg
expect_exit 0 "$V" run -s vsr-unified --data d --images img -m builtin:yes -o r
expect_out "0 new tasks, 3 already done"
jq -e '.complete == true and (has("stopped_by") | not)' r/report.json >/dev/null ||
	fail "report.json after the file was put back: $(jq -c '{complete, stopped_by}' r/report.json)"
echo ok
