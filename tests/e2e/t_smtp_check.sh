#!/bin/bash
# t_smtp_check: --check talks to the smarthost (greeting, EHLO, STARTTLS,
# AUTH) and sends no message: exit 0, the server saw AUTH succeed and no
# MAIL, and neither the output nor stderr shows the password.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'Ch3ck-s3cret' --auth-mechs PLAIN
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password 'Ch3ck-s3cret'
posthorn_run --check </dev/null
check_exit 0
check_peer_saw '^C: EHLO test\.example'
check_peer_saw '^TLS TLSv1\.[23]'
check_peer_saw '^AUTH-OK PLAIN alice$'
check_peer_not_saw '^C: MAIL'
check_peer_count 0
check_queue_count 0
check_no_secret "--check output" "$OUT" alice 'Ch3ck-s3cret'
check_no_secret "--check stderr" "$ERR" alice 'Ch3ck-s3cret'
