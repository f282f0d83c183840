#!/bin/bash
# t_cred_setuid: posthorn installed set-uid root (or set-gid) and run by an
# unprivileged user refuses to run (SPEC 8, SPEC 2): exit 77 with a
# message about set-uid/set-gid, nothing queued, no configuration read
# (an unreadable -C file is never reported: it stops before).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
[ "$(id -u)" = 0 ] || fail "needs root"
u=phsu$$
test_user $u
# a file system that honours set-uid bits ($TESTTMP may be a nosuid /tmp)
bindir=$TESTTMP
if findmnt -n -o OPTIONS --target "$bindir" | grep -qw nosuid; then
	bindir=$(mktemp -d /var/tmp/posthorn-setuid.XXXXXX) ||
	    fail "cannot make a directory in /var/tmp"
	at_exit "rm -rf '$bindir'"
	chmod 711 "$bindir"
	findmnt -n -o OPTIONS --target "$bindir" | grep -qw nosuid &&
	    fail "no file system without nosuid for the set-uid copy"
fi
ph=$bindir/ph-setuid
at_exit "rm -f '$ph'"
cp "$POSTHORN" "$ph"
chown root:root "$ph"
write_conf
chmod 600 "$CONF"		# root's, unreadable by the user
for bits in 4755 2755 6755; do
	chmod $bits "$ph"
	simple_msg | as_user $u timeout -k 5 30 "$ph" \
	    -C "$CONF" bob@example.org >"$OUT" 2>"$ERR"
	RC=$?
	echo $RC >"$TESTTMP/.rc"
	check_exit 77
	check_stderr '[Ss]et-?[ug]id|setuid|setgid'
	check_stderr_not "$CONF"
	check_queue_count 0
done
