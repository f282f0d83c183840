#!/bin/bash
# t_smtp_auth_plaintext_yes: tls none plus auth_plaintext yes (a relay on
# loopback): AUTH in clear is allowed, and the message is delivered.
. "$SRCDIR/tests/lib.sh"
start_smtpd --auth-plaintext --auth-user alice --auth-password 'Cl34r-t3xt' \
    --auth-mechs PLAIN
write_conf auth_user alice auth_password 'Cl34r-t3xt' auth_plaintext yes
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_saw '^AUTH-OK PLAIN alice$'
check_eq "authenticated user" alice "$(peer_env 1 auth)"
