#!/bin/bash
# t_cred_check_implicit_port: --check against an implicit-TLS server on
# port 465 (on a loopback address of its own, 127.0.N.M) with "tls
# starttls" configured: no greeting comes (the server waits for a TLS
# ClientHello): --check fails (exit non-zero, "result: FAILED") within
# timeout_command and its hint names the fix, "tls implicit".
. "$SRCDIR/tests/lib.sh"
make_certs
addr=
for i in $(seq 0 40); do
	a=127.0.$((($$ + i) % 200 + 20)).$((($$ / 7 + i) % 200 + 20))
	if "$PYTHON" -c 'import socket,sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 465))' "$a" 2>/dev/null; then
		addr=$a
		break
	fi
done
[ -n "$addr" ] || fail "no free loopback address for port 465"
start_smtpd --implicit-tls --tls-cert "$CERT" --tls-key "$KEY" \
    --host "$addr" --port 465
[ "$PORT" = 465 ] || fail "the peer listens on $PORT, not 465"
write_conf smarthost "$addr:465" tls starttls tls_ca_file "$CA_FILE" \
    timeout_command 3s
start=$(date +%s)
RUN_TIMEOUT=30 posthorn_run --check </dev/null
[ $(($(date +%s) - start)) -le 15 ] || fail "--check took too long"
[ "$RC" != 0 ] || fail "--check exited 0 against the wrong TLS mode"
grep -q '^result: FAILED' "$OUT" || fail "no 'result: FAILED' in: $(cat "$OUT")"
grep -Eq '^hint: .*tls implicit' "$OUT" ||
    fail "no hint about 'tls implicit' in: $(tail -3 "$OUT")"
check_peer_not_saw '^C: '
