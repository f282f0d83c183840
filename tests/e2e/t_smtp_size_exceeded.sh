#!/bin/bash
# t_smtp_size_exceeded: the server offers SIZE 2000 and the message is
# about 10 kB: it fails before DATA, permanently: exit 69, nothing queued,
# no DATA sent.
. "$SRCDIR/tests/lib.sh"
start_smtpd --size 2000
write_conf
{ printf 'Subject: too big\n\n'; seq 100000 101500; } |
    posthorn_run bob@example.org
check_exit 69
check_queue_count 0
check_failed_count 0
check_peer_count 0
check_peer_not_saw '^C: DATA'
check_stderr '[Ss]ize|552'
