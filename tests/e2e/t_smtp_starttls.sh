#!/bin/bash
# t_smtp_starttls: tls starttls with tls_ca_file = the test CA: STARTTLS,
# the certificate verifies for "localhost", the message goes inside TLS,
# and the log line says which TLS version.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --require-tls --tls-cert "$CERT" --tls-key "$KEY"
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_saw '^C: STARTTLS$'
check_peer_saw '^TLS TLSv1\.[23] '
check_eq "TLS at the peer" true "$(peer_env 1 tls)"
check_log 'to=<bob@example\.org>, relay=localhost\[127\.0\.0\.1\]:'"$PORT"', .*tls=TLSv1\.[23], .*status=sent'
