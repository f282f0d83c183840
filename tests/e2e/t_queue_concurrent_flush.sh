#!/bin/bash
# t_queue_concurrent_flush: 200 messages queued with -odq, then two -q runs
# started together over the same queue: every message is delivered exactly
# once (200 distinct Subjects and 200 distinct Message-IDs at the peer, no
# duplicate), and the queue is empty.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
N=200
start_smtpd
write_conf
# queue them, four submissions at a time
queue_range() {	# first last
	local i
	for i in $(seq "$1" "$2"); do
		printf 'Subject: concurrent %03d\nTo: bob@example.org\n\nbody %d\n' \
		    $i $i | timeout 30 "$POSTHORN" -C "$CONF" -odq \
		    -f alice@example.org "rcpt$i@example.org" ||
		    echo "submission $i failed" >>"$TESTTMP/submit.err"
	done
}
pids=()
for k in 0 1 2 3; do
	queue_range $((k * N / 4 + 1)) $(((k + 1) * N / 4)) &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
[ -e "$TESTTMP/submit.err" ] && fail "$(cat "$TESTTMP/submit.err")"
check_queue_count $N
check_peer_not_saw '^CONNECT'

timeout 120 "$POSTHORN" -C "$CONF" -q >"$TESTTMP/q1.out" 2>"$TESTTMP/q1.err" &
q1=$!
timeout 120 "$POSTHORN" -C "$CONF" -q >"$TESTTMP/q2.out" 2>"$TESTTMP/q2.err" &
q2=$!
wait $q1; rc1=$?
wait $q2; rc2=$?
check_eq "exit of the first -q" 0 $rc1
check_eq "exit of the second -q" 0 $rc2
n=$(grep -c '^CONNECT' "$PEERDIR/session.log")
echo "connections: $n; messages per connection:" $("$PYTHON" -c '
import glob, json, sys, collections
c = collections.Counter(json.load(open(f))["connection"]
                        for f in glob.glob(sys.argv[1] + "/msg-*.env"))
print(dict(sorted(c.items())))' "$PEERDIR")

check_queue_count 0
check_new_empty
check_eq "messages received" $N "$(peer_total)"
counts=$(peer_subject_counts)
dups=$(echo "$counts" | awk '$1 != 1')
[ -z "$dups" ] || fail "delivered more than once: $dups"
check_eq "distinct Subjects" $N "$(echo "$counts" | wc -l)"
ids=$(cat "$PEERDIR"/msg-*.eml | tr -d '\r' | grep -i '^Message-ID:' |
    sort | uniq | wc -l)
check_eq "distinct Message-IDs" $N "$ids"
for i in 1 $N; do
	echo "$counts" | grep -q "^1 concurrent $(printf %03d $i)\$" ||
	    fail "message $i missing"
done
