#!/bin/bash
# t_smtp_auth_needs_tls: tls none with auth_user/auth_password but without
# auth_plaintext, and a server that offers AUTH in clear: the password must
# never cross the wire in clear: no AUTH command reaches the server.
# Either a configuration error (exit 78, nothing queued) or a deferral
# (exit 0, queued) is accepted; a delivery is not.
. "$SRCDIR/tests/lib.sh"
start_smtpd --auth-plaintext --auth-user alice --auth-password 'Cl34r-t3xt'
write_conf auth_user alice auth_password 'Cl34r-t3xt'
simple_msg | posthorn_run bob@example.org
check_peer_not_saw '^C: AUTH'
check_no_secret "what the server received" "$PEERDIR/session.log" \
    alice 'Cl34r-t3xt'
check_peer_count 0
case $RC in
0)	check_queue_count 1 ;;
78)	check_queue_count 0 ;;
*)	fail "exit status: expected 0 (deferred) or 78 (config), got $RC" ;;
esac
