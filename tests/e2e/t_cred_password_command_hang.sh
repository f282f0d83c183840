#!/bin/bash
# t_cred_password_command_hang: an auth_password_command that never
# answers (a child sleeps with stdout open) is bounded by posthorn's own
# timeout (10 s), well inside submit_timeout (60 s here) and the test's
# limit: posthorn exits 0 within 25 s, the message queued, the maillog
# says the command timed out, no AUTH sent.  Once timed out, the command
# is gone - its children included (a stuck helper left behind by every
# cron flush would pile up): the sleeping child must not outlive posthorn.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'real-pw' --auth-mechs PLAIN
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice submit_timeout 60s \
    auth_password_command "sleep 120 & echo \$! >'$TESTTMP/sleep.pid'; wait \$!; echo late-pw"
at_exit 'p=$(cat "$TESTTMP/sleep.pid" 2>/dev/null) && [ -n "$p" ] && kill -KILL "$p" 2>/dev/null'
start=$(date +%s)
simple_msg | RUN_TIMEOUT=40 posthorn_run -v bob@example.org
took=$(($(date +%s) - start))
check_exit 0
[ $took -le 25 ] || fail "posthorn took ${took}s with a hanging auth_password_command"
[ $took -ge 8 ] || fail "posthorn gave up after ${took}s, before its 10 s timeout"
check_queue_count 1
check_peer_not_saw '^C: AUTH'
check_log 'auth_password_command.*(timed out|timeout)'
check_log 'to=<bob@example\.org>, .*status=deferred'
sleeper=$(cat "$TESTTMP/sleep.pid" 2>/dev/null)
[ -n "$sleeper" ] || fail "the command did not start its child"
sleep 0.5
# a zombie is dead: only its parent has not collected it yet
state=$(awk '{print $3}' "/proc/$sleeper/stat" 2>/dev/null)
if [ -n "$state" ] && [ "$state" != Z ]; then
	fail "the timed-out command's child (pid $sleeper," \
	    "$(ps -o cmd= -p "$sleeper")) still runs after posthorn exited"
fi
