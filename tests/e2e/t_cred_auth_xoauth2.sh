#!/bin/bash
# t_cred_auth_xoauth2: auth_mechanism xoauth2 with the bearer token from
# auth_password_command, against a server that offers XOAUTH2 (and PLAIN)
# and verifies "user=alice^Aauth=Bearer TOKEN^A^A": AUTH XOAUTH2 is used,
# the message delivered (exit 0, nothing queued), the server saw alice
# authenticated.
. "$SRCDIR/tests/lib.sh"
make_certs
tok='ya29.a0AfB_byC-t0k3n.value'
printf '%s\n' "$tok" >"$TESTTMP/token"
chmod 600 "$TESTTMP/token"
start_smtpd --starttls --require-tls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password "$tok" --auth-mechs PLAIN,XOAUTH2
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_mechanism xoauth2 \
    auth_password_command "cat $TESTTMP/token"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_saw '^C: AUTH XOAUTH2 '
check_peer_not_saw '^C: AUTH PLAIN'
check_peer_saw '^AUTH-OK XOAUTH2 alice$'
check_eq "authenticated user" alice "$(peer_env 1 auth)"
