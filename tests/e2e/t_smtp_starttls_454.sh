#!/bin/bash
# t_smtp_starttls_454: tls starttls and the server answers STARTTLS with
# "454 4.7.0 TLS not available": never falls back to clear text: no MAIL,
# queued, exit 0, the reply in the maillog.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --reply 'starttls=454 4.7.0 TLS not available due to temporary reason'
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_not_saw '^C: MAIL'
check_log '454 4\.7\.0 TLS not available'
