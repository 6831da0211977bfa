#!/usr/bin/env bash
# Progress without a terminal (a CI log): plain lines every --progress-interval
# seconds and a last line with the elapsed time and rate; nothing for a run
# shorter than the interval; none with --progress off; a bad mode is exit 2.
. "$(dirname "$0")/lib.bash"
cd "$T"
# A model that takes 2 ms a task: 600 tasks take over a second.
cat >slow.py <<'PY'
import json, sys, time
for line in sys.stdin:
    r = json.loads(line)
    time.sleep(0.002)
    print(json.dumps({"id": r["id"], "text": "yes"}), flush=True)
PY
expect_exit 0 "$VSRBENCH" run -m exec -M cmd="python3 slow.py" -j 1 -S count=600 \
	--progress-interval 0.2 -q -o slow
n=$(grep -c '^vsrbench: progress: [0-9]*/600 tasks ([0-9]*%), [0-9.]* tasks/s' "$T/err" || true)
[ "$n" -ge 2 ] || fail "expected progress lines every 0.2 s, got: $(cat "$T/err")"
tail -1 "$T/err" | grep -Eq '^vsrbench: progress: 600/600 tasks done in [0-9]+s \([0-9.]+ tasks/s\)$' ||
	fail "last line: $(tail -1 "$T/err")"
# The first line never says "0/600 ... 0.0/s ETA 0s".
grep -q ' 0/600 ' "$T/err" && fail "a progress line before any task finished"

# Short runs stay quiet; --progress off is silent.
expect_exit 0 "$VSRBENCH" run -S count=20 -q -o short
[ ! -s "$T/err" ] || fail "a short run printed: $(cat "$T/err")"
expect_exit 0 "$VSRBENCH" run -m exec -M cmd="python3 slow.py" -j 1 -S count=200 \
	--progress off --progress-interval 0.1 -q -o off
[ ! -s "$T/err" ] || fail "--progress off printed: $(cat "$T/err")"
# On a terminal the line redraws itself ("\r\033[K"), unless TERM says the
# terminal cannot (dumb: an editor's shell buffer, a CI runner's
# pseudo-terminal): then the plain lines, no escape sequence.
if command -v script >/dev/null; then
	run_pty() {
		TERM=$1 script -qec "$VSRBENCH run -m exec -M cmd='python3 slow.py' -j 1 -S count=300 \
			--progress-interval 0.2 -o $2" /dev/null >"$2.out" 2>&1 || fail "run under a pty: $(cat "$2.out")"
	}
	run_pty xterm live
	grep -q $'\r\033\[K  [0-9]*/300 tasks' live.out || fail "no live line on a terminal: $(cat -v live.out | head -3)"
	run_pty dumb dumb
	! grep -q $'\033' dumb.out || fail "escape sequences with TERM=dumb: $(cat -v dumb.out | head -3)"
	grep -q '^vsrbench: progress: [0-9]*/300 tasks' dumb.out || fail "no progress lines with TERM=dumb: $(cat -v dumb.out | head -3)"
fi
expect_exit 2 "$VSRBENCH" run --progress sometimes
expect_err "--progress: expected auto, tty, lines or off, got 'sometimes'"
echo ok
