#!/bin/bash
# t_queue_disk_full: spool_dir on a 1 MB tmpfs.  A 3 MB message fails with
# a non-zero exit among EX_CANTCREAT/EX_IOERR/EX_TEMPFAIL (73/74/75) and a
# stderr line naming the problem, and leaves no file in new/ or tmp/; a
# small message afterwards is queued and delivered.  Then the disk is
# filled up to leave 0..44 KB free and a 10 KB message is submitted at each
# level: every time either exit 0 with a complete message in new/, or a
# 73/74/75 exit with nothing added to new/ (never a half message).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
[ "$(id -u)" = 0 ] || fail "needs root (mount)"
SMALL=$TESTTMP/small
mkdir -p "$SMALL"
mount -t tmpfs -o size=1m,mode=0755 tmpfs "$SMALL" || fail "cannot mount a tmpfs"
at_exit "umount -l '$SMALL'"
SPOOL=$SMALL/spool
mkdir -p "$SPOOL" && chmod 1777 "$SPOOL"
start_smtpd
write_conf spool_dir "$SPOOL"

big_msg() {
	printf 'Subject: too big\nTo: bob@example.org\n\n'
	head -c 3000000 /dev/zero | tr '\0' 'x' | fold -w 76
}
big_msg | posthorn_run -f alice@example.org bob@example.org
case $RC in
73|74|75) ;;
*) fail "a message larger than the disk: exit $RC, expected 73, 74 or 75" ;;
esac
check_stderr '[Nn]o space|[Dd]isk|full|ENOSPC|quota'
check_queue_count 0
check_new_empty
check_eq "files left in tmp/ by the failed submission" 0 "$(tmp_count)"
check_peer_not_saw '^CONNECT'

simple_msg "small after full" | posthorn_run -f alice@example.org bob@example.org
check_exit 0
check_peer_count 1
check_msg 1 '^Subject: small after full'
check_queue_count 0

# fill the disk, then free FREE KB of it, and submit 10 KB each time
msg10k() {
	printf 'Subject: level %s\nTo: bob@example.org\n\n' "$1"
	head -c 10000 /dev/zero | tr '\0' 'y' | fold -w 76
}
dd if=/dev/zero of="$SMALL/fill" bs=4k 2>/dev/null	# stops at ENOSPC
[ -s "$SMALL/fill" ] || fail "cannot fill the tmpfs"
full=$(stat -c %s "$SMALL/fill")
ok=0 refused=0
for free in $(seq 0 4 44); do
	truncate -s $((full - free * 1024)) "$SMALL/fill"
	msg10k "$free" | posthorn_run -odq -f alice@example.org bob@example.org
	n=$(queue_count)
	case $RC in
	0)
		check_eq "queued messages after exit 0 at $free KB free" 1 "$n"
		id=$(queue_ids)
		grep -q "^Subject: level $free" "$SPOOL"/*/new/"$id".msg ||
		    fail "$free KB free: exit 0 but new/$id.msg is not the message"
		tail -c 200 "$SPOOL"/*/new/"$id".msg | grep -q 'yyyy' ||
		    fail "$free KB free: exit 0 but new/$id.msg is truncated"
		grep -q '^rcpt pending bob@example.org$' \
		    "$SPOOL"/*/new/"$id".env ||
		    fail "$free KB free: exit 0 but the envelope is incomplete"
		ok=$((ok + 1))
		posthorn_run --delete all
		check_exit 0
		;;
	73|74|75)
		check_eq "queued messages after exit $RC at $free KB free" 0 "$n"
		check_new_empty
		check_stderr '[Nn]o space|[Dd]isk|full|ENOSPC|quota'
		check_eq "files left in tmp/ at $free KB free" 0 "$(tmp_count)"
		echo "$free KB free: exit $RC: $(head -1 "$ERR")"
		refused=$((refused + 1))
		;;
	*)
		fail "$free KB free: exit $RC: $(cat "$ERR")"
		;;
	esac
done
echo "10 KB message: $ok accepted, $refused refused across the levels"
[ $refused -gt 0 ] || fail "no level was full enough to refuse the message"
[ $ok -gt 0 ] || fail "no level had room enough for the message"
rm -f "$SMALL/fill"
check_new_empty
