#!/bin/bash
# t_queue_root_flush_users: two unprivileged users (created for the test)
# each queue a message with -odq through the system configuration; each
# queue is a 0700 directory owned by its user.  Root's "sendmail -q"
# delivers both, and the process that holds each SMTP connection runs as
# the queue's owner: while the peer stalls at QUIT, ss(8) names the
# process holding the connection and /proc/PID/status shows its real,
# effective, saved and filesystem uid and gid, all the owner's, with no
# supplementary group but the user's own.  The peer sees each message once, with
# posthorn's "Received: ... from userid N" of its submitter.
. "$SRCDIR/tests/queue_lib.sh"
private_etc "$@"
. "$SRCDIR/tests/lib.sh"
[ "$(id -u)" = 0 ] || fail "needs root"
ua=phqa$$ ub=phqb$$
test_user $ua; uida=$TU_UID gida=$TU_GID
test_user $ub; uidb=$TU_UID gidb=$TU_GID
start_smtpd --stall quit
root_sysconf timeout_command 3s
for u in $ua $ub; do
	printf 'Subject: from %s\nTo: bob@example.org\n\nhello\n' $u |
	    posthorn_as $u -odq "to-$u@example.org"
	check_exit 0
done
check_queue_count 2
qa=$(queue_dir_of $uida) || fail "no queue owned by $ua"
qb=$(queue_dir_of $uidb) || fail "no queue owned by $ub"
check_eq "$ua's queue" "$SPOOL/$uida 700 $uida" "$qa $(stat -c '%a %u' "$qa")"
check_eq "$ub's queue" "$SPOOL/$uidb 700 $uidb" "$qb $(stat -c '%a %u' "$qb")"

root_flush &
fl=$!
at_exit "kill -KILL $fl 2>/dev/null"
: >"$TESTTMP/seen"
for i in $(seq 400); do		# at most 40 s
	kill -0 $fl 2>/dev/null || break
	ss -Htnp state established "( dport = :$PORT )" 2>/dev/null |
	    grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u |
	while read -r pid; do
		st=/proc/$pid/status
		u=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$st" 2>/dev/null)
		g=$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "$st" 2>/dev/null)
		gr=$(awk '/^Groups:/ { $1 = ""; print }' "$st" 2>/dev/null)
		[ -n "$u" ] && echo "pid=$pid uid=$u gid=$g groups=$gr"
	done >>"$TESTTMP/seen"
	sleep 0.1
done
wait $fl
echo "root's flush exited $?"
echo "processes seen holding a connection to the peer:"
sort -u "$TESTTMP/seen"

check_peer_count 2
check_queue_count 0
grep -Eq "^pid=[0-9]+ uid=$uida $uida $uida $uida gid=$gida $gida $gida $gida groups= *($gida)? *\$" \
    "$TESTTMP/seen" ||
    fail "no connection held by a process running only as $ua ($uida:$gida)"
grep -Eq "^pid=[0-9]+ uid=$uidb $uidb $uidb $uidb gid=$gidb $gidb $gidb $gidb groups= *($gidb)? *\$" \
    "$TESTTMP/seen" ||
    fail "no connection held by a process running only as $ub ($uidb:$gidb)"
grep -Eq 'uid=([0-9]+ )*0( |$)|gid=([0-9]+ )*0( |$)|groups=.* 0( |$)' "$TESTTMP/seen" &&
    fail "a connection was held by a process with root's uid or gid"

for n in 1 2; do
	to=$(peer_env $n rcpt_tos)
	case $to in
	to-$ua@example.org) uid=$uida ;;
	to-$ub@example.org) uid=$uidb ;;
	*) fail "unexpected recipient $to" ;;
	esac
	check_msg $n "^Received: by test\\.example \\(posthorn, from userid $uid\\)"
done
check_log "to=<to-$ua@example\\.org>, .*status=sent"
check_log "to=<to-$ub@example\\.org>, .*status=sent"
