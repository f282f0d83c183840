#!/bin/bash
# t_cred_auth_scram_bad_signature: a SCRAM-SHA-256 server that accepts the
# client's proof but sends a wrong server signature (v=) cannot prove it
# knows the password (a fake server, RFC 5802 3): posthorn aborts the
# exchange ("*"), sends no MAIL, and the message stays queued (exit 0) with
# the reason in the maillog.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'Scr4m-s3cret' \
    --auth-mechs SCRAM-SHA-256 --scram-bad-signature
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password 'Scr4m-s3cret'
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_saw '^SCRAM-BAD-SIGNATURE'
check_peer_saw '^AUTH-ABORTED SCRAM-SHA-256 alice$'
check_peer_not_saw '^AUTH-OK'
check_peer_not_saw '^C: (MAIL|RCPT|DATA)'
check_log '[Ss]ignature'
check_log 'to=<bob@example\.org>, .*status=deferred'
