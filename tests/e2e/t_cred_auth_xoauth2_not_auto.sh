#!/bin/bash
# t_cred_auth_xoauth2_not_auto: without auth_mechanism, XOAUTH2 is never
# picked (its secret is a token, not a password): a server offering
# XOAUTH2 and PLAIN gets AUTH PLAIN; a server offering only XOAUTH2 gets
# no AUTH command at all and the message stays queued (exit 0) with a
# reason naming the mechanisms.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'pl4in-pw' --auth-mechs XOAUTH2,PLAIN
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password 'pl4in-pw'
simple_msg | posthorn_run bob@example.org
check_exit 0
check_peer_count 1
check_peer_not_saw '^C: AUTH XOAUTH2'
check_peer_saw '^AUTH-OK PLAIN alice$'
stop_peers

start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'pl4in-pw' --auth-mechs XOAUTH2
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password 'pl4in-pw'
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_not_saw '^C: AUTH'
check_log 'XOAUTH2'
check_log 'to=<bob@example\.org>, .*status=deferred'
