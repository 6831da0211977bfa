#!/usr/bin/env bash
# A model's files are part of its fingerprint, by content: the script an
# exec command names (edited: another model) and a lib: plug-in's .so
# (rebuilt: another model).  Before, editing my_model.py left the
# fingerprint `exec/1 cmd="python3 my_model.py" ...` as it was, so the
# response cache served the old script's answers to the new one and a
# resume mixed both in one journal.  Now the keys change, and the same -o
# is refused with a message naming the file that changed.
. "$(dirname "$0")/lib.bash"
cd "$T"
V=$VSRBENCH

cat >my_model.py <<'PY'
import json, sys
ANSWER = "No"
for line in sys.stdin:
    req = json.loads(line)
    print(json.dumps({"id": req["id"], "text": ANSWER}), flush=True)
PY
# "python3" names no file here (it is found along PATH): only the script is digested.
M=(-m exec -M "cmd=python3 my_model.py" -S count=10 -q --cache "$T/cache")
old=sha256:$(sha256sum my_model.py | cut -d' ' -f1)
expect_exit 0 "$V" run "${M[@]}" -o a
jq -e --arg d "$old" '.model.files == {"my_model.py": $d} and
	.model.fingerprint == "exec/1 cmd=\"python3 my_model.py\" shell=0 image=base64 files={\"my_model.py\":\"" + $d + "\"}"' \
	a/run.json >/dev/null || fail "run.json model: $(jq -c .model a/run.json)"
[ "$(jq -s 'map(select(.answer == "no")) | length' a/samples.jsonl)" = 10 ] || fail "the first script says no"

# The script edited: nothing from the cache, the new answers.
sed -i 's/^ANSWER = "No"$/ANSWER = "Yes"/' my_model.py
new=sha256:$(sha256sum my_model.py | cut -d' ' -f1)
expect_exit 0 "$V" run "${M[@]}" -o b
expect_out "cache: 0 of 10 answers from the response cache, 10 asked"
[ "$(jq -s 'map(select(.answer == "yes")) | length' b/samples.jsonl)" = 10 ] ||
	fail "the edited script's answers: $(jq -r .response b/samples.jsonl | sort | uniq -c)"
# ... and the first run's directory refuses it, naming the file.
expect_exit 2 "$V" run "${M[@]}" -o a
expect_err "vsrbench: error: a holds a run of another model: the model's file my_model.py changed since the run began (was ${old:0:19}..., now ${new:0:19}...), and its answers may differ from those in the journal; finish the run with the file as it was, or use another -o for the changed model"
expect_one_line_err

# A lib: plug-in: its .so rebuilt (other bytes, the same name and version).
cp "$ADAPTERS/scripted.so" my.so
L=(-m lib:./my.so -S count=10 -q --cache "$T/cache")
so_old=sha256:$(sha256sum my.so | cut -d' ' -f1)
expect_exit 0 "$V" run "${L[@]}" -o la
jq -e --arg d "$so_old" '.model.files == {"./my.so": $d} and (.model.fingerprint | endswith(" so=" + $d))' \
	la/run.json >/dev/null || fail "run.json model: $(jq -c .model la/run.json)"
printf 'rebuilt' >>my.so
so_new=sha256:$(sha256sum my.so | cut -d' ' -f1)
expect_exit 0 "$V" run "${L[@]}" -o lb
expect_out "cache: 0 of 10 answers from the response cache, 10 asked"
expect_exit 2 "$V" run "${L[@]}" -o la
expect_err "la holds a run of another model: the model's file ./my.so changed since the run began (was ${so_old:0:19}..., now ${so_new:0:19}...)"
echo ok
