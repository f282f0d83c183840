#!/bin/bash
# t_smtp_log_lines: the maillog holds one submission line
#   ID: uid=N, from=<sender>, size=N, nrcpt=2, msgid=<...>
# (msgid = the Message-ID that arrived) and one line per recipient
#   ID: to=<rcpt>, relay=host[ip]:port, delay=..., tls=..., dsn=2.0.0,
#   status=sent (250 ...)
# with the keys in that order and the same ID.
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
simple_msg | posthorn_run -f sender@example.net one@example.org two@example.org
check_exit 0
check_peer_count 1
id='[0-9A-F]{12,}'
check_log ": $id: uid=$(id -u), from=<sender@example\.net>, size=[0-9]+, nrcpt=2, msgid=<[^>]+>\$"
for r in one two; do
	check_log ": $id: to=<$r@example\.org>, relay=127\.0\.0\.1\[127\.0\.0\.1\]:$PORT, delay=[0-9]+(\.[0-9]+)?, tls=[^,]+, dsn=2\.0\.0, status=sent \(250 2\.0\.0 Ok: queued as PEER0001\)\$"
done
sub=$(grep -E ": $id: uid=" "$MAILLOG" | sed -E "s/.*: ($id): uid=.*/\1/")
n=$(grep -cE ": $sub: to=<(one|two)@example\.org>, .*status=sent" "$MAILLOG")
check_eq "recipient lines with the submission's id $sub" 2 "$n"
msgid=$(grep -E ": $id: uid=" "$MAILLOG" | sed -E 's/.*msgid=(<[^>]+>)$/\1/')
grep -qiF "Message-ID: $msgid" "$(peer_msg 1)" ||
    fail "msgid=$msgid in the log is not the Message-ID that arrived:" \
	"$(grep -i '^Message-ID:' "$(peer_msg 1)")"
