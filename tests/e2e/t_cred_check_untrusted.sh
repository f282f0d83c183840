#!/bin/bash
# t_cred_check_untrusted: --check against a STARTTLS server whose
# certificate comes from a CA that tls_ca_file does not hold: exit
# non-zero, "result: FAILED" naming the verification failure, a hint
# naming tls_ca_file (or tls_fingerprint), no AUTH attempted.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$BAD_CERT" --tls-key "$BAD_KEY" \
    --auth-user alice --auth-password 'Untr-pw'
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password 'Untr-pw'
RUN_TIMEOUT=30 posthorn_run --check </dev/null
[ "$RC" != 0 ] || fail "--check exited 0 with an untrusted certificate"
grep -Eq '^result: FAILED.*([Cc]ertificate|verif)' "$OUT" ||
    fail "no 'result: FAILED' about the certificate in: $(cat "$OUT")"
grep -Eq '^hint: .*tls_ca_file' "$OUT" ||
    fail "no hint naming tls_ca_file in: $(tail -3 "$OUT")"
check_peer_not_saw '^C: AUTH'
check_no_secret_in alice 'Untr-pw' "$OUT" "$ERR"
