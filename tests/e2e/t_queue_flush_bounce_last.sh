#!/bin/bash
# t_queue_flush_bounce_last: a flush sends the bounces it queues in the
# same run, over its own session, even when the message that bounces is
# the last one (its outcome is only read when the run has nothing else to
# send).  Two messages queued; the peer answers the second dot with 550:
# one connection carries the first message, the second, and the bounce to
# the sender; nothing stays queued.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd --reply 'eod:2=550 5.7.1 second message: refused'
write_conf
for i in 1 2; do
	simple_msg "bounce last $i" | posthorn_run -odq -f alice@example.org \
	    "rcpt$i@example.org"
	check_exit 0
done
check_queue_count 2
posthorn_run -q
check_exit 0
check_log 'status=bounced .*550 5\.7\.1 second message'
check_log 'sender non-delivery notification'
check_eq "connections" 1 "$(grep -c '^CONNECT ' "$PEERDIR/session.log")"
check_peer_saw '^C: MAIL FROM:<>'
check_peer_saw '^C: RCPT TO:<alice@example\.org>'
# the first message and the bounce were accepted; the second refused
check_eq "messages received" 2 "$(peer_total)"
check_queue_count 0
check_new_empty
check_failed_count 0
