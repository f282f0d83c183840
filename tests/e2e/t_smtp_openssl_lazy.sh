#!/bin/bash
# t_smtp_openssl_lazy: OpenSSL is loaded only when TLS is used (ossl.c).
# While the server holds the reply to the final dot, the process maps no
# libssl or libcrypto for a plaintext delivery (tls none), and maps them
# for a STARTTLS one; a libssl.so.3 that is not OpenSSL's defers the
# message (exit 0, queued, the log names the library) instead of crashing
# or losing it, and the real one then delivers it.
. "$SRCDIR/tests/lib.sh"
make_certs

# maps_at_eod SUBJECT: submit; print the libraries mapped while the peer
# ($PEERDIR) stalls after the final dot; posthorn gives up at
# submit_timeout and keeps the message
maps_at_eod() {
	simple_msg "$1" | "$POSTHORN" -C "$CONF" bob@example.org \
	    >"$OUT" 2>"$ERR" &
	local pid=$! i
	at_exit "kill -KILL $pid 2>/dev/null"
	for i in $(seq 100); do
		grep -q '^STALL eod' "$PEERDIR/session.log" 2>/dev/null && break
		sleep 0.1
	done
	grep -q '^STALL eod' "$PEERDIR/session.log" ||
	    fail "posthorn never reached the stalled end of data ($1)"
	kill -0 $pid 2>/dev/null || fail "posthorn exited before the check"
	grep -oE '/[^ ]*lib[a-z0-9]*\.so[.0-9]*' /proc/$pid/maps | sort -u
	wait $pid
}

start_smtpd --stall eod
write_conf submit_timeout 2s
libs=$(maps_at_eod plain)
grep -q 'libc\.so' <<<"$libs" || fail "no libc among the mapped: $libs"
check_eq "OpenSSL mapped for a plaintext delivery" "" \
	"$(grep -E 'lib(ssl|crypto)\.so' <<<"$libs")"
stop_peers

start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" --stall eod
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
	submit_timeout 2s
libs=$(maps_at_eod tls)
check_eq "libssl and libcrypto mapped for STARTTLS" "libcrypto libssl" \
	"$(grep -oE 'lib(ssl|crypto)\.so' <<<"$libs" | sed 's/\.so//' |
	sort -u | tr '\n' ' ' | sed 's/ $//')"
stop_peers

# a library of that name without OpenSSL's functions, then the real one
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY"
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE"
rm -rf "$SPOOL"/* "$MAILLOG"
mkdir -p "$TESTTMP/fake"
echo 'int posthorn_not_openssl;' |
	cc -shared -fPIC -o "$TESTTMP/fake/libssl.so.3" -x c - ||
	fail "cannot build the fake libssl"
LD_LIBRARY_PATH=$TESTTMP/fake posthorn_run bob@example.org \
	< <(simple_msg fake)
check_exit 0
check_queue_count 1
check_peer_count 0
check_log 'libssl\.so\.3 has no [A-Za-z0-9_]+: not the OpenSSL posthorn was built for'
check_log 'status=deferred'
posthorn_run -qRbob@
check_exit 0
check_queue_count 0
check_peer_count 1
check_eq "TLS at the peer" true "$(peer_env 1 tls)"
