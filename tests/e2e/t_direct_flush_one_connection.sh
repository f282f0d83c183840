#!/bin/bash
# t_direct_flush_one_connection: a flush delivers the messages queued for
# one domain over one connection to its MX host (the session is kept from
# one message to the next, as for a smarthost); a message to another
# domain goes to that domain's MX and ends it.  Opportunistic STARTTLS
# happens once per connection.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
make_certs
dns_start <<EOF_DNS
one.test. MX 10 mx.one.test.
two.test. MX 10 mx.two.test.
mx.one.test. A $NET.2
mx.two.test. A $NET.3
EOF_DNS
mx_peer p1 $NET.2 --starttls --tls-cert "$CERT" --tls-key "$KEY"
mx_peer p2 $NET.3
direct_conf
for i in 1 2 3 4; do
	printf 'Subject: one %d\n\nhi\n' $i |
	    posthorn_run -odq -f alice@example.org "u$i@one.test"
	check_exit 0
done
printf 'Subject: two\n\nhi\n' |
    posthorn_run -odq -f alice@example.org bob@two.test
printf 'Subject: again\n\nhi\n' |
    posthorn_run -odq -f alice@example.org carol@one.test
check_queue_count 6
posthorn_run -q
check_exit 0
check_queue_count 0
check_count_at "$p1" 5
check_count_at "$p2" 1
check_eq "recipients at one.test's MX" "carol@one.test
u1@one.test
u2@one.test
u3@one.test
u4@one.test" "$(rcpts_of "$p1")"
check_eq "recipients at two.test's MX" bob@two.test "$(rcpts_of "$p2")"
# queue order (ids of one second sort at random) puts the message to
# two.test somewhere among the five to one.test: their run is cut in at
# most two, each one connection (without the kept session: five)
c1=$(connects_of "$p1")
[ "$c1" -ge 1 ] && [ "$c1" -le 2 ] ||
    fail "connections to one.test's MX: $c1 for 5 messages, expected 1 or 2"
check_eq "connections to two.test's MX" 1 "$(connects_of "$p2")"
check_eq "STARTTLS at one.test's MX, once per connection" "$c1" \
    "$(grep -c '^C: STARTTLS' "$p1/session.log")"
check_eq "MAIL commands at one.test's MX" 5 \
    "$(grep -c '^C: MAIL' "$p1/session.log")"
check_eq "log lines, all sent" 6 "$(grep -c ' to=<.*status=sent' "$MAILLOG")"
