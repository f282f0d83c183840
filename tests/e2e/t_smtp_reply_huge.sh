#!/bin/bash
# t_smtp_reply_huge: hostile replies: a greeting of 20000 continuation
# lines, one of them 100 kB long: posthorn neither crashes nor hangs; the
# message is delivered or kept queued (exit 0), never lost.
. "$SRCDIR/tests/lib.sh"
"$PYTHON" - >greeting <<'PY'
import sys
out = sys.stdout
for i in range(20000):
    out.write("220-peer.test line %d of a very long greeting\r\n" % i)
out.write("220-" + "x" * 100000 + "\r\n")
out.write("220 peer.test ESMTP\r\n")
PY
start_smtpd --raw-reply-file "greeting=$TESTTMP/greeting"
write_conf timeout_command 5s submit_timeout 10s
RUN_TIMEOUT=40
simple_msg | posthorn_run bob@example.org
check_exit 0
q=$(queue_count) d=$(peer_count)
check_eq "queued + delivered" 1 $((q + d))
