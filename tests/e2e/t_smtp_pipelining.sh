#!/bin/bash
# t_smtp_pipelining: the server offers PIPELINING: MAIL, the RCPTs and DATA
# go in one batch (the peer sees each after the first arrive before it
# answered the previous one), and the message is delivered to both.
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
simple_msg | posthorn_run one@example.org two@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_eq "envelope recipients" "one@example.org two@example.org" \
    "$(peer_env 1 rcpt_tos | tr '\n' ' ' | sed 's/ $//')"
check_peer_not_saw '^PROTOCOL-ERROR'
check_peer_saw '^PIPELINED RCPT'
check_peer_saw '^PIPELINED DATA'
