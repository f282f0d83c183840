#!/bin/bash
# t_smtp_tls_pin_wrong: tls_fingerprint pins another certificate (even one
# a trusted CA signed): refused: no MAIL, queued, exit 0, reason logged.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY"
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    tls_fingerprint "sha256:$BAD_SHA256"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_not_saw '^C: MAIL'
check_log '[Ff]ingerprint|pin|[Cc]ertificate|TLS'
check_log 'to=<bob@example\.org>, .*status=deferred'
