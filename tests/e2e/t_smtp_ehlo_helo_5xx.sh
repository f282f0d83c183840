#!/bin/bash
# t_smtp_ehlo_helo_5xx: the server refuses both EHLO and HELO with 5xx.
# The SPEC names no exit code for a refused session; whatever posthorn
# chooses, the message is neither sent nor silently lost: either kept
# queued (exit 0) or reported as a permanent failure (exit 69 with the
# reply on stderr).
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'ehlo=550 5.7.1 ehlo refused' \
    --reply 'helo=550 5.7.1 helo refused'
write_conf
simple_msg | posthorn_run bob@example.org
check_peer_count 0
check_peer_not_saw '^C: MAIL'
case $RC in
0)	check_queue_count 1 ;;
69)	check_queue_count 0; check_stderr '550 5\.7\.1 (ehlo|helo) refused' ;;
*)	fail "exit status: expected 0 (queued) or 69 (refused), got $RC" ;;
esac
check_log '550 5\.7\.1 (ehlo|helo) refused'
