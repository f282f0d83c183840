#!/bin/bash
# t_queue_kill_stdin: posthorn killed with SIGKILL while it is still
# reading the message from stdin (fed slowly through a fifo): nothing is
# delivered, then or by any later flush (plain or forced), nothing is left
# in new/, and leftovers in tmp/ are removed by a later run once they are
# old (their mtime moved back two hours); a new submission then works.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd
write_conf
mkfifo "$TESTTMP/fifo"
# the writer: headers and 300 KB of body, then it keeps the fifo open (no
# EOF) until it is killed
(
	printf 'Subject: killed while reading\nTo: bob@example.org\n\n'
	for i in $(seq 3000); do
		printf 'line %05d of a message that never ends %050d\n' $i 0
	done
	touch "$TESTTMP/written"
	exec sleep 60
) >"$TESTTMP/fifo" &
writer=$!
at_exit "kill -KILL $writer 2>/dev/null"
"$POSTHORN" -C "$CONF" -f alice@example.org bob@example.org \
    <"$TESTTMP/fifo" >"$OUT" 2>"$ERR" &
ph=$!
at_exit "kill -KILL $ph 2>/dev/null"
# all 300 KB written: posthorn has read at least all but a pipe's worth
wait_until 20 test -e "$TESTTMP/written"
kill -0 $ph 2>/dev/null || fail "posthorn exited before EOF: $(cat "$ERR")"
sleep 0.2
kill -0 $ph 2>/dev/null || fail "posthorn exited before EOF: $(cat "$ERR")"
kill9_wait $ph
kill9_wait $writer

check_queue_count 0
check_new_empty
check_peer_not_saw '^CONNECT'
echo "tmp/ debris after the kill: $(tmp_count)"

# later runs, plain and forced, deliver nothing
posthorn_run -q
check_exit 0
posthorn_run -qR@
check_exit 0
posthorn_run -qS@
check_exit 0
check_peer_not_saw '^CONNECT'
check_queue_count 0
posthorn_run -bp
grep -q 'Mail queue is empty' "$OUT" || fail "mailq: $(cat "$OUT")"

# an hour later the debris is gone, still nothing delivered
find "$SPOOL" -mindepth 3 -path '*/tmp/*' -exec touch -h -d '-2 hours' {} +
posthorn_run -q
check_exit 0
check_eq "files left in tmp/ by the killed run, after a later -q" 0 \
    "$(tmp_count)"
check_peer_not_saw '^CONNECT'

# and the queue works
simple_msg "after the crash" | posthorn_run bob@example.org
check_exit 0
check_peer_count 1
check_msg 1 '^Subject: after the crash'
check_queue_count 0
