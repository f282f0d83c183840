#!/bin/bash
# t_cred_hardening: while a submission waits for a stalled server (after
# spooling, before AUTH), its process (SPEC 8, issue 6) has
#   - no core dumps (RLIMIT_CORE 0, soft and hard), secrets being in memory;
#   - umask 077, though the caller's umask is 000;
#   - no descriptor inherited from the caller above 2 (fd 7 of the caller,
#     open on a marker file, is not open in posthorn);
# and once it gave up (submit_timeout), every queue file and directory it
# created is private (no group/other bits).
. "$SRCDIR/tests/lib.sh"
start_smtpd --stall greeting
write_conf submit_timeout 4s
marker=$TESTTMP/inherited.marker
: >"$marker"
simple_msg | (umask 000; exec 7<"$marker"; exec "$POSTHORN" -C "$CONF" \
    bob@example.org >"$OUT" 2>"$ERR") &
pid=$!
at_exit "kill -KILL $pid 2>/dev/null"
for i in $(seq 100); do
	grep -q '^STALL greeting' "$PEERDIR/session.log" && break
	sleep 0.1
done
grep -q '^STALL greeting' "$PEERDIR/session.log" ||
    fail "posthorn never reached the stalled greeting"
kill -0 $pid 2>/dev/null || fail "posthorn exited before the checks"
core=$(awk '/^Max core file size/ { print $5, $6 }' /proc/$pid/limits)
check_eq "core size limit (soft hard)" "0 0" "$core"
um=$(awk '/^Umask:/ { print $2 }' /proc/$pid/status)
check_eq "umask" 0077 "$um"
for fd in "/proc/$pid/fd"/*; do
	[ "$(readlink "$fd")" = "$marker" ] &&
	    fail "the caller's descriptor ${fd##*/} on $marker is open in posthorn"
done
wait $pid
RC=$?
echo $RC >"$TESTTMP/.rc"
check_exit 0
check_queue_count 1
loose=$(find "$SPOOL" -mindepth 1 -perm /077 ! -type l)
[ -z "$loose" ] || fail "queue paths readable by others: $loose"
