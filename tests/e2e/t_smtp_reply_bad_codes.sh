#!/bin/bash
# t_smtp_reply_bad_codes: replies to MAIL FROM that are not valid SMTP
# replies ("600 ...", "099 ...", "2501 ...", "25 ...", "250x...", an empty
# line, a NUL byte): each is a protocol error, a temporary failure: exit 0,
# queued, nothing delivered, no crash.
. "$SRCDIR/tests/lib.sh"
write_conf
i=0
for bad in '600 6.0.0 out of range\r\n' '099 too small\r\n' \
    '2501 four digits\r\n' '25 two digits\r\n' '250x2.1.0 no separator\r\n' \
    '\r\n' '250 2.1.0 with a \x00 NUL\r\n'; do
	i=$((i + 1))
	stop_peers
	start_smtpd --raw-reply "mail=$bad"
	write_conf timeout_command 3s
	RUN_TIMEOUT=40
	simple_msg "case $i" | posthorn_run bob@example.org
	check_exit 0
	check_peer_count 0
	check_queue_count $i
done
