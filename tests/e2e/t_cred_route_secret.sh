#!/bin/bash
# t_cred_route_secret: each route's secret goes only to the smarthost of
# that route (SPEC 4): the global smarthost G takes user "g" with its own
# password, "route *@example.com" has smarthost R with user "r" and
# another password.  jane@example.com's message reaches R authenticated
# as r; bob@elsewhere.org's reaches G as g; neither server ever sees the
# other's password (in any form, in what the client sent it).
. "$SRCDIR/tests/lib.sh"
start_smtpd --auth-plaintext --auth-user g --auth-password 'G-s3cret-pw' \
    --auth-mechs PLAIN,LOGIN; PG=$PEERDIR G=$PORT
start_smtpd --auth-plaintext --auth-user r --auth-password 'R-s3cret-pw' \
    --auth-mechs PLAIN,LOGIN; PR=$PEERDIR R=$PORT
write_conf smarthost "127.0.0.1:$G" auth_user g auth_password 'G-s3cret-pw' \
    auth_plaintext yes
printf '%s\n' 'route *@example.com' "smarthost 127.0.0.1:$R" 'tls none' \
    'auth_user r' 'auth_password R-s3cret-pw' 'auth_plaintext yes' \
    >>"$CONF"
simple_msg route | posthorn_run -f jane@example.com carol@example.org
check_exit 0
simple_msg global | posthorn_run -f bob@elsewhere.org dave@example.org
check_exit 0
check_queue_count 0
PEERDIR=$PR check_peer_count 1
PEERDIR=$PG check_peer_count 1
PEERDIR=$PR check_msg 1 '^Subject: route'
PEERDIR=$PG check_msg 1 '^Subject: global'
check_eq "user at R" r "$(PEERDIR=$PR peer_env 1 auth)"
check_eq "user at G" g "$(PEERDIR=$PG peer_env 1 auth)"
PEERDIR=$PR check_peer_not_saw '^AUTH-FAILED'
PEERDIR=$PG check_peer_not_saw '^AUTH-FAILED'
check_no_secret_in g 'G-s3cret-pw' "$PR"
check_no_secret_in r 'R-s3cret-pw' "$PG"
