#!/bin/bash
# t_smtp_auth_4xx: AUTH answered "454 4.7.0 temporary authentication
# failure": deferred: exit 0, queued, no MAIL, the reply in the maillog.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'Tr0ub4dor-3x' \
    --reply 'auth=454 4.7.0 temporary authentication failure'
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password 'Tr0ub4dor-3x'
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_not_saw '^C: MAIL'
check_log '454 4\.7\.0 temporary authentication failure'
