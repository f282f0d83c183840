#!/bin/bash
# t_compat_personality: posthorn chooses its personality from
# basename(argv[0]) (SPEC 1, 2): installed as links named sendmail, mailq
# and newaliases; -C is read in every personality.
#
# Asserted, with symbolic links to the binary:
# - "mailq": exactly the output of "sendmail -bp" ("Mail queue is empty"
#   first; then, with a message queued by -odq, the same listing of it),
#   exit 0, no message read or sent;
# - "newaliases": the summary line of -bi, exit 0;
# - "sendmail", "posthorn" and any other name ("mail-wrapper",
#   "mailq.old", "xnewaliases"): a submission that is delivered (the
#   message reaches the peer), exit 0.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

start_smtpd
write_aliases <<'EOF_A'
root: sysadmin@example.net
EOF_A
write_conf aliases "$ALIASES"

# mailq, empty queue
posthorn_run -bp </dev/null
check_exit 0
check_out_line "Mail queue is empty"
bp=$(cat "$OUT")
run_as_link mailq </dev/null
check_exit 0
check_eq "mailq output (empty queue)" "$bp" "$(cat "$OUT")"

# mailq, one message queued
simple_msg queued | posthorn_run -odq bob@example.com
check_exit 0
check_queue_count 1
posthorn_run -bp </dev/null
check_exit 0
check_out 'bob@example\.com'
check_out '^-- [0-9]+ Kbytes in 1 Request\.$'
bp=$(cat "$OUT")
run_as_link mailq </dev/null
check_exit 0
check_eq "mailq output (one message)" "$bp" "$(cat "$OUT")"
check_queue_count 1
check_peer_count 0

# newaliases
posthorn_run -bi </dev/null
check_exit 0
bi=$(cat "$OUT")
run_as_link newaliases </dev/null
check_exit 0
check_eq "newaliases output" "$bi" "$(cat "$OUT")"
check_out "^$ALIASES: 1 aliases, "
check_peer_count 0

# every other name submits
n=0
for name in sendmail posthorn mail-wrapper mailq.old xnewaliases; do
	simple_msg "as $name" | run_as_link "$name" carol@example.com
	check_exit 0
	n=$((n + 1))
	check_peer_count $n
	check_msg $n "^Subject: as $name"
	check_rcpts $n carol@example.com
done
check_queue_count 1	# the -odq message, still waiting
