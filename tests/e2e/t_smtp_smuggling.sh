#!/bin/bash
# t_smtp_smuggling: with -i, message lines that try to end the DATA early
# ("\n.\r\n", "\r\n.\n", "\r.\r" followed by SMTP commands) never reach the
# wire as a terminator: one message arrives, holding the whole text; no
# second MAIL, no bare CR or LF at the peer.
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
printf 'Subject: smuggle\n\nA\n.\r\nMAIL FROM:<evil1@example.net>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\nB\r\n.\nMAIL FROM:<evil2@example.net>\r\nC\r.\rMAIL FROM:<evil3@example.net>\nend\n' |
    posthorn_run -i bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_not_saw '^C: MAIL FROM:<evil'
check_peer_not_saw '^C: RCPT TO:<victim'
check_peer_not_saw '^PROTOCOL-ERROR'
n=$(grep -c '^C: MAIL' "$PEERDIR/session.log")
check_eq "MAIL commands" 1 "$n"
check_msg 1 '^MAIL FROM:<evil1@example\.net>'$'\r''$'
check_msg 1 '^MAIL FROM:<evil3@example\.net>'$'\r''$'
check_msg 1 '^end'$'\r''$'
