#!/bin/bash
# t_cred_client_cert_missing: the server requires a TLS client certificate
# and posthorn has no tls_cert: the handshake fails (the server refuses),
# nothing is sent (no MAIL), the message stays queued, exit 0, the TLS
# failure in the maillog.  Likewise with a certificate of the wrong CA
# (the server certificate of another CA used as a client certificate).
. "$SRCDIR/tests/lib.sh"
make_certs
make_client_cert
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --client-ca "$CA_FILE"
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_not_saw '^C: MAIL'
check_peer_not_saw '^TLS-CLIENT-CERT CN='
check_peer_saw '^TLS-FAILED .*(PEER_DID_NOT_RETURN_A_CERTIFICATE|certificate)'
check_log 'to=<bob@example\.org>, .*status=deferred'
check_log '[Cc]ertificate|TLS|SSL|alert'

chmod 600 "$BAD_KEY"
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    tls_cert "$BAD_CERT" tls_key "$BAD_KEY"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 2
check_peer_count 0
check_peer_not_saw '^C: MAIL'
