#!/bin/bash
# t_smtp_auth_plain: AUTH PLAIN (the only mechanism the server offers) after
# STARTTLS, against a server that checks the credentials and requires AUTH:
# delivered, the server saw the user authenticated.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --require-tls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'Tr0ub4dor-3x' --auth-mechs PLAIN
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password 'Tr0ub4dor-3x'
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_saw '^C: AUTH PLAIN'
check_peer_saw '^AUTH-OK PLAIN alice$'
check_eq "authenticated user" alice "$(peer_env 1 auth)"
