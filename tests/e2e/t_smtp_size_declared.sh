#!/bin/bash
# t_smtp_size_declared: the server offers SIZE: MAIL FROM declares SIZE=N,
# N not below the size of what arrives, and the message is delivered.
. "$SRCDIR/tests/lib.sh"
start_smtpd --size 100000
write_conf
{ printf 'Subject: size\n\n'; seq 1 300; } | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_saw '^C: MAIL FROM:<[^>]*>.* SIZE=[0-9]+'
declared=$(peer_env 1 mail_options | sed -n 's/^SIZE=//ip')
got=$(peer_env 1 size)
[ -n "$declared" ] || fail "no SIZE= in the MAIL options"
[ "$declared" -ge "$got" ] ||
    fail "declared SIZE=$declared is below the $got octets received"
[ "$declared" -le $((got * 2 + 1024)) ] ||
    fail "declared SIZE=$declared is far above the $got octets received"
