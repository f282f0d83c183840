#!/bin/bash
# t_caller_swaks: swaks (Debian's swaks) with --pipe 'posthorn -bs', the way
# swaks users test an MTA's submission: posthorn speaks SMTP on its
# stdin/stdout (SPEC 2) and then delivers to the smarthost.
#
# Asserted: 1) a plain transaction: swaks exits 0; the greeting, EHLO with
# PIPELINING and 8BITMIME advertised, 250 to MAIL and each RCPT, 354, 250
# to the final dot, 221 to QUIT; the message arrives with swaks' envelope
# (sender, two recipients) and content, its Message-Id kept.
# 2) swaks --pipeline with a body whose lines start with dots (swaks
# dot-stuffs them, posthorn must unstuff: what arrives is what swaks read)
# and 8-bit text.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
guard_system_sendmail "$@"
need_prog swaks swaks

start_smtpd
write_conf
caller_home

# 1. one plain transaction
caller_run swaks --pipe "$POSTHORN -C $CONF -bs" --helo client.example \
    --from alice@example.org --to bob@example.org,carol@example.org \
    --header 'Subject: swaks test' --body 'hello from swaks'
check_caller_exit 0
wait_peer_count 1
for re in '^<-  220 ' '^<-  250-PIPELINING' '^<-  250-8BITMIME' \
    '^ -> MAIL FROM:<alice@example\.org>$' '^<-  250 2\.1\.0 ' \
    '^ -> RCPT TO:<carol@example\.org>$' '^<-  250 2\.1\.5 ' \
    '^<-  354 ' '^<-  250 2\.0\.0 ' '^ -> QUIT$' '^<-  221 '; do
	grep -Eq -- "$re" "$CALLER_OUT" ||
	    fail "swaks' transcript has no line matching /$re/: $(tail -5 "$CALLER_OUT")"
done
grep -Eq '^<[-~]\*? +[45][0-9][0-9]' "$CALLER_OUT" &&
    fail "an error reply in swaks' transcript: $(grep -E '^<[-~]\*? +[45]' "$CALLER_OUT" | head -3)"
check_sender 1 alice@example.org
check_rcpts 1 bob@example.org carol@example.org
check_header 1 Subject '^swaks test$'
check_header 1 From '^alice@example\.org$'
check_header 1 X-Mailer '^swaks '
check_header 1 Message-ID '@'
check_header_count 1 Date 1
check_body 1 '^hello from swaks$'

# 2. pipelining, leading dots and 8-bit text
printf 'Subject: dots\nFrom: dora@example.org\nTo: erin@example.org\n\n.\n..two\n.three\nGrüße\nend\n' \
    >"$TESTTMP/data"
caller_run swaks --pipe "$POSTHORN -C $CONF -bs" --pipeline \
    --from dora@example.org --to erin@example.org --data "@$TESTTMP/data"
check_caller_exit 0
wait_peer_count 2
# pipelined: swaks sent DATA before it read the reply to MAIL
awk '/^ -> DATA/ { d = NR } /^<-  250 2\.1\.0/ { m = NR }
    END { exit !(d && m && d < m) }' "$CALLER_OUT" ||
    fail "swaks did not pipeline: $(grep -E '^( ->|<- )' "$CALLER_OUT" | sed -n 8,14p)"
n=$(peer_find mail_from dora@example.org)
check_rcpts $n erin@example.org
check_header $n Subject '^dots$'
check_body $n '^\.$'
check_body $n '^\.\.two$'
check_body $n '^\.three$'
check_body $n '^Grüße$'
check_body $n '^end$'
check_clean_wire
check_peer_saw '^C: MAIL FROM:<dora@example\.org> .*BODY=8BITMIME'
check_queue_count 0
check_no_system_sendmail
