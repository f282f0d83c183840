#!/bin/bash
# t_smtp_tls_ip_san: smarthost given as an IP address (127.0.0.1) and a
# certificate whose subjectAltName holds IP:127.0.0.1 (and DNS:localhost):
# the address is what must match, so it verifies and delivers.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --require-tls --tls-cert "$CERT" --tls-key "$KEY"
write_conf smarthost "127.0.0.1:$PORT" tls starttls tls_ca_file "$CA_FILE"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_eq "TLS at the peer" true "$(peer_env 1 tls)"
