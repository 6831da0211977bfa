#!/usr/bin/env bash
# Issue 18, finding 9: an exec child that starts a grandchild (which keeps
# the child's stdout open) and then dies is noticed by its pid at once, not
# after -M timeout (600 s by default) waiting for an EOF that never comes;
# and the grandchild does not outlive the run: the child runs in its own
# process group, ended with the run.  The assertions are on the exit code,
# the message and the grandchild's state; `timeout` is a safety net only
# (today's main waits the whole -M timeout and `timeout 60` ends it: 124).
. "$(dirname "$0")/lib.bash"
cd "$T"
V=$VSRBENCH

# dead: it reads one request, leaves a sleeping grandchild holding stdout,
# and exits 3 without answering.
cat >dead.sh <<'SH'
#!/bin/sh
read -r line
sleep 1000 &
echo $! >"$1/grandchild.pid"
exit 3
SH
chmod +x dead.sh
expect_exit 4 timeout 60 "$V" run -m exec -M cmd="$T/dead.sh $T" -S count=2 -t yn01 -q -o dead
expect_err "exited with status 3"
[ -s grandchild.pid ] || fail "the child did not start its grandchild"
# Gone, or a zombie waiting for a parent that is not us: not running.
gc=$(cat grandchild.pid)
state=$(awk '{ print $3 }' "/proc/$gc/stat" 2>/dev/null || true)
case $state in "" | Z | X) ;; *) fail "the grandchild $gc outlived the run (state $state)" ;; esac

# alive: a model that answers and leaves a grandchild behind: the run
# succeeds, and its grandchild is ended with the run too.
cat >answer.sh <<'SH'
#!/bin/sh
sleep 1000 &
echo $! >"$1/grandchild2.pid"
while read -r line; do
	id=$(printf '%s\n' "$line" | sed 's/.*"id":"\([^"]*\)".*/\1/')
	printf '{"id":"%s","text":"yes"}\n' "$id"
done
SH
chmod +x answer.sh
expect_exit 0 timeout 60 "$V" run -m exec -M cmd="$T/answer.sh $T" -S count=2 -t yn01 -q -o alive
[ "$(wc -l <alive/samples.jsonl)" = 2 ] || fail "expected 2 answers: $(cat alive/samples.jsonl)"
gc=$(cat grandchild2.pid)
state=$(awk '{ print $3 }' "/proc/$gc/stat" 2>/dev/null || true)
case $state in "" | Z | X) ;; *) fail "the grandchild $gc of a good model outlived the run (state $state)" ;; esac
echo ok
