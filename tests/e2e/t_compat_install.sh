#!/bin/bash
# t_compat_install: "make install", "make install-sendmail" and "make
# uninstall" into a DESTDIR (issue 5; SPEC 1, 4, 8).
#
# make runs with -o posthorn: the binary under test is taken as it is and
# never rebuilt here, so this test cannot race with other tests' use of it
# (make check builds it before the tests run).
#
# Asserted, with PREFIX=/usr:
# - install: $PREFIX/sbin/posthorn, identical to the built binary, mode
#   0755, owned by root; no file in the tree has a setuid or setgid bit;
#   the spool directory /var/spool/posthorn with mode 1777; the cron file
#   /etc/cron.d/posthorn and the systemd units (posthorn-flush.service and
#   .timer) naming the installed binary; the manual pages posthorn.8 and
#   posthorn.conf.5, and sendmail.8, newaliases.8, mailq.1 as links that
#   resolve to posthorn.8; and no /usr/sbin/sendmail yet;
# - install-sendmail: the links /usr/sbin/sendmail, /usr/bin/mailq,
#   /usr/bin/newaliases, /usr/lib/sendmail, each pointing at
#   $PREFIX/sbin/posthorn;
# - the installed tree works: its binary, run through the links' names
#   (same basenames), prints the mailq and newaliases outputs;
# - uninstall: no file and no link is left (directories may stay, the
#   spool directory among them, as queued mail is never removed); a
#   /usr/sbin/sendmail that is not posthorn's is left alone;
# - the default PREFIX is /usr/local: the cron line names
#   /usr/local/sbin/posthorn.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

D=$TESTTMP/root
mk() {	# target [vars...]
	# not the flags of a "make check" this may run under
	timeout 120 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -s -o posthorn -C "$SRCDIR" "$@" \
	    >>"$TESTTMP/make.log" 2>&1 ||
	    { tail -20 "$TESTTMP/make.log" >&2; fail "make $* failed"; }
}
mode_of() { stat -c %a "$1"; }
check_mode() {	# path mode
	[ -e "$1" ] || fail "$1 is not installed"
	check_eq "mode of ${1#"$D"}" "$2" "$(mode_of "$1")"
}
check_link() {	# path target
	[ -L "$1" ] || fail "${1#"$D"} is not a symbolic link"
	check_eq "target of ${1#"$D"}" "$2" "$(readlink "$1")"
}
man_resolves() {	# link: it resolves, inside the tree, to posthorn.8
	local t
	t=$(readlink -f "$1") || fail "${1#"$D"} does not resolve"
	check_eq "what ${1#"$D"} resolves to" "$D/usr/share/man/man8/posthorn.8" "$t"
}

[ -x "$SRCDIR/posthorn" ] || fail "no $SRCDIR/posthorn (make posthorn)"

# --- install ---------------------------------------------------------------
mk install DESTDIR="$D" PREFIX=/usr
B=$D/usr/sbin/posthorn
check_mode "$B" 755
if [ ! -f "$B" ] || [ -L "$B" ]; then
	fail "/usr/sbin/posthorn is not a regular file"
fi
cmp -s "$B" "$SRCDIR/posthorn" || fail "the installed binary differs from the built one"
check_eq "owner of /usr/sbin/posthorn" "0:0" "$(stat -c %u:%g "$B")"
suid=$(find "$D" -perm /6000)
[ -z "$suid" ] || fail "setuid/setgid files installed: $suid"
check_mode "$D/var/spool/posthorn" 1777
[ -d "$D/var/spool/posthorn" ] || fail "no spool directory"
check_mode "$D/etc/cron.d/posthorn" 644
grep -Eq '^[^#].*[[:space:]]root[[:space:]].*/usr/sbin/posthorn -q' \
    "$D/etc/cron.d/posthorn" || fail "the cron file does not run /usr/sbin/posthorn -q as root"
check_mode "$D/lib/systemd/system/posthorn-flush.service" 644
check_mode "$D/lib/systemd/system/posthorn-flush.timer" 644
grep -q '^ExecStart=/usr/sbin/posthorn -q' \
    "$D/lib/systemd/system/posthorn-flush.service" ||
    fail "the service does not run /usr/sbin/posthorn -q"
grep -q '^\[Timer\]' "$D/lib/systemd/system/posthorn-flush.timer" ||
    fail "the timer unit has no [Timer] section"
check_mode "$D/usr/share/man/man8/posthorn.8" 644
check_mode "$D/usr/share/man/man5/posthorn.conf.5" 644
for m in man8/sendmail.8 man8/newaliases.8 man1/mailq.1; do
	[ -L "$D/usr/share/man/$m" ] || [ -f "$D/usr/share/man/$m" ] ||
	    fail "no manual page $m"
	man_resolves "$D/usr/share/man/$m"
done
for l in /usr/sbin/sendmail /usr/bin/mailq /usr/bin/newaliases /usr/lib/sendmail; do
	[ -e "$D$l" ] || [ -L "$D$l" ] && fail "make install (without install-sendmail) made $l"
done

# --- install-sendmail -------------------------------------------------------
mk install-sendmail DESTDIR="$D" PREFIX=/usr
for l in /usr/sbin/sendmail /usr/bin/mailq /usr/bin/newaliases /usr/lib/sendmail; do
	check_link "$D$l" /usr/sbin/posthorn
done
suid=$(find "$D" -perm /6000)
[ -z "$suid" ] || fail "setuid/setgid files installed: $suid"

# the installed binary under the links' names (the links themselves point
# outside DESTDIR)
write_aliases <<'EOF_A'
root: sysadmin@example.net
EOF_A
write_conf aliases "$ALIASES" smarthost 127.0.0.1:1
mkdir -p "$TESTTMP/inst"
ln -sf "$B" "$TESTTMP/inst/mailq"
ln -sf "$B" "$TESTTMP/inst/newaliases"
timeout 30 "$TESTTMP/inst/mailq" -C "$CONF" >"$OUT" 2>"$ERR" </dev/null ||
    fail "the installed mailq failed"
check_out_line "Mail queue is empty"
timeout 30 "$TESTTMP/inst/newaliases" -C "$CONF" >"$OUT" 2>"$ERR" </dev/null ||
    fail "the installed newaliases failed"
check_out "^$ALIASES: 1 aliases, "

# --- uninstall --------------------------------------------------------------
mk uninstall DESTDIR="$D" PREFIX=/usr
left=$(find "$D" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $(echo "$left" | tr '\n' ' ')"

# someone else's sendmail stays
mkdir -p "$D/usr/sbin" "$D/usr/lib"
ln -s /usr/sbin/exim4 "$D/usr/sbin/sendmail"
printf '#!/bin/sh\n' >"$D/usr/lib/sendmail"
mk uninstall DESTDIR="$D" PREFIX=/usr
check_link "$D/usr/sbin/sendmail" /usr/sbin/exim4
[ -f "$D/usr/lib/sendmail" ] || fail "make uninstall removed a /usr/lib/sendmail that is not posthorn's"

# --- the default PREFIX -------------------------------------------------------
D2=$TESTTMP/root2
mk install-sendmail DESTDIR="$D2"
check_mode "$D2/usr/local/sbin/posthorn" 755
grep -q '/usr/local/sbin/posthorn -q' "$D2/etc/cron.d/posthorn" ||
    fail "the cron file does not name /usr/local/sbin/posthorn"
check_link "$D2/usr/sbin/sendmail" /usr/local/sbin/posthorn
mk uninstall DESTDIR="$D2"
left=$(find "$D2" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $(echo "$left" | tr '\n' ' ')"
