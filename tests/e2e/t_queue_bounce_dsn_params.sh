#!/bin/bash
# t_queue_bounce_dsn_params: bounces honour the sender's DSN parameters:
# with -R hdrs the bounce carries the original headers only
# (text/rfc822-headers, no body); with -N never no bounce is sent and
# nothing is kept (the log says why).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd --reply 'rcpt:nobody@example.org=550 5.1.1 nobody: no such user'
write_conf
printf 'Subject: headers only\nTo: nobody@example.org\n\nBODY-MARKER-%s\n' $$ |
    posthorn_run -oem -R hdrs -f alice@example.org nobody@example.org
check_exit 0
check_peer_count 1
check_eq "bounce sender" "" "$(peer_env 1 mail_from)"
check_dsn "$(peer_msg 1)" nobody@example.org alice@example.org \
    '5\.1\.1' '(?i)failed'
check_msg 1 '^Content-Type: text/rfc822-headers'
check_msg 1 '^Subject: headers only'
check_msg_not 1 "BODY-MARKER-$$"

simple_msg "no notify" | posthorn_run -oem -N never -f alice@example.org \
    nobody@example.org
check_exit 0
check_peer_count 1
check_queue_count 0
check_failed_count 0
check_log 'never'
