#!/bin/bash
# t_queue_pipelined_outcomes: a flush pipelines each message's final dot
# with the next message's MAIL, RCPT and DATA (RFC 2920 3.1), and every
# message still gets its own outcome.  Seven messages queued; on the first
# connection the peer answers the 2nd dot with 451, the 3rd with 550, and
# drops the connection after the 5th dot (the 6th message's commands are
# already sent by then).  Then: the 1st and 4th are delivered and removed;
# the 2nd is deferred with its 451; the 3rd is bounced; the 5th
# ("possible duplicate") and the 6th are
# deferred; the 7th goes over a new connection, and the bounce after it
# over the same one (a flush delivers the bounces it queues at the end of
# its run, on its own session).  No RSET is sent (each transaction ended
# with its dot's reply).  A forced flush then delivers the three left, and
# no message reached the peer twice.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd --faulty-connections 1 \
    --reply 'eod:2=451 4.3.0 second message: try again later' \
    --reply 'eod:3=550 5.7.1 third message: refused' \
    --drop 'eod:5'
write_conf
for i in 1 2 3 4 5 6 7; do
	simple_msg "pipelined $i" | posthorn_run -odq -f alice@example.org \
	    "rcpt$i@example.org"
	check_exit 0
done
check_queue_count 7

posthorn_run -q
check_exit 0
check_peer_saw '^PIPELINED MAIL'
check_peer_not_saw '^C: RSET'
# which message went where: the RCPT commands of the first connection
# (the peer dropped it before reading the 6th message's), in order; the
# second carries the 7th message's, then the bounce's (to alice)
rcpts() {	# awk program choosing the lines
	awk "$1" "$PEERDIR/session.log" |
	    sed -n 's/^C: RCPT TO:<\(rcpt[0-9]\)@.*/\1/p'
}
order=$(rcpts '/^CONNECT 2 /{exit} {print}')
check_eq "transactions the peer read on the first connection" 5 \
    "$(echo "$order" | wc -l)"
check_eq "connections" 2 "$(grep -c '^CONNECT ' "$PEERDIR/session.log")"
check_eq "RCPTs on the second connection" \
    "$(printf '%s\n' rcpt alice)" \
    "$(awk '/^CONNECT 2 /{on=1} on' "$PEERDIR/session.log" |
    sed -n 's/^C: RCPT TO:<\([a-z]*\)[0-9]*@.*/\1/p')"
seventh=$(rcpts '/^CONNECT 2 /{on=1} on{print}')
sixth=$(printf 'rcpt%d\n' 1 2 3 4 5 6 7 |
    grep -v -x -F -e "$seventh" -e "$order")
order=$(printf '%s\n' "$order" "$sixth" "$seventh")
check_eq "seven messages on the wire" 7 "$(echo "$order" | sort -u | wc -l)"
r() { echo "$order" | sed -n "${1}p"; }
check_log "to=<$(r 1)@example\.org>, .*status=sent"
check_log "to=<$(r 2)@example\.org>, .*dsn=4\.3\.0, status=deferred .*451 4\.3\.0 second message"
check_log "to=<$(r 3)@example\.org>, .*dsn=5\.7\.1, status=bounced .*550 5\.7\.1 third message"
check_log "to=<$(r 4)@example\.org>, .*status=sent"
check_log "to=<$(r 5)@example\.org>, .*status=deferred"
check_log "to=<$(r 6)@example\.org>, .*status=deferred"
check_log 'no reply after the final dot: .*possible duplicate'
check_log 'sender non-delivery notification'
check_log "to=<$(r 7)@example\.org>, .*status=sent"
for k in 1 3 4 7; do
	n=$(grep -l "^rcpt [a-z]* $(r $k)@" "$SPOOL"/*/new/*.env 2>/dev/null |
	    wc -l)
	check_eq "$(r $k) still queued" 0 "$n"
done
for k in 2 5 6; do
	check_eq "$(r $k) queued, pending" 1 "$(grep -l \
	    "^rcpt pending $(r $k)@" "$SPOOL"/*/new/*.env | wc -l)"
done
check_queue_count 3
grep -q "^reply .*said: 451 4\.3\.0 second message" $(grep -l "$(r 2)@" \
    "$SPOOL"/*/new/*.env) || fail "$(r 2): the 451 is not its last reply"
# the 1st, 4th and 7th, and the bounce to alice
check_eq "messages received" 4 "$(peer_total)"

posthorn_run -qSalice
check_exit 0
check_queue_count 0
check_new_empty
# the 2nd, 5th and 6th too; the 3rd never (refused)
check_eq "messages received" 7 "$(peer_total)"
counts=$(peer_subject_counts | grep 'pipelined')
check_eq "distinct messages" 6 "$(echo "$counts" | wc -l)"
dups=$(echo "$counts" | awk '$1 != 1')
[ -z "$dups" ] || fail "delivered more than once: $dups"
