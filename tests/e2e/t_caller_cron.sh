#!/bin/bash
# t_caller_cron: the mail of a cron job, as Debian's cron (3.0pl1) sends it.
#
# cron runs "/usr/sbin/sendmail -FCronDaemon -i -B8BITMIME -oem MAILTO" (the
# strings in /usr/sbin/cron of Debian 12's cron package) and writes on its
# stdin "From: root (Cron Daemon)", "To: MAILTO", "Subject: Cron <user@host>
# command", MIME-Version, "Content-Type: text/plain; charset=UTF-8",
# "Content-Transfer-Encoding: 8bit", one "X-Cron-Env: <NAME=value>" per
# variable, a blank line and the job's output.  The daemon itself is not run
# here: its sendmail path is compiled in and it only runs jobs on minute
# boundaries; this is its exact argument vector and message.
#
# Asserted (SPEC 2, 3): exit 0; BODY=8BITMIME; the 8-bit body intact; the
# envelope sender is login@domain; "From: root (Cron Daemon)" leaves as
# "From: root@example.org (Cron Daemon)"; Date and Message-ID added once;
# and root reaches a person: through the aliases file (root: an address),
# and, with no alias for root, through admin_address.
#
# The last two checks need local-recipient handling (SPEC 3: the aliases
# file, then admin_address), part of issue 5's build: until submission
# expands local names, posthorn sends to root@example.org and they fail.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"

start_smtpd
printf '# test aliases\npostmaster: root\nroot: sysadmin@example.org\n' \
    >"$TESTTMP/aliases"
: >"$TESTTMP/aliases.empty"
me=$(id -un)

cron_mail() {	# mailto
	printf 'From: root (Cron Daemon)\n'
	printf 'To: %s\n' "$1"
	printf 'Subject: Cron <root@test> /usr/local/bin/backup --nightly\n'
	printf 'MIME-Version: 1.0\n'
	printf 'Content-Type: text/plain; charset=UTF-8\n'
	printf 'Content-Transfer-Encoding: 8bit\n'
	printf 'X-Cron-Env: <SHELL=/bin/sh>\n'
	printf 'X-Cron-Env: <HOME=/root>\n'
	printf 'X-Cron-Env: <PATH=/usr/bin:/bin>\n'
	printf 'X-Cron-Env: <LOGNAME=root>\n'
	printf '\n'
	printf 'backup: 3 files copied to /srv/sauvegarde/été\n'
	printf 'Größe: 12 MiB — done\n'
	printf '.\n'
	printf 'last line\n'
}

# 1. root is aliased (and admin_address set, which the alias overrides)
write_conf aliases "$TESTTMP/aliases" admin_address ops@example.org
make_wrapper
cron_mail root | caller_run "$SENDMAIL" -FCronDaemon -i -B8BITMIME -oem root
check_caller_exit 0
wait_peer_count 1
# 2. no alias for root: admin_address
write_conf aliases "$TESTTMP/aliases.empty" admin_address ops@example.org
cron_mail root | caller_run "$SENDMAIL" -FCronDaemon -i -B8BITMIME -oem root
check_caller_exit 0
wait_peer_count 2

check_argv '^CALL \[-FCronDaemon\] \[-i\] \[-B8BITMIME\] \[-oem\] \[root\]$'
check_clean_wire
check_peer_saw '^C: MAIL FROM:<[^>]*> .*BODY=8BITMIME'
check_peer_not_saw '^C: MAIL.*SMTPUTF8'
check_queue_count 0
for n in 1 2; do
	check_sender $n "$me@example.org"
	check_header $n From '^root@example\.org \(Cron Daemon\)$'
	check_header $n To '^root@example\.org$'
	check_header $n Subject '^Cron <root@test> /usr/local/bin/backup --nightly$'
	check_header $n Content-Type '^text/plain; charset=UTF-8$'
	check_header_count $n X-Cron-Env 4
	check_header $n Date '^[A-Z][a-z]{2}, [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} '
	check_header $n Message-ID '^<[^<>@]+@[^<>@]+>$'
	check_body $n '^backup: 3 files copied to /srv/sauvegarde/été$'
	check_body $n '^Größe: 12 MiB — done$'
	check_body $n '^\.$'			# -i: a lone dot is data
	check_body $n '^last line$'
done
# Root must reach a person (SPEC 3, issue 5: "with root aliased"): these
# need local-recipient handling in submission (aliases, admin_address).
check_rcpts 1 sysadmin@example.org
check_rcpts 2 ops@example.org
