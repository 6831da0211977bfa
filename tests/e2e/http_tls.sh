#!/usr/bin/env bash
# TLS: certificates are verified unless the user names a host to trust
# without verification.  A loopback HTTPS server with a self-signed
# certificate (made here with openssl) is refused by default and for any
# other host named, accepted with -M ca_file=ITS_CERT or
# -M insecure_host=127.0.0.1 (with a warning), and then answers exactly as
# the in-process model.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
command -v openssl >/dev/null ||
	fail "openssl is not installed: run 'make -f Makefile.ci deps' (CI installs it)"
cd "$T"
V=$VSRBENCH
COMMON=(-S count=8 -t yn01,tf01 -q -M model=fake -M backoff=0.01 -M give_up=5)

openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >openssl.log 2>&1 ||
	fail "openssl could not make a certificate: $(cat openssl.log)"
expect_exit 0 "$V" run -m builtin:geometry -S count=8 -t yn01,tf01 -q -o ref
answers ref >ref.answers

start_server tls --plugin "$GEOMETRY" --tls cert.pem,key.pem
URL="https://127.0.0.1:$PORT/v1"

# 1. Verified by default: a self-signed certificate stops the run (exit 4),
# saying why, before any answer.
expect_exit 4 "$V" run -m openai -M base_url="$URL" "${COMMON[@]}" -o refused
grep -qi 'certificate' "$T/err" || fail "the refusal does not name the certificate: $(cat "$T/err")"
# (The journal is opened before the first request, so it must be there.)
no_answers() {
	local n
	[ -f "$1/samples.jsonl" ] || fail "$1: no journal"
	n=$(jq -s 'map(select(.error == null)) | length' "$1/samples.jsonl") ||
		fail "$1/samples.jsonl is not a journal"
	[ "$n" = 0 ] || fail "$1: $n tasks answered over an unverified connection"
}
no_answers refused

# 1b. http:// to this HTTPS port: the server takes the connection and drops
# it; the stop asks whether the port speaks HTTPS, not whether a server runs.
expect_exit 4 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" "${COMMON[@]}" -o plain
expect_err "something on this port took the connection and dropped the request: a server speaking HTTPS? then -M base_url=https://..."
grep -q "is the server running" "$T/err" && fail "a running HTTPS server was called not running: $(cat "$T/err")"

# 2. Trusting another host changes nothing for this one.
expect_exit 4 "$V" run -m openai -M base_url="$URL" -M insecure_host=localhost "${COMMON[@]}" \
	-o other
grep -qi 'certificate' "$T/err" || fail "insecure_host=localhost let 127.0.0.1 through: $(cat "$T/err")"
no_answers other

# 3. The server's own certificate as the CA: verified, and the same answers.
expect_exit 0 "$V" run -m openai -M base_url="$URL" -M ca_file="$T/cert.pem" "${COMMON[@]}" -o ca
diff ref.answers <(answers ca) >/dev/null || fail "answers over verified TLS differ"
grep -q 'NOT verified' "$T/err" && fail "a verified run warned about verification"

# 4. Verification off for this host only, with a warning.
expect_exit 0 "$V" run -m openai -M base_url="$URL" -M insecure_host=127.0.0.1 "${COMMON[@]}" \
	-o insecure
diff ref.answers <(answers insecure) >/dev/null || fail "answers with verification off differ"
grep -q 'NOT verified' "$T/err" || fail "no warning that certificates are not verified: $(cat "$T/err")"
echo ok
