#!/usr/bin/env bash
# docs/cluster.md's Slurm array on a real Slurm: a one-node cluster (munged,
# slurmctld, slurmd: children of this script, everything under $T, on
# localhost and ports of its own) runs the docs' job script as written (cut
# out of the docs between marker comments), one task is preempted midway with
# SIGTERM and must end with exit 5 and a partial journal, it is requeued and
# resumes, and the merged report equals a single unsharded run's byte for byte
# (but for the model's file digest: the single run's model.py has no sleep).
# Skipped (77) only when the daemons cannot start here, with their reason.
# The daemons' logs are printed on failure (and with VSR_SLURM_LOGS=1).
. "$(dirname "$0")/lib.bash"

for c in munged slurmctld slurmd sbatch scancel scontrol squeue sinfo python3; do
	command -v "$c" >/dev/null ||
		fail "$c is not installed: run 'make -f Makefile.ci test-deps' (slurm-wlm, munge; CI installs them)"
done
# Nothing from a surrounding Slurm or Kubernetes job may steer ours.
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(SLURM|SBATCH|SALLOC|SRUN|SQUEUE|SCANCEL|SINFO|SCONTROL)_' || true)
unset JOB_COMPLETION_INDEX VSRBENCH_SHARDS

DOC="$VSR_SRC/docs/cluster.md"
C="$T/cluster"  # the cluster's config, state, spool, logs and munge key
mkdir -p "$C/state" "$C/spool" "$C/log" "$T/bin"
# munged wants every directory above its socket open to all.
chmod 755 "$T" "$C"

# ---- cleanup: jobs, then daemons; logs on failure -------------------------
PIDS=()  # munged slurmctld slurmd, in start order
SBATCH_PID=
WATCHDOG=
# slurmctld and slurmd (-D) also copy their log to stderr (*.out), which alone
# has what they say before they open their log file.  Without the noise of
# the missing MPI libraries and of a first start with no saved state.
dump_logs() {
	local f
	for f in "$C"/log/* "$T"/slurm-*.out; do
		[ -f "$f" ] || continue
		case "$f" in */slurmctld.out | */slurmd.out) [ -f "${f%.out}.log" ] && continue ;; esac
		echo "---- ${f#"$T"/} (last 60 lines)" >&2
		grep -vE 'pmix|PMIx|MPI:|state file|Trying backup' "$f" | tail -n 60 >&2
	done
}
# The processes of our jobs (vsrbench, model.py) run in $T, and every process
# started after SLURM_CONF was set (slurmstepd too) has it in its environment:
# end them by pid (the caller is neither in $T nor has that environment).
kill_job_procs() {
	local p
	for p in $(find /proc/[0-9]*/cwd -maxdepth 0 \( -lname "$T" -o -lname "$T/*" \) 2>/dev/null) \
		$(grep -lsxzF "SLURM_CONF=$C/slurm.conf" /proc/[0-9]*/environ); do
		p=${p#/proc/}
		kill -KILL "${p%/*}" 2>/dev/null || true
	done
}
stop_pid() {
	local pid=$1
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
cleanup() {
	local rc=$? i
	trap - EXIT
	set +e
	cd /
	[ -n "$WATCHDOG" ] && kill -KILL "$WATCHDOG" 2>/dev/null
	[ -n "$SBATCH_PID" ] && stop_pid "$SBATCH_PID"
	if [ "${#PIDS[@]}" -ge 3 ] && kill -0 "${PIDS[1]}" 2>/dev/null; then
		timeout 10 scancel --full --signal=KILL --partition=test >/dev/null 2>&1
		for _ in $(seq 1 50); do
			[ -z "$(timeout 5 squeue -h -t running,completing 2>/dev/null)" ] && break
			sleep 0.1
		done
	fi
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
	kill_job_procs
	if [ "$rc" != 0 ] && [ "$rc" != 77 ] || [ -n "${VSR_SLURM_LOGS:-}" ]; then dump_logs; fi
	rm -rf "$T"
	exit "$rc"
}
trap cleanup EXIT

# The daemon $1 stopped, or never got ready: Slurm cannot run here.  Skip,
# saying why in its words.
cannot_start() {
	echo "skipped: $1 cannot run here; it says:"
	grep -E 'fatal|error' "$C/log/$1.out" | grep -vE 'pmix|PMIx|MPI:|state file|Trying backup' | tail -n 5
	exit 77
}
say() { echo "[$SECONDS s] $*"; }
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])'
}
CTLD_PORT=$(free_port)
SLURMD_PORT=$(free_port)
while [ "$SLURMD_PORT" = "$CTLD_PORT" ]; do SLURMD_PORT=$(free_port); done
# wait_for SECONDS WHAT CMD...: until CMD succeeds, or fail naming WHAT.
wait_for() {
	local secs=$1 what=$2 end
	shift 2
	end=$((SECONDS + secs))
	until "$@"; do
		[ $SECONDS -lt $end ] || fail "timed out after ${secs}s waiting for $what"
		sleep 0.2
	done
}

# ---- the docs' blocks ---------------------------------------------------------
# extract NAME: the fenced block after the marker <!-- tests/e2e/slurm.sh: NAME -->.
extract() {
	awk -v m="<!-- tests/e2e/slurm.sh: $1 -->" '
		$0 == m { f = 1; next }
		f == 1 && /^```/ { f = 2; next }
		f == 2 && /^```/ { exit }
		f == 2 { print }' "$DOC"
}
cd "$T"
extract model.py >model.py
extract synth-array.sh >synth-array.sh
extract commands >commands.sh
for f in model.py synth-array.sh commands.sh; do
	[ -s "$f" ] || fail "no block marked '$f' in docs/cluster.md"
done
SUBMIT=$(grep '^sbatch ' commands.sh) || fail "no sbatch line in the docs' commands"
MERGE=$(grep '^vsrbench merge ' commands.sh) || fail "no merge line in the docs' commands"
[ "$(wc -l <commands.sh)" = 2 ] || fail "the docs' commands are not the sbatch and merge lines the test runs"
ln -s "$VSRBENCH" bin/vsrbench
export PATH="$T/bin:$PATH"

# The same configuration as synth-array.sh, unsharded (a drift between the two
# shows as a different run.model or suite in the reports), meanwhile.  Its
# model.py is the docs' without the sleep, in a directory of its own: the same
# command, the same answers, 4 times the tasks in a few seconds.
mkdir fast
grep -v 'time\.sleep(' model.py >fast/model.py
[ "$(diff model.py fast/model.py | grep -c '^<')" = 1 ] || fail "the docs' model.py has no one sleep line to leave out"
(cd fast && exec "$VSRBENCH" run -s synth -S count=600 -p instr,hflip -t yn01,tf02,ab03 \
	-m exec -M cmd='python3 model.py' -o ../single -q) >single.out 2>&1 &
SINGLE_PID=$!

# ---- the cluster ------------------------------------------------------------
head -c 1024 /dev/urandom >"$C/munge.key"
chmod 600 "$C/munge.key"
munged --foreground --force --socket="$C/munge.sock" --key-file="$C/munge.key" \
	--pid-file="$C/munged.pid" --seed-file="$C/munged.seed" >"$C/log/munged.out" 2>&1 &
PIDS+=($!)
# Should this script die without its trap (SIGKILL, a ctest timeout), the
# daemons and the jobs' processes go with it all the same (slurmctld and
# slurmd will have SLURM_CONF; munged is known by its socket).
(
	trap '' TERM
	while kill -0 $$ 2>/dev/null; do sleep 1; done
	kill_job_procs
	grep -qF "$C/munge.sock" "/proc/${PIDS[0]}/cmdline" 2>/dev/null && kill -KILL "${PIDS[0]}"
	rm -rf "$T"
) </dev/null >/dev/null 2>&1 &
WATCHDOG=$!
disown "$WATCHDOG"  # no "Killed" line when the trap ends it
end=$((SECONDS + 10))
until [ -S "$C/munge.sock" ]; do
	kill -0 "${PIDS[0]}" 2>/dev/null && [ $SECONDS -lt $end ] || cannot_start munged
	sleep 0.1
done

# No cgroups (a container may not delegate them): processes are tracked by
# parent pid (proctrack/linuxproc), no task plugin, no accounting database;
# jobcomp/filetxt logs every ended job.  The node claims 4 CPUs whatever it
# has (config_overrides), so the 4 tasks run at once.  cred_expire is also how
# long a requeued job waits before it may start again (default 120 s), and
# the scheduler looks at pending jobs every second (default 60 s).  sbatch
# --wait polls every 2 s while MinJobAge < 6 (else up to every 32 s); ended
# jobs may then leave slurmctld's memory soon: the checks read jobcomp.txt.
cat >"$C/slurm.conf" <<EOF
ClusterName=vsrtest
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$C/munge.sock,cred_expire=8
StateSaveLocation=$C/state
SlurmdSpoolDir=$C/spool
SlurmctldPidFile=$C/slurmctld.pid
SlurmdPidFile=$C/slurmd.pid
SlurmctldLogFile=$C/log/slurmctld.log
SlurmdLogFile=$C/log/slurmd.log
PlugStackConfig=$C/plugstack.conf
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$C/log/jobcomp.txt
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
JobRequeue=1
MinJobAge=5
NodeName=localhost CPUs=4 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
: >"$C/plugstack.conf"
export SLURM_CONF="$C/slurm.conf"
slurmctld -D -i >"$C/log/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -N localhost >"$C/log/slurmd.out" 2>&1 &
PIDS+=($!)
end=$((SECONDS + 30))
until [ "$(timeout 5 sinfo -h -n localhost -o %T 2>/dev/null)" = idle ]; do
	kill -0 "${PIDS[1]}" 2>/dev/null || cannot_start slurmctld
	kill -0 "${PIDS[2]}" 2>/dev/null || cannot_start slurmd
	if [ $SECONDS -ge $end ]; then
		echo "skipped: the node did not come up within 30 s: $(timeout 5 sinfo -h -N -o '%T %E' 2>&1)"
		cannot_start slurmd
	fi
	sleep 0.2
done
say "cluster up: $(sinfo -h -o '%P %D %T %c CPUs')"

bash -c "$SUBMIT" >sbatch.out 2>&1 &
SBATCH_PID=$!
wait_for 20 "sbatch to submit" grep -q '^Submitted batch job [0-9]*$' sbatch.out
JOB=$(awk '{print $4}' sbatch.out)
say "array job $JOB submitted"
V=2  # the task to preempt
job_field() { timeout 10 scontrol -o show job "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# jobcomp I: "STATE EXIT" of each end of array task I so far, one a line.
jobcomp() {
	[ -f "$C/log/jobcomp.txt" ] || return 0
	awk -v j="ArrayJobId=$JOB" -v t="ArrayTaskId=$1" '
		{ s = ""; e = ""; hit = 0; tj = 0
		  for (i = 1; i <= NF; i++) {
			if ($i == j) hit++
			if ($i == t) tj++
			if ($i ~ /^JobState=/) s = substr($i, 10)
			if ($i ~ /^ExitCode=/) e = substr($i, 10) }
		  if (hit && tj) print s, e }' "$C/log/jobcomp.txt"
}
journal_lines() { [ -f "$1/samples.jsonl" ] && wc -l <"$1/samples.jsonl" || echo 0; }
VDIR=runs/synth/shard-$V
has_progress() {
	[ -z "$(jobcomp $V)" ] || fail "task $V ended before it could be preempted: $(jobcomp $V)"
	[ "$(journal_lines "$VDIR")" -ge 10 ]
}
wait_for 60 "task $V to journal 10 answers" has_progress
[ "$(job_field "${JOB}_$V" JobState)" = RUNNING ] || fail "task $V is not running: $(scontrol -o show job "${JOB}_$V" 2>&1)"

say "task $V has journaled $(journal_lines "$VDIR") tasks: preempting it"
# Preempt it: SIGTERM to the batch script and its children (vsrbench, by exec).
timeout 10 scancel --signal=TERM --full "${JOB}_$V" || fail "scancel failed"
ended() { [ -n "$(jobcomp $V)" ]; }
wait_for 30 "task $V to end after SIGTERM" ended
[ "$(jobcomp $V)" = "FAILED 5:0" ] || fail "preempted task: $(jobcomp $V), want FAILED 5:0"
grep -q "interrupted after .* new tasks; resume with: vsrbench run ... -o $T/$VDIR" "slurm-${JOB}_$V.out" ||
	fail "no resume hint in the task's output: $(cat "slurm-${JOB}_$V.out")"
jq -e '.complete == false' "$VDIR/status.json" >/dev/null || fail "the preempted shard's status.json says complete"
partial=$(journal_lines "$VDIR")
mine=$(jq '[.suites[].items_in_shard] | add' "$VDIR/status.json")
# 6 tasks an item (3 templates, each mirrored).
[ "$partial" -gt 0 ] && [ "$partial" -lt $((6 * mine)) ] ||
	fail "the journal has $partial of $((6 * mine)) tasks: not a partial run"

say "task $V ended with exit 5 after $partial tasks: requeueing it"
# Requeue it: it starts again after cred_expire and resumes from its journal.
timeout 10 scontrol requeue "${JOB}_$V" || fail "scontrol requeue failed"
[ "$(job_field "${JOB}_$V" Restarts)" = 1 ] || fail "task $V was not requeued: $(scontrol -o show job "${JOB}_$V" 2>&1)"

timeout 150 tail --pid="$SBATCH_PID" -f /dev/null ||
	fail "sbatch --wait has not returned after 150 s: $(timeout 5 squeue 2>&1)"
set +e
wait "$SBATCH_PID"
rc=$?
set -e
SBATCH_PID=
# sbatch --wait polls every 2 s: when the other tasks had ended too, it may
# have seen task V failed before the requeue, and returned its 5.  Then the
# requeued task is waited for here.
case $rc in
0) ;;
5) say "sbatch --wait saw task $V's exit 5 before the requeue: waiting for its second attempt"
   second() { [ "$(jobcomp $V | wc -l)" -ge 3 ]; }  # FAILED, requeued (PENDING), ended
   wait_for 120 "task $V's second attempt to end" second ;;
*) fail "sbatch --wait exited $rc: $(cat sbatch.out)" ;;
esac
say "the array has ended"
for i in 0 1 2 3; do
	[ "$(jobcomp $i | tail -n 1)" = "COMPLETED 0:0" ] || fail "task $i ended: $(jobcomp $i)"
	jq -e ".complete == true and .shard_index == $i and .shard_count == 4" "runs/synth/shard-$i/status.json" >/dev/null ||
		fail "shard $i: $(cat "runs/synth/shard-$i/status.json")"
done
grep -q "interrupted after" "slurm-${JOB}_$V.out" || fail "the first attempt's log is gone (--open-mode=append)"
grep -q "(.* new tasks, $partial already done)" "slurm-${JOB}_$V.out" ||
	fail "the requeued task did not resume from its $partial journaled tasks: $(cat "slurm-${JOB}_$V.out")"
[ "$(jq -r .key "$VDIR/samples.jsonl" | sort | uniq -d | wc -l)" = 0 ] || fail "a task answered twice in shard $V"

say "task $V resumed and finished"
wait_for 60 "the single run" bash -c "! kill -0 $SINGLE_PID 2>/dev/null"
wait "$SINGLE_PID" || fail "the single run failed: $(cat single.out)"
expect_exit 0 bash -c "$MERGE"
# The single run's model.py is another file (no sleep): the model's
# fingerprint names each one's content (and so the run's hash the quote
# ends with); all else is byte for byte the same.
for r in "single fast/model.py" "runs/synth/merged model.py"; do
	read -r dir py <<<"$r"
	jq -e --arg d "sha256:$(sha256sum "$py" | cut -d' ' -f1)" '.run.model.files == {"model.py": $d}' \
		"$dir/report.json" >/dev/null || fail "$dir: run.model.files is not $py's digest: $(jq -c .run.model "$dir/report.json")"
done
model_aside() { jq 'del(.run.model.files, .run.model.fingerprint) | .suites[].quote |= sub(", run [0-9a-f]+$"; "")' "$1/report.json"; }
cmp <(model_aside single) <(model_aside runs/synth/merged) ||
	fail "the merged report differs from the single run's: $(diff <(jq -S . single/report.json) <(jq -S . runs/synth/merged/report.json) | head -40)"
say "merged report == single run's report"
echo ok
