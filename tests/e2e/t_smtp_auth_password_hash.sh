#!/bin/bash
# t_smtp_auth_password_hash: a password holding '#' and a space works (SPEC
# 6: the value is the rest of the line, a '#' inside it is part of it).
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'p#ss w0rd#' --auth-mechs PLAIN
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password 'p#ss w0rd#'
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_saw '^AUTH-OK PLAIN alice$'
