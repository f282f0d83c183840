#!/bin/bash
# t_compat_setuid: posthorn refuses to run set-uid or set-gid (SPEC 8:
# "refuses to run if real and effective ids differ"; exit 77 EX_NOPERM).
#
# Copies of the binary in $TESTTMP (not a nosuid file system: checked)
# with the bits set, run so that the ids differ:
# - set-uid to a throw-away user, run by root (euid = that user);
# - set-uid root, run by that user (the classic dangerous install);
# - set-gid to another group, run by root;
# - set-uid, run by a second user (neither id is root).
# Asserted for each: exit 77, a clear message on stderr (set-uid/set-gid
# named), nothing queued, nothing sent; and, as a control, the same copy
# without the bits, run by that user, submits and delivers (exit 0), so
# the 77 comes from the ids check and nothing else.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

[ "$(id -u)" = 0 ] || fail "this test needs root (useradd, chown)"
findmnt -n -o OPTIONS -T "$TESTTMP" | grep -qw nosuid &&
    fail "$TESTTMP is on a nosuid file system: set-uid cannot be tested there"

start_smtpd
write_aliases </dev/null
write_conf aliases "$ALIASES" log_file ""
chmod 644 "$CONF" "$ALIASES"
chmod 755 "$TESTTMP"
compat_user "phsu$$"
u1=$CU_UID g1=$CU_GID
compat_user "phsv$$"
u2=$CU_UID g2=$CU_GID

copy() {	# name owner:group mode
	cp "$POSTHORN" "$TESTTMP/$1" || fail "cannot copy the binary"
	chown "$2" "$TESTTMP/$1" || fail "chown $2 failed"
	chmod "$3" "$TESTTMP/$1" || fail "chmod $3 failed"
}
refused() {	# what
	[ "$RC" = 77 ] || fail "$1: exit $RC, expected 77 (EX_NOPERM)"
	check_stderr 'set-?uid|set-?gid|setuid|setgid'
	check_queue_count 0
	check_nothing_sent
}

copy suid-user "$u1:0" 4755
simple_msg x | as_uid 0 0 "$TESTTMP/suid-user" -C "$CONF" bob@example.com
refused "set-uid user, run by root"

copy suid-root 0:0 4755
simple_msg x | as_uid "$u1" "$g1" "$TESTTMP/suid-root" -C "$CONF" bob@example.com
refused "set-uid root, run by a user"

copy sgid 0:"$g2" 2755
[ "$g2" != 0 ] || fail "the test user's group is root's"
simple_msg x | as_uid 0 0 "$TESTTMP/sgid" -C "$CONF" bob@example.com
refused "set-gid, run by root"

copy suid-other "$u1:0" 4755
simple_msg x | as_uid "$u2" "$g2" "$TESTTMP/suid-other" -C "$CONF" bob@example.com
refused "set-uid user, run by another user"

# the control: no bits, the same user, delivered
copy plain 0:0 0755
simple_msg control | as_uid "$u1" "$g1" "$TESTTMP/plain" -C "$CONF" bob@example.com
check_exit 0
check_peer_count 1
check_rcpts 1 bob@example.com
