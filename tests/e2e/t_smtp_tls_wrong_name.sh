#!/bin/bash
# t_smtp_tls_wrong_name: the certificate is signed by the trusted test CA
# but names wrong.example, not localhost: refused like an untrusted one:
# no MAIL, queued, exit 0, reason in the maillog.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$WRONG_CERT" --tls-key "$WRONG_KEY"
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_not_saw '^C: MAIL'
check_log '[Cc]ertificate|verif|name|TLS'
check_log 'to=<bob@example\.org>, .*status=deferred'
