#!/bin/bash
# t_compat_bv_route: "-bv" reports the route the submission would take, and
# routes depend on the envelope sender (SPEC 6 "route PATTERN"), so
# "sendmail -f SENDER -bv addr" shows the smarthost and TLS policy of
# SENDER's route, as a real submission with that -f would use.
#
# Asserted: with the global smarthost a closed port and a route for
# *@example.com to the peer, a submission with -f app@example.com reaches
# the peer (the route works); then -bv with the same -f names the peer
# (127.0.0.1:PORT, tls=none), and without -f names the global smarthost;
# exit 0; -bv sends nothing.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

start_smtpd
write_aliases </dev/null
write_conf aliases "$ALIASES" smarthost relay.invalid:587 tls starttls
conf_add route '*@example.com'
conf_add smarthost "127.0.0.1:$PORT"
conf_add tls none

simple_msg routed | posthorn_run -f app@example.com bob@example.net
check_exit 0
check_peer_count 1
check_sender 1 app@example.com

posthorn_run -bv bob@example.net </dev/null
check_exit 0
check_out_line "bob@example.net: deliverable via relay.invalid:587 (tls=starttls)"

posthorn_run -f app@example.com -bv bob@example.net </dev/null
check_exit 0
check_out_line "bob@example.net: deliverable via 127.0.0.1:$PORT (tls=none)"
check_peer_count 1
[ "$(grep -c '^CONNECT ' "$PEERDIR/session.log")" = 1 ] ||
    fail "-bv connected to the peer"
