#!/bin/bash
# t_smtp_tls_implicit_untrusted: implicit TLS to a server whose certificate
# is not trusted: nothing sent, queued, exit 0.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --implicit-tls --tls-cert "$BAD_CERT" --tls-key "$BAD_KEY"
write_conf smarthost "localhost:$PORT" tls implicit tls_ca_file "$CA_FILE"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_not_saw '^C: '
check_peer_saw '^TLS-FAILED'
