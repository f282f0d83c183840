#!/bin/bash
# t_smtp_auth_conf_mode: a configuration file that holds auth_password and
# is readable by others is refused (SPEC 6): exit 78, nothing queued,
# nothing sent, the password not echoed.
. "$SRCDIR/tests/lib.sh"
start_smtpd --auth-plaintext --auth-user alice --auth-password 'M0de-s3cret'
write_conf auth_user alice auth_password 'M0de-s3cret' auth_plaintext yes
chmod 644 "$CONF"
simple_msg | posthorn_run bob@example.org
check_exit 78
check_queue_count 0
check_peer_not_saw '^CONNECT'
check_no_secret stderr "$ERR" alice 'M0de-s3cret'
