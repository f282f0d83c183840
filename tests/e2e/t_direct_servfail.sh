#!/bin/bash
# t_direct_servfail: the recipient domain's name server fails (SERVFAIL):
# a temporary failure, never a bounce: exit 0, the message stays queued,
# the log says deferred with a 4.x.x DSN, mailq shows the look-up failure;
# and it is quick (unbound answers SERVFAIL at once).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
servfail broken.test.
EOF_DNS
direct_conf
start=$(date +%s)
simple_msg "servfail" | posthorn_run -f alice@example.org bob@broken.test
check_exit 0
check_took_at_most 10 "$start"
check_queue_count 1
check_failed_count 0
check_stderr_not 'bob@broken\.test'
id=$(direct_ids)
check_log "$id: to=<bob@broken\.test>, relay=none, .*dsn=4\.[0-9]+\.[0-9]+, status=deferred"
check_mailq "^$id"
check_mailq '^\(.*broken\.test.*(SERVFAIL|server failure).*\)$'
check_mailq '^ +bob@broken\.test$'
