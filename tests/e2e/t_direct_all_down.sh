#!/bin/bash
# t_direct_all_down: no MX host can take the message (the primary refuses
# connections, the secondary answers 421): exit 0, the message is queued,
# the log says deferred and mailq shows the LAST error (the secondary's
# 421 text, not the primary's refusal).  Then the primary comes up and a
# forced flush (-qI<id>) delivers it once; a further -q sends nothing.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
down.test. MX 10 mx1.down.test.
down.test. MX 20 mx2.down.test.
mx1.down.test. A $NET.2
mx2.down.test. A $NET.3
EOF_DNS
mx_peer second $NET.3 --reply 'greeting=421 4.3.2 mx2 shutting down'
direct_conf
start=$(date +%s)
simple_msg "all down" | posthorn_run -f alice@example.org bob@down.test
check_exit 0
check_took_at_most 10 "$start"
check_queue_count 1
id=$(direct_ids)
check_log "$id: to=<bob@down\.test>, .*dsn=4\.[0-9.]+, status=deferred \(.*mx2 shutting down"
check_mailq "^$id"
check_mailq '^\(.*mx2 shutting down.*\)$'
check_mailq '^ +bob@down\.test$'
check_count_at "$second" 0

# the primary comes back
mx_peer first $NET.2
posthorn_run -qI"$id"
check_exit 0
check_queue_count 0
check_count_at "$first" 1
PEERDIR=$first check_msg 1 '^Subject: all down'
check_eq "envelope recipients" bob@down.test "$(rcpts_of "$first")"
check_log "$id: to=<bob@down\.test>, relay=mx1\.down\.test\[${NET//./\\.}\.2\]:25, .*status=sent"
posthorn_run -q
check_exit 0
check_count_at "$first" 1
check_count_at "$second" 0
