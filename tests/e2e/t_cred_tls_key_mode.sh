#!/bin/bash
# t_cred_tls_key_mode: tls_key names a private key readable by group or
# others (0644).  SPEC 6: "every password or key file must not be readable
# by group or others (checked on the open descriptor)"; issue 6: such a
# key file is refused with EX_CONFIG, naming the file and the fix.  So:
# exit 78, stderr names the key file and chmod 600, nothing queued, the
# key never used (no TLS handshake with it: the server records no client
# certificate).
. "$SRCDIR/tests/lib.sh"
make_certs
make_client_cert
chmod 644 "$CLIENT_KEY"
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --client-ca "$CA_FILE"
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    tls_cert "$CLIENT_CERT" tls_key "$CLIENT_KEY"
simple_msg | posthorn_run bob@example.org
check_peer_not_saw '^TLS-CLIENT-CERT CN=posthorn-client'
check_peer_count 0
check_exit 78
check_stderr "$CLIENT_KEY"
check_stderr "chmod (600|0600|go-rwx) $CLIENT_KEY"
check_queue_count 0
