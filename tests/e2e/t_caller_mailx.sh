#!/bin/bash
# t_caller_mailx: bsd-mailx, with posthorn installed the way an MTA is: a
# link named "sendmail" to the binary (sendmail personality from argv[0]),
# configured by the user's ~/.config/posthorn/config ($XDG_CONFIG_HOME), no
# -C; mailx finds it through "set sendmail=..." in ~/.mailrc.
#
# Debian 12's bsd-mailx runs "sendmail -i -t [-f ADDR]" (-f from -r) and
# writes the Bcc header into the message: posthorn takes the recipients
# from To, Cc and Bcc and must remove the Bcc header (SPEC 3).
#
# Asserted: mailx exits 0 twice; 1) with -r, -c, -b and -a: envelope sender
# from -r, recipients To + Cc + Bcc, no Bcc header and the Bcc address
# nowhere in the message, the extra header, the 8-bit body with a lone "."
# (-i); 2) without -r (mailx writes no From): the sender is login@domain
# and posthorn adds From, Date and Message-ID; the system sendmail never ran.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
guard_system_sendmail "$@"
need_prog bsd-mailx bsd-mailx

start_smtpd
write_conf
caller_home
me=$(id -un)
# no system configuration: only the user's file counts
if [ -e /etc/posthorn.conf ]; then
	: >"$TESTTMP/empty.conf"
	mount --bind "$TESTTMP/empty.conf" /etc/posthorn.conf 2>/dev/null ||
	    fail "cannot hide /etc/posthorn.conf (no private mount namespace)"
fi
mkdir -p "$XDG_CONFIG_HOME/posthorn" "$TESTTMP/bin"
install -m 600 "$CONF" "$XDG_CONFIG_HOME/posthorn/config"
ln -s "$POSTHORN" "$TESTTMP/bin/sendmail"
printf 'set sendmail=%s\n' "$TESTTMP/bin/sendmail" >"$HOME/.mailrc"

printf 'Hello Bob,\nça marche.\n.\nend\n' |
    caller_run bsd-mailx -s 'mailx report' -r alice@example.org \
    -a 'X-Report: nightly' -c carol@example.org -b dave@example.org \
    bob@example.org
check_caller_exit 0
wait_peer_count 1
printf 'second message\n' |
    caller_run bsd-mailx -s 'mailx plain' erin@example.org
check_caller_exit 0
wait_peer_count 2
check_no_system_sendmail
check_clean_wire
check_queue_count 0
check_log 'status=sent'		# the user's log_file was used

n=$(peer_find mail_from alice@example.org)
check_rcpts $n bob@example.org carol@example.org dave@example.org
check_header $n From '^alice@example\.org$'
check_header $n To '^bob@example\.org$'
check_header $n Cc '^carol@example\.org$'
check_header $n Subject '^mailx report$'
check_header $n X-Report '^nightly$'
check_no_header $n Bcc
check_msg_not $n 'dave@example\.org'
check_header_count $n Message-ID 1
check_header_count $n Date 1
check_body $n '^Hello Bob,$'
check_body $n '^ça marche\.$'
check_body $n '^\.$'
check_body $n '^end$'

n=$(peer_find mail_from "$me@example.org")
check_rcpts $n erin@example.org
check_header $n From "$me@example\.org"
check_header $n To '^erin@example\.org$'
check_header $n Subject '^mailx plain$'
check_header $n Message-ID '^<[^<>@]+@test\.example>$'
check_header_count $n Date 1
check_body $n '^second message$'
