#!/bin/bash
# t_cred_auth_xoauth2_refused: the server refuses the bearer token as
# Google does (a 334 holding a JSON error, the client's empty answer, then
# 535): no MAIL, the message stays queued (exit 0), the 535 in the maillog,
# the token nowhere in the maillog, stderr or the queue.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'the-right-token' --auth-mechs XOAUTH2
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_mechanism xoauth2 \
    auth_password_command "echo expired-t0ken-42"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_saw '^AUTH-FAILED XOAUTH2 alice$'
check_peer_saw '^S: 535 '
check_peer_not_saw '^C: MAIL'
check_log '535'
check_log 'to=<bob@example\.org>, .*status=deferred'
check_no_secret_in alice 'expired-t0ken-42' "$MAILLOG" "$ERR" "$SPOOL"
