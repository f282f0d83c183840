#!/bin/bash
# t_queue_flush_retire: a flush ends each delivered message by moving its
# envelope out of new/ into tmp/ (a rename: the unlinks, slow on a file
# system mounted with discard, wait until the session is over) and
# unlinks both files before it exits.  Killed in between, what it retired
# is debris: the next flush delivers only what was still queued, nothing
# twice, and removes the retired files at once (no data file is left in
# new/ without its envelope, none in tmp/).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd
write_conf
for i in 1 2 3 4 5 6; do
	simple_msg "retire $i" | posthorn_run -odq "rcpt$i@example.org"
	check_exit 0
done
check_queue_count 6
posthorn_run -q
check_exit 0
check_eq "messages received" 6 "$(peer_total)"
check_queue_count 0
check_new_empty
check_eq "files left in tmp/" 0 "$(tmp_count)"
stop_peers

# killed while the 4th dot's reply is awaited: the first messages are
# retired into tmp/, not yet unlinked
start_smtpd --stall eod:4 --faulty-connections 1
write_conf
for i in 1 2 3 4 5 6; do
	simple_msg "killed $i" | posthorn_run -odq "rcpt$i@example.org"
	check_exit 0
done
"$POSTHORN" -C "$CONF" -q >"$OUT" 2>"$ERR" &
ph=$!
at_exit "kill -KILL $ph 2>/dev/null"
wait_until 20 grep -q '^STALL eod' "$PEERDIR/session.log"
kill9_wait $ph
retired=$(tmp_count)
[ "$retired" -gt 0 ] ||
    fail "nothing in tmp/: delivered messages were not retired there"
left=$(queue_ids | wc -l)
[ "$left" -lt 6 ] || fail "no message left new/ before the kill"
# each retired envelope's data file is still in new/, listed by no one
check_eq "data files in new/" $((left + retired)) \
    "$(find "$SPOOL" -path '*/new/*.msg' | wc -l)"
posthorn_run -bp
check_exit 0
check_eq "messages mailq lists" "$left" \
    "$(grep -c '^[0-9A-F]\{12\}' "$OUT")"
posthorn_run -q
check_exit 0
check_queue_count 0
check_new_empty
peer_subject_counts >"$TESTTMP/counts"
twice=0
for i in 1 2 3 4 5 6; do
	n=$(awk -v s="killed $i" '{ c = $1; $1 = ""; sub(/^ /, "");
	    if ($0 == s) print c }' "$TESTTMP/counts")
	case ${n:-0} in
	1) ;;
	2) twice=$((twice + 1)) ;;
	*) fail "'killed $i' received ${n:-0} times" ;;
	esac
done
# only the message whose dot's reply never came may arrive again
[ $twice -le 1 ] || fail "$twice messages received twice: $(cat "$TESTTMP/counts")"
# what the killed flush retired is gone too
check_eq "files left in tmp/" 0 "$(tmp_count)"
