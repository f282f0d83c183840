#!/bin/bash
# t_cred_from_rewrite: "route *@internal.example" with from
# relay@ses.example and from_rewrite yes (SPEC 6, as SES or Microsoft 365
# demand): a message from jane@internal.example with the header
# 'From: "Jane Doe" <jane@internal.example>' goes to the route's
# smarthost (the route is chosen by the sender as submitted) with MAIL
# FROM:<relay@ses.example> and 'From: "Jane Doe" <relay@ses.example>' - the
# address changed, the display name kept.  A generated From (no From
# header, -F) shows the rewritten address too.  A sender outside the route
# is not rewritten.
. "$SRCDIR/tests/lib.sh"
start_smtpd; PR=$PEERDIR R=$PORT
start_smtpd; PG=$PEERDIR G=$PORT
write_conf smarthost "127.0.0.1:$G"
printf '%s\n' 'route *@internal.example' "smarthost 127.0.0.1:$R" \
    'tls none' 'from relay@ses.example' 'from_rewrite yes' >>"$CONF"

printf '%s\n' 'From: "Jane Doe" <jane@internal.example>' \
    'To: bob@example.org' 'Subject: rewrite 1' '' 'body' |
    posthorn_run -f jane@internal.example bob@example.org
check_exit 0
PEERDIR=$PR check_peer_count 1
check_eq "MAIL FROM" relay@ses.example "$(PEERDIR=$PR peer_env 1 mail_from)"
PEERDIR=$PR check_msg 1 '^From: "Jane Doe" <relay@ses\.example>'$'\r''$'
PEERDIR=$PR check_msg_not 1 '^(From|Sender|Return-Path):.*jane@internal'

printf '%s\n' 'To: bob@example.org' 'Subject: rewrite 2' '' 'body' |
    posthorn_run -F 'Jane Q. Doe' -f jane@internal.example bob@example.org
check_exit 0
PEERDIR=$PR check_peer_count 2
check_eq "MAIL FROM (generated From)" relay@ses.example \
    "$(PEERDIR=$PR peer_env 2 mail_from)"
PEERDIR=$PR check_msg 2 '^From: .*Jane Q\. Doe.*<relay@ses\.example>'

printf '%s\n' 'From: "Bob" <bob@outside.example>' 'To: carol@example.org' \
    'Subject: not rewritten' '' 'body' |
    posthorn_run -f bob@outside.example carol@example.org
check_exit 0
PEERDIR=$PG check_peer_count 1
check_eq "MAIL FROM outside the route" bob@outside.example \
    "$(PEERDIR=$PG peer_env 1 mail_from)"
PEERDIR=$PG check_msg 1 '^From: "Bob" <bob@outside\.example>'
PEERDIR=$PR check_peer_count 2
check_queue_count 0
