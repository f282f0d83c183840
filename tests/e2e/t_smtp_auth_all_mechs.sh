#!/bin/bash
# t_smtp_auth_all_mechs: the server offers PLAIN, LOGIN and CRAM-MD5:
# posthorn picks one, authenticates, delivers.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --require-tls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'Tr0ub4dor-3x'
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password 'Tr0ub4dor-3x'
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_saw '^AUTH-OK (PLAIN|LOGIN|CRAM-MD5) alice$'
check_eq "authenticated user" alice "$(peer_env 1 auth)"
