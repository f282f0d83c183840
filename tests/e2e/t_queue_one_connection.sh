#!/bin/bash
# t_queue_one_connection: 500 messages queued with -odq for one smarthost;
# one flush (-q) delivers all 500 over a single SMTP connection (one
# CONNECT in the server's session log; no RSET: each transaction ends with
# the reply to its dot, RFC 5321 4.1.1.4), each once, and empties the queue.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
N=500
start_smtpd
write_conf
queue_range() {	# first last
	local i
	for i in $(seq "$1" "$2"); do
		printf 'Subject: one connection %03d\nTo: bob@example.org\n\nbody\n' \
		    $i | timeout 30 "$POSTHORN" -C "$CONF" -odq \
		    -f alice@example.org "rcpt$((i % 7))@example.org" ||
		    echo "submission $i failed" >>"$TESTTMP/submit.err"
	done
}
pids=()
for k in 0 1 2 3 4; do
	queue_range $((k * N / 5 + 1)) $(((k + 1) * N / 5)) &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
[ -e "$TESTTMP/submit.err" ] && fail "$(cat "$TESTTMP/submit.err")"
check_queue_count $N
check_peer_not_saw '^CONNECT'

t1=$(date +%s.%N)
RUN_TIMEOUT=120 posthorn_run -q
echo "flush: $(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s"
check_exit 0
check_queue_count 0
check_new_empty
check_eq "messages received" $N "$(peer_total)"
check_eq "connections" 1 "$(grep -c '^CONNECT' "$PEERDIR/session.log")"
check_eq "MAIL commands" $N "$(grep -c '^C: MAIL FROM' "$PEERDIR/session.log")"
check_eq "RSET commands" 0 "$(grep -c '^C: RSET' "$PEERDIR/session.log")"
counts=$(peer_subject_counts)
check_eq "distinct Subjects" $N "$(echo "$counts" | wc -l)"
dups=$(echo "$counts" | awk '$1 != 1')
[ -z "$dups" ] || fail "delivered more than once: $dups"
