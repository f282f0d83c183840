#!/bin/bash
# t_cred_check_auth_refused: --check against a server that refuses the
# credentials (535): exit non-zero, "result: FAILED" with the server's
# reply, a hint to check auth_user and the password; the (wrong)
# password is not shown.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'the-right-one' --auth-mechs PLAIN
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password 'Wr0ng-Ch3ck-pw'
RUN_TIMEOUT=30 posthorn_run --check </dev/null
[ "$RC" != 0 ] || fail "--check exited 0 with refused credentials"
check_peer_saw '^AUTH-FAILED PLAIN alice'
grep -Eq '^result: FAILED.*535' "$OUT" ||
    fail "no 'result: FAILED' with the 535 in: $(cat "$OUT")"
grep -Eq '^hint: .*(auth_user|password)' "$OUT" ||
    fail "no hint about auth_user / the password in: $(tail -3 "$OUT")"
check_no_secret_in alice 'Wr0ng-Ch3ck-pw' "$OUT" "$ERR"
