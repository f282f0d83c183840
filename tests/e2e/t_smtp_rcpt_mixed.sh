#!/bin/bash
# t_smtp_rcpt_mixed: three recipients: one refused (550), one deferred
# (451), one accepted: exit 67 (a permanent RCPT refusal, SPEC 2) with the
# refusal on stderr, delivered to the good one, the message kept queued for
# the deferred one only.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'rcpt:bad@example.org=550 5.1.1 bad: unknown user' \
    --reply 'rcpt:later@example.org=451 4.2.1 later: try again'
write_conf
simple_msg | posthorn_run bad@example.org later@example.org good@example.org
check_exit 67
check_queue_count 1
check_peer_count 1
check_eq "envelope recipients" good@example.org "$(peer_env 1 rcpt_tos)"
check_stderr '550 5\.1\.1 bad: unknown user'
check_log 'to=<good@example\.org>, .*status=sent'
check_log 'to=<later@example\.org>, .*status=deferred'
grep -q 'later@example\.org' "$SPOOL"/*/new/*.env ||
    fail "the queued envelope does not name later@example.org"
