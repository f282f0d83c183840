#!/bin/bash
# t_smtp_stall_middata: the server stops reading in the middle of a 48 MB
# body (more than the loopback socket buffers hold), so posthorn's writes
# block: the write timeout (timeout_command 2s, submit_timeout 5s) ends the
# attempt: exit 0, the message stays queued, and the maillog's reason says
# it was a timeout.
. "$SRCDIR/tests/lib.sh"
start_smtpd --stall middata
write_conf timeout_command 2s submit_timeout 5s
RUN_TIMEOUT=40
{ printf 'Subject: big\n\n'; head -c 48000000 /dev/zero | tr '\0' 'y' | fold -w 76; } |
    posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_saw '^STALL middata'
check_log 'to=<bob@example\.org>, .*status=deferred \(.*(timeout|timed out)'
