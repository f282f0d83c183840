#!/bin/bash
# t_cred_check_plaintext_implicit: --check against a plaintext SMTP server
# with "tls implicit" configured: the TLS handshake meets "220 ..." and
# fails: exit non-zero, "result: FAILED", and a hint that the server
# speaks plaintext first (use tls starttls).
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd
write_conf smarthost "127.0.0.1:$PORT" tls implicit tls_ca_file "$CA_FILE" \
    timeout_command 5s
RUN_TIMEOUT=30 posthorn_run --check </dev/null
[ "$RC" != 0 ] || fail "--check exited 0 against the wrong TLS mode"
grep -q '^result: FAILED' "$OUT" || fail "no 'result: FAILED' in: $(cat "$OUT")"
grep -Eq '^hint: .*(plaintext|tls starttls)' "$OUT" ||
    fail "no hint about plaintext / tls starttls in: $(tail -3 "$OUT")"
check_peer_not_saw '^C: '
