# Sourced by e2e/partial_reports and e2e/fatal_stop_reports: the journal's
# counts by jq (independently of vsrbench) and the checks that every report
# of a run directory does, or does not, say the run is partial.
# Base-variant tasks with a reply / that only failed, from the journal alone.
done_in() { jq -s '[.[] | select(.variant == "base" and (has("error") | not)) | .key] | unique | length' "$1/samples.jsonl"; }
failed_in() { jq -s '([.[] | select(.variant == "base" and (has("error") | not)) | .key] | unique) as $ok |
	[.[] | select(.variant == "base" and has("error")) | .key] | unique | map(select(. as $k | $ok | index($k) | not)) | length' "$1/samples.jsonl"; }
lines_in() { if [ -s "$1/samples.jsonl" ]; then wc -l <"$1/samples.jsonl"; else echo 0; fi; }
wait_lines() { # DIR N PID: until DIR's journal has N lines (or the run ended)
	for _ in $(seq 1 400); do
		[ "$(lines_in "$1")" -ge "$2" ] && return 0
		kill -0 "$3" 2>/dev/null || return 0
		sleep 0.05
	done
}
# interrupt_run DIR N OUT ERR: runs $V "${RUN[@]}" (stdout OUT, stderr ERR),
# sends SIGINT once DIR's journal has N lines; rc is its exit status.
interrupt_run() {
	local pid
	set +e
	"$V" "${RUN[@]}" >"$3" 2>"$4" &
	pid=$!
	wait_lines "$1" "$2" $pid
	kill -INT $pid
	wait $pid
	rc=$?
	set -e
}

# check_partial DIR SENTENCE DONE PLANNED: every report of DIR says SENTENCE.
check_partial() {
	local d=$1 s=$2 done=$3 planned=$4
	[ "$(head -1 "$d/report.md")" = "# vsrbench report (partial run)" ] ||
		fail "$d/report.md: title $(head -1 "$d/report.md")"
	sed -n 3p "$d/report.md" | grep -qF -- "**$s" || fail "$d/report.md lacks '$s': $(head -4 "$d/report.md")"
	grep -qF "<title>vsrbench report (partial run)" "$d/report.html" || fail "$d/report.html: title"
	grep -qF "<p class=\"warn partial\"><b>$s" "$d/report.html" || fail "$d/report.html lacks '$s'"
	# Above the headline cards, not somewhere below them.
	[ "$(grep -n 'warn partial' "$d/report.html" | cut -d: -f1)" -lt "$(grep -n 'card headline' "$d/report.html" | head -1 | cut -d: -f1)" ] ||
		fail "$d/report.html: the mark is not above the headline"
	jq -e --argjson d "$done" --argjson p "$planned" --arg s "$s" \
		'.complete == false and .tasks_done == $d and .tasks_planned == $p and (.partial | startswith($s))' \
		"$d/report.json" >/dev/null || fail "$d/report.json: $(jq -c '{complete, tasks_done, tasks_planned, partial}' "$d/report.json")"
	python3 - "$d/junit.xml" "$s" "$done" "$planned" <<'PY' || fail "$d/junit.xml does not fail on the partial run"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
run = [ts for ts in root.iter("testsuite") if ts.get("name") == "run"]
assert len(run) == 1 and run[0].get("failures") == "1", "no testsuite run with a failure"
props = {p.get("name"): p.get("value") for p in run[0].iter("property")}
assert props["complete"] == "false" and props["tasks_done"] == sys.argv[3] and props["tasks_planned"] == sys.argv[4], props
f = run[0].find("testcase/failure")
assert f is not None and f.get("type") == "partial-run" and f.get("message").startswith(sys.argv[2]), f
assert int(root.get("failures")) >= 1
PY
	if command -v xmllint >/dev/null; then
		xmllint --noout --schema "$VSR_SRC/tests/junit/junit.xsd" "$d/junit.xml" 2>/dev/null ||
			fail "$d/junit.xml does not validate against tests/junit/junit.xsd"
	fi
}

# check_complete DIR: no mark anywhere.
check_complete() {
	local d=$1
	! grep -l "partial run" "$d/report.md" "$d/report.html" "$d/junit.xml" "$d/report.json" ||
		fail "$d: a complete run is still marked partial"
	jq -e '.complete == true and (has("tasks_done") | not)' "$d/report.json" >/dev/null ||
		fail "$d/report.json: $(jq -c '{complete, tasks_done}' "$d/report.json")"
	[ "$(head -1 "$d/report.md")" = "# vsrbench report" ] || fail "$d/report.md: title"
}
