#!/bin/bash
# t_smtp_dsn: the server offers DSN: -N, -R and -V become NOTIFY= on RCPT,
# RET= and ENVID= on MAIL FROM.
. "$SRCDIR/tests/lib.sh"
start_smtpd --dsn
write_conf
simple_msg | posthorn_run -N failure,delay -R hdrs -V env-id-42 bob@example.org
check_exit 0
check_peer_count 1
check_peer_saw '^C: MAIL FROM:<[^>]*>.* RET=HDRS'
check_peer_saw '^C: MAIL FROM:<[^>]*>.* ENVID=env-id-42'
check_peer_saw '^C: RCPT TO:<bob@example\.org>.* NOTIFY=(FAILURE,DELAY|DELAY,FAILURE)'
