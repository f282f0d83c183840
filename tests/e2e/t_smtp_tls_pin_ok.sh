#!/bin/bash
# t_smtp_tls_pin_ok: tls_fingerprint sha256:<the server certificate's hash>
# pins the certificate instead of a CA (no tls_ca_file: the test CA is not
# in the system store): delivered inside TLS.  Colons in the hex are
# optional (SPEC 6); they are used here.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --require-tls --tls-cert "$CERT" --tls-key "$KEY"
pin=$(echo "$CERT_SHA256" | sed 's/../&:/g; s/:$//')
write_conf smarthost "localhost:$PORT" tls starttls \
    tls_fingerprint "sha256:$pin"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_eq "TLS at the peer" true "$(peer_env 1 tls)"
