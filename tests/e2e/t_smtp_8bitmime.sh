#!/bin/bash
# t_smtp_8bitmime: the server offers 8BITMIME: an 8-bit body is sent as is
# with BODY=8BITMIME on MAIL FROM, and arrives byte for byte.
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
printf 'Subject: 8bit\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nGr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln\n' |
    posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_saw '^C: MAIL FROM:<[^>]*>.* BODY=8BITMIME'
check_msg 1 $'Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln\r$'
check_msg 1 '^Content-Transfer-Encoding: 8bit'
