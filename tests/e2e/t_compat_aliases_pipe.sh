#!/bin/bash
# t_compat_aliases_pipe: "|command" and "/file" alias targets are ignored
# with a warning, never acted upon (SPEC 6 aliases; issue 5).
#
# Each command target would create a file and each file target names a
# file that must not appear: after real submissions (and -bv, and
# newaliases) none exists, which proves nothing ran and nothing was
# written, in any form: bare |cmd, quoted "|cmd", a command in an
# :include: file, a command reached through a nested alias, /file.
# Asserted too: a warning per ignored target in the log, naming it; the
# alias's address targets are still delivered; an alias whose only
# target is a command goes where an unresolved local name goes
# (admin_address when set, else name@domain), so nothing is lost;
# newaliases lists each such target with its line number.
# The marker files live in a short directory under /tmp (removed at exit)
# so that the targets quoted in warnings are not cut short.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

start_smtpd
# a short directory: the warnings quote at most 64 bytes of a target
SHORT=$(mktemp -d /tmp/ph-pipe.XXXXXX) || fail "mktemp failed"
at_exit "rm -rf '$SHORT'"
P=$SHORT/pwned
cat >"$TESTTMP/inc" <<EOF_I
|/usr/bin/touch $P.include
inc-ok@example.net
EOF_I
chmod 644 "$TESTTMP/inc"
write_aliases <<EOF_A
prog: |/usr/bin/touch $P.bare, prog-ok@example.net
quoted: "|/usr/bin/touch $P.quoted", $P.file, quoted-ok@example.net
viainc: :include:$TESTTMP/inc
nested: quoted
onlycmd: "| /bin/sh -c 'touch $P.only'"
EOF_A
write_conf aliases "$ALIASES"

simple_msg pipes | posthorn_run prog quoted viainc nested
check_exit 0
check_peer_count 1
check_rcpts 1 prog-ok@example.net quoted-ok@example.net inc-ok@example.net
check_log "warning: .*\|/usr/bin/touch $P\.bare"
check_log "warning: .*\|/usr/bin/touch $P\.quoted"
check_log "warning: .*\|/usr/bin/touch $P\.include"
check_log "warning: .*$P\.file"

simple_msg onlycmd | posthorn_run onlycmd
check_exit 0
check_peer_count 2
check_rcpts 2 onlycmd@example.org
check_log "warning: .*touch $P\.only"

write_conf aliases "$ALIASES" admin_address ops-admin@example.org
simple_msg onlycmd-admin | posthorn_run onlycmd
check_exit 0
check_peer_count 3
check_rcpts 3 ops-admin@example.org

posthorn_run -bv prog quoted viainc onlycmd
check_exit 0
check_out_not 'touch'

posthorn_run -bi
check_exit 0
check_stderr "aliases:1:.*\|/usr/bin/touch $P\.bare"
check_stderr "aliases:2:.*\|/usr/bin/touch $P\.quoted"
check_stderr "aliases:2:.*$P\.file"
check_stderr "inc:1:.*\|/usr/bin/touch $P\.include"
check_stderr "aliases:5:.*touch $P\.only"

sleep 0.5	# a command started in the background would show by now
for f in bare quoted include only file; do
	check_no_file "$P.$f"
done
check_queue_count 0
