#!/bin/bash
# t_smtp_auth_wrong_password: the server refuses the credentials (535): no
# MAIL is sent, the message stays queued (Postfix's default soft bounce for
# AUTH failures: a credentials problem is fixed by the admin, then -q),
# exit 0, the server's reply in the maillog; the password is nowhere in the
# log, stderr or the queue.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'right-password' --auth-mechs PLAIN
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password 'Wr0ng-Secret-77'
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_saw '^AUTH-FAILED PLAIN alice'
check_peer_not_saw '^C: MAIL'
check_log '535'
check_no_secret maillog "$MAILLOG" alice 'Wr0ng-Secret-77'
check_no_secret stderr "$ERR" alice 'Wr0ng-Secret-77'
if grep -rq 'Wr0ng-Secret-77' "$SPOOL"; then
	fail "the password is in the queue"
fi
