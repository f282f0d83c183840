#!/bin/bash
# t_cred_route_failover: a route's smarthost lists three hosts, each
# requiring AUTH with the route's credentials: the first is down
# (connection refused), the second answers 451 to MAIL, the third
# accepts: tried in that order (SPEC 6), the message delivered by the
# third with the route's user, exit 0, nothing queued; the global
# smarthost (other credentials) sees nothing.
. "$SRCDIR/tests/lib.sh"
auth=(--auth-plaintext --auth-user routeuser --auth-password 'R0ute-pw'
    --auth-mechs PLAIN)
start_smtpd "${auth[@]}"; dead=$PORT; PD=$PEERDIR
stop_peers			# nothing listens on $dead any more
start_smtpd "${auth[@]}" --reply 'mail=451 4.3.0 busy, try elsewhere'
P2=$PEERDIR port2=$PORT
start_smtpd "${auth[@]}"; P3=$PEERDIR port3=$PORT
start_smtpd --auth-plaintext --auth-user globaluser \
    --auth-password 'Gl0bal-pw' --auth-mechs PLAIN; PG=$PEERDIR G=$PORT
write_conf smarthost "127.0.0.1:$G" auth_user globaluser \
    auth_password 'Gl0bal-pw' auth_plaintext yes
printf '%s\n' 'route *@example.com' \
    "smarthost 127.0.0.1:$dead 127.0.0.1:$port2 127.0.0.1:$port3" \
    'tls none' 'auth_user routeuser' 'auth_password R0ute-pw' \
    'auth_plaintext yes' >>"$CONF"
simple_msg | posthorn_run -f jane@example.com bob@example.org
check_exit 0
check_queue_count 0
PEERDIR=$P2 check_peer_saw '^AUTH-OK PLAIN routeuser$'
PEERDIR=$P2 check_peer_saw '^S: 451 4\.3\.0 busy'
PEERDIR=$P2 check_peer_count 0
PEERDIR=$P3 check_peer_count 1
PEERDIR=$P3 check_peer_saw '^AUTH-OK PLAIN routeuser$'
check_eq "authenticated user" routeuser "$(PEERDIR=$P3 peer_env 1 auth)"
PEERDIR=$PG check_peer_not_saw '^CONNECT'
c2=$(grep -n '^CONNECT' "$P2/session.log" | head -1)
[ -n "$c2" ] || fail "the second host was never tried"
check_log "to=<bob@example\.org>, relay=127\.0\.0\.1\[127\.0\.0\.1\]:$port3, .*status=sent"
