#!/bin/bash
# t_smtp_tls_min_version: a server that speaks at most TLS 1.2: accepted by
# default (tls=TLSv1.2 in the log), refused with tls_min_version TLSv1.3
# (nothing sent, queued, exit 0).
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" --tls-max 1.2
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_peer_count 1
check_eq "TLS version at the peer" TLSv1.2 "$(peer_env 1 tls_version)"
check_log 'to=<bob@example\.org>, .*tls=TLSv1\.2, .*status=sent'
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    tls_min_version TLSv1.3
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 1
n=$(grep -c '^C: MAIL' "$PEERDIR/session.log")
check_eq "MAIL commands (the second attempt sends none)" 1 "$n"
