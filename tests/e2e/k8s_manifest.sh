#!/usr/bin/env bash
# docs/cluster.md's Kubernetes Indexed Job (cut out of the docs between marker
# comments), checked offline: against the Kubernetes API types by
# tests/tools/k8s_validate.py (Debian's python3-kubernetes: field names, types,
# required fields; shown below to catch each), as the Indexed Job that
# --shard auto expects, and its shell command run as the Job controller and
# the kubelet would run it, with a stand-in vsrbench that shows its arguments.
. "$(dirname "$0")/lib.bash"
# Debian's python3-kubernetes is importable by Debian's python3 only.
PY=/usr/bin/python3
"$PY" -c 'import kubernetes.client, yaml' 2>/dev/null ||
	fail "python3-kubernetes is not installed: run 'make -f Makefile.ci test-deps' (CI installs it)"
VAL="$VSR_SRC/tests/tools/k8s_validate.py"
cd "$T"
awk '$0 == "<!-- tests/e2e/k8s_manifest.sh: job.yaml -->" { f = 1; next }
	f == 1 && /^```/ { f = 2; next }
	f == 2 && /^```/ { exit }
	f == 2 { print }' "$VSR_SRC/docs/cluster.md" >job.yaml
[ -s job.yaml ] || fail "no block marked 'job.yaml' in docs/cluster.md"

expect_exit 0 "$PY" "$VAL" --json job.json job.yaml
J='.[0]'
jq -e "$J | .apiVersion == \"batch/v1\" and .kind == \"Job\"" job.json >/dev/null || fail "not a batch/v1 Job"
jq -e "$J.spec | .completionMode == \"Indexed\" and .parallelism <= .completions" job.json >/dev/null ||
	fail "not an Indexed Job: $(jq -c "$J.spec | del(.template)" job.json)"
C="$J.spec.template.spec.containers[0]"
# --shard auto's count: VSRBENCH_SHARDS, the Job's completions.
jq -e "($C.env[] | select(.name == \"VSRBENCH_SHARDS\") | .value | tonumber) == $J.spec.completions" job.json >/dev/null ||
	fail "VSRBENCH_SHARDS is not the Job's completions"
jq -e "$J.spec.template.spec.restartPolicy | IN(\"OnFailure\", \"Never\")" job.json >/dev/null || fail "restartPolicy"
jq -e "$C.command == [\"/bin/sh\", \"-c\"] and ($C.args | length) == 1" job.json >/dev/null ||
	fail "the container does not run one sh -c script"

# The script as pod 3 of 8 runs it: Kubernetes replaces $(JOB_COMPLETION_INDEX)
# (the Job controller sets that variable in an Indexed Job's pods), then sh.
mkdir bin
cat >bin/vsrbench <<'EOF'
#!/bin/sh
printf '%s\n' "$@" >"$ARGS_OUT"
EOF
chmod +x bin/vsrbench
script=$(jq -r "$C.args[0]" job.json)
script=${script//\$(JOB_COMPLETION_INDEX)/3}
VSRBENCH_SHARDS=8 JOB_COMPLETION_INDEX=3 ARGS_OUT="$T/args" PATH="$T/bin:$PATH" expect_exit 0 sh -c "$script"
grep -qx -- '--shard' args && [ "$(grep -x -A1 -- '--shard' args | tail -n 1)" = auto ] || fail "no --shard auto: $(cat args)"
[ "$(grep -x -A1 -- '-o' args | tail -n 1)" = /runs/llava/shard-3 ] || fail "pod 3 does not write shard-3: $(cat args)"
sed -n '1p' args | grep -qx run || fail "not 'vsrbench run': $(cat args)"

# The validator catches what it claims to (one run: importing the models is slow).
bad=(
	's/completionMode: Indexed/completionsMode: Indexed/' 'spec.completionsMode: unknown field of V1JobSpec'
	's/parallelism: 8/parallelism: "8"/' "spec.parallelism: expected int, got '8'"
	's/value: "8"/value: 8/' 'env[0].value: expected str, got 8'
	's/- name: vsrbench/-/' 'containers[0]: Invalid value for `name`, must not be `None`'
	's/kind: Job/kind: Jobs/' 'doc0: unknown apiVersion/kind batch/v1 Jobs'
)
for ((i = 0; i < ${#bad[@]}; i += 2)); do sed "${bad[i]}" job.yaml >"bad$i.yaml"; done
expect_exit 1 "$PY" "$VAL" bad*.yaml
for ((i = 0; i < ${#bad[@]}; i += 2)); do
	grep -F "bad$i.yaml: " "$T/out" | grep -qF -- "${bad[i + 1]}" ||
		fail "bad$i.yaml (${bad[i]}): no '${bad[i + 1]}' in: $(cat "$T/out")"
	[ "$(grep -c "^bad$i.yaml: " "$T/out")" = 1 ] || fail "bad$i.yaml: more than the one error: $(cat "$T/out")"
done
echo ok
