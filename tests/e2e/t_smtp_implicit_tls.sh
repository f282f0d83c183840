#!/bin/bash
# t_smtp_implicit_tls: tls implicit (TLS from the first byte, as on port
# 465) with the test CA: delivered inside TLS.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --implicit-tls --tls-cert "$CERT" --tls-key "$KEY"
write_conf smarthost "localhost:$PORT" tls implicit tls_ca_file "$CA_FILE"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_not_saw '^C: STARTTLS'
check_eq "TLS at the peer" true "$(peer_env 1 tls)"
check_log 'to=<bob@example\.org>, .*tls=TLSv1\.[23], .*status=sent'
