#!/bin/bash
# t_smtp_rcpt_4xx_partial: one recipient deferred with 451, the other
# accepted: delivered to the good one, exit 0, the message stays queued for
# the deferred one only.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'rcpt:later@example.org=451 4.2.1 later: mailbox locked'
write_conf
simple_msg | posthorn_run later@example.org good@example.org
check_exit 0
check_queue_count 1
check_peer_count 1
check_eq "envelope recipients" "good@example.org" "$(peer_env 1 rcpt_tos)"
check_log 'to=<good@example\.org>, .*status=sent'
check_log 'to=<later@example\.org>, .*status=deferred.*451 4\.2\.1 later: mailbox locked'
grep -q 'later@example\.org' "$SPOOL"/*/new/*.env ||
    fail "the queued envelope does not name later@example.org"
