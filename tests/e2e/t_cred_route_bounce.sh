#!/bin/bash
# t_cred_route_bounce: a bounce uses the global keys, even where a
# catch-all "route *" would match anything (SPEC 6: "no match (and every
# bounce) uses the global keys"): jane@example.org's message goes through
# the route's smarthost R, which rejects the recipient with 550; with -oem
# posthorn mails a DSN from the null sender to jane - and that DSN goes to
# the global smarthost G, never to R.  A message submitted with -f '<>'
# goes to G as well.
. "$SRCDIR/tests/lib.sh"
start_smtpd; PG=$PEERDIR G=$PORT
start_smtpd --reply 'rcpt=550 5.1.1 no such user here'; PR=$PEERDIR R=$PORT
write_conf smarthost "127.0.0.1:$G"
printf '%s\n' 'route *' "smarthost 127.0.0.1:$R" 'tls none' >>"$CONF"

printf 'Subject: to be bounced\nTo: bob@example.org\n\nx\n' |
    posthorn_run -oem -f jane@example.org bob@example.org
check_exit 0
PEERDIR=$PR check_peer_saw '^C: RCPT TO:<bob@example\.org>'
PEERDIR=$PR check_peer_count 0
PEERDIR=$PR check_peer_not_saw '^C: MAIL FROM:<>'
PEERDIR=$PG check_peer_count 1
check_eq "bounce sender" "" "$(PEERDIR=$PG peer_env 1 mail_from)"
check_eq "bounce recipient" jane@example.org "$(PEERDIR=$PG peer_env 1 rcpt_tos)"
PEERDIR=$PG check_msg 1 '^Content-Type: multipart/report'
check_queue_count 0

printf 'Subject: null sender\nTo: bob@example.org\n\nx\n' |
    posthorn_run -f '<>' carol@example.org
check_exit 0
PEERDIR=$PG check_peer_count 2
check_eq "null sender" "" "$(PEERDIR=$PG peer_env 2 mail_from)"
PEERDIR=$PR check_peer_not_saw 'carol@example\.org'
check_queue_count 0
