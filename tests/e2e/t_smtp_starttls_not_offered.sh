#!/bin/bash
# t_smtp_starttls_not_offered: tls starttls but the server does not offer
# STARTTLS: the message is never sent in clear (no MAIL), it stays queued,
# exit 0, and the maillog says why.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_not_saw '^C: MAIL'
check_log '(STARTTLS|TLS)'
check_log 'to=<bob@example\.org>, .*status=deferred'
