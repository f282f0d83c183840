#!/bin/bash
# t_smtp_tls_untrusted: the server's certificate comes from a CA that
# tls_ca_file does not hold: the handshake is refused, nothing is sent (no
# MAIL), the message stays queued, exit 0, the reason in the maillog.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$BAD_CERT" --tls-key "$BAD_KEY"
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_not_saw '^C: MAIL'
check_peer_not_saw '^TLS TLSv'
check_log '[Cc]ertificate|verif|TLS'
check_log 'to=<bob@example\.org>, .*status=deferred'
