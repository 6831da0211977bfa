#!/usr/bin/env bash
# A server on this machine that listens on one loopback only: the IPv6 one
# (::1: a server bound to "localhost" where that name is ::1 first) or the
# IPv4 one (127.0.0.1, most servers' default).  -M base_url=http://localhost:PORT
# reaches either (libcurl resolves localhost to both and tries both, RFC 6761
# and 8305), http://[::1]:PORT the first, and each counts as this machine's:
# no proxy from the environment is asked (a dead one is set here), and no
# warning that an API key goes unencrypted.  Skipped when this machine has no
# IPv6 loopback (a container without IPv6).
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null || {
	echo "SKIP: this machine has no IPv6 loopback (::1 cannot be bound)"
	exit 77
}
cd "$T"
V=$VSRBENCH
KEY="sk-test-$RANDOM$RANDOM"
export FAKE_LLM_KEY=$KEY T_KEY=$KEY
DEAD=$(dead_port)

# answered DIR: the tasks the run answered (report.json), 4 expected.
answered() {
	jq -e '.suites.synth.answered.n == 4 and .suites.synth.answered.k == 4 and .suites.synth.errors == 0' "$1/report.json" >/dev/null ||
		fail "$1: not 4 answered tasks: $(jq -c '.suites.synth | {answered, errors}' "$1/report.json")"
}

start_server v6 --host ::1
P6=$PORT
start_server v4
P4=$PORT
# The servers listen where they were told: the IPv4 address finds nothing on P6.
expect_exit 4 "$V" run -n 4 -m openai -M base_url="http://127.0.0.1:$P6/v1" -M model=m \
	-M api_key_env=T_KEY -q -o none
expect_err "cannot reach the server"

n=0
for url in "http://localhost:$P6/v1" "http://[::1]:$P6/v1" "http://localhost:$P4/v1"; do
	n=$((n + 1))
	http_proxy="http://127.0.0.1:$DEAD" HTTPS_PROXY="http://127.0.0.1:$DEAD" ALL_PROXY="http://127.0.0.1:$DEAD" \
		expect_exit 0 "$V" run -n 4 -m openai -M base_url="$url" -M model=m -M api_key_env=T_KEY \
		-q -o "r$n"
	answered "r$n"
	! grep -q "unencrypted" "$T/err" || fail "$url: the loopback taken for another machine: $(cat "$T/err")"
done
echo ok
