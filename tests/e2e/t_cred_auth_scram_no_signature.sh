#!/bin/bash
# t_cred_auth_scram_no_signature: a SCRAM-SHA-256 server that answers 235
# to the client-final message without ever sending its signature (v=) has
# not authenticated itself: SCRAM's mutual authentication (RFC 5802 3, the
# client authenticates the server by its ServerSignature; RFC 4954 4: the
# server's final data comes in a 334) is skipped.  posthorn must not go on
# as if the exchange had completed: no MAIL, the message stays queued,
# exit 0.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'Scr4m-s3cret' \
    --auth-mechs SCRAM-SHA-256 --scram-no-signature
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password 'Scr4m-s3cret'
simple_msg | posthorn_run bob@example.org
check_peer_saw '^SCRAM-NO-SIGNATURE'
check_peer_not_saw '^C: (MAIL|RCPT|DATA)'
check_peer_count 0
check_exit 0
check_queue_count 1
check_log 'to=<bob@example\.org>, .*status=deferred'
