#!/bin/bash
# t_smtp_no_pipelining: without PIPELINING the client waits for each reply
# before the next command (no command reaches the peer early), and the
# message is delivered to both recipients.
. "$SRCDIR/tests/lib.sh"
start_smtpd --no-pipelining
write_conf
simple_msg | posthorn_run one@example.org two@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_eq "envelope recipients" "one@example.org two@example.org" \
    "$(peer_env 1 rcpt_tos | tr '\n' ' ' | sed 's/ $//')"
check_peer_not_saw '^PIPELINED'
check_peer_not_saw '^PROTOCOL-ERROR'
