#!/bin/bash
# t_cred_password_file: auth_password_file names a file of mode 0600 whose
# first line is the password (a second line is ignored, the line end is not
# part of it); the configuration that names it is world-readable (it holds
# no secret itself, SPEC 6): delivered with AUTH (the server checks the
# password), exit 0, nothing queued; the password not in the log, stderr
# or the queue.
. "$SRCDIR/tests/lib.sh"
make_certs
pw='F1le-s3cret #x'
printf '%s\r\n%s\n' "$pw" 'second-line-not-the-password' >"$TESTTMP/pw"
chmod 600 "$TESTTMP/pw"
start_smtpd --starttls --require-tls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password "$pw" --auth-mechs PLAIN
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password_file "$TESTTMP/pw"
chmod 644 "$CONF"
simple_msg | posthorn_run -v bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_saw '^AUTH-OK PLAIN alice$'
check_no_secret_in alice "$pw" "$ERR" "$MAILLOG" "$SPOOL"
