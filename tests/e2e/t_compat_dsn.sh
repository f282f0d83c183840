#!/bin/bash
# t_compat_dsn: the DSN flags -N, -R, -V with local recipients, and -B
# (SPEC 2; issue 5 "DSN parameters passed as NOTIFY/RET/ENVID/ORCPT when
# the server offers DSN; -B").
#
# Asserted, against a peer offering DSN:
# - -N success,failure -R hdrs -V envid123: MAIL FROM has RET=HDRS and
#   ENVID=envid123; every RCPT has NOTIFY=SUCCESS,FAILURE; a recipient that
#   alias expansion produced carries ORCPT=rfc822;<what the caller wrote,
#   qualified> (xtext-encoded: "+" is "+2B"), one given as it is none;
#   the envelope (peer's msg-N.env) holds the expanded recipients;
# - -N never: NOTIFY=NEVER; lower-case values are sent upper-case;
# - -B 8BITMIME and -B 7BIT are accepted (exit 0, delivered); an 8-bit
#   body goes with BODY=8BITMIME and no protocol error either way;
# - against a peer without DSN, none of NOTIFY/RET/ENVID/ORCPT is sent and
#   the message is delivered;
# - bad values: -N bogus, -N never,success, -R bogus, -B 9BIT, -V with a
#   space: exit 64, nothing queued or sent.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

start_smtpd --dsn
write_aliases <<'EOF_A'
root: sysadmin@example.net, oncall@example.net
joe: joe@elsewhere.example
EOF_A
write_conf aliases "$ALIASES"

simple_msg dsn | posthorn_run -N success,failure -R hdrs -V envid123 \
    root joe+tag bob@example.com
check_exit 0
check_peer_count 1
check_rcpts 1 sysadmin@example.net oncall@example.net \
    joe@elsewhere.example bob@example.com
check_peer_saw '^C: MAIL FROM:<[^>]*>.* RET=HDRS( |$)'
check_peer_saw '^C: MAIL FROM:<[^>]*>.* ENVID=envid123( |$)'
for r in sysadmin@example.net oncall@example.net joe@elsewhere.example \
    bob@example.com; do
	check_peer_saw "^C: RCPT TO:<$r> .*NOTIFY=SUCCESS,FAILURE( |\$)"
done
check_peer_saw '^C: RCPT TO:<sysadmin@example\.net> .*ORCPT=rfc822;root@example\.org$'
check_peer_saw '^C: RCPT TO:<oncall@example\.net> .*ORCPT=rfc822;root@example\.org$'
check_peer_saw '^C: RCPT TO:<joe@elsewhere\.example> .*ORCPT=rfc822;joe\+2Btag@example\.org$'
check_peer_not_saw '^C: RCPT TO:<bob@example\.com> .*ORCPT='

simple_msg never | posthorn_run -N never -R full bob@example.com
check_exit 0
check_peer_count 2
check_peer_saw '^C: RCPT TO:<bob@example\.com> NOTIFY=NEVER$'
check_peer_saw '^C: MAIL FROM:<[^>]*>.* RET=FULL( |$)'

eight() {
	printf 'Subject: %s\nMIME-Version: 1.0\n' "$1"
	printf 'Content-Type: text/plain; charset=UTF-8\n'
	printf 'Content-Transfer-Encoding: 8bit\n\nGrüße, été\n'
}
eight b8 | posthorn_run -B 8BITMIME bob@example.com
check_exit 0
check_peer_count 3
eight b7 | posthorn_run -B7BIT bob@example.com
check_exit 0
check_peer_count 4
check_body 3 'Grüße, été'
check_peer_not_saw '^PROTOCOL-ERROR'
[ "$(grep -c '^C: MAIL FROM:.*BODY=8BITMIME' "$PEERDIR/session.log")" = 2 ] ||
    fail "the 8-bit messages were not both sent with BODY=8BITMIME"

for bad in "-N bogus" "-N never,success" "-N success,,failure" "-R bogus" \
    "-B 9BIT"; do
	# shellcheck disable=SC2086  # a flag and its value, split on purpose
	simple_msg bad | posthorn_run $bad bob@example.com
	check_exit 64
done
simple_msg bad | posthorn_run -V "has space" bob@example.com
check_exit 64
check_peer_count 4
check_queue_count 0

# a server without DSN: nothing of it is sent
stop_peers
start_smtpd
write_conf aliases "$ALIASES"
simple_msg nodsn | posthorn_run -N success,failure -R hdrs -V envid123 root
check_exit 0
check_peer_count 1
check_rcpts 1 sysadmin@example.net oncall@example.net
check_peer_not_saw '(NOTIFY|RET|ENVID|ORCPT)='
check_queue_count 0
