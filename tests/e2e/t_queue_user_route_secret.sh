#!/bin/bash
# t_queue_user_route_secret: /etc/posthorn.conf names a password file only
# root can read, for its smarthost (peer 1).  User A (unprivileged) sends
# three messages, none deliverable by A (A cannot read the secret):
#   1. through the system configuration alone (-v says why it waits);
#   2. with -C FILE of A's routing to another smarthost (peer 2) that
#      names the same root-only secret;
#   3. with A's own ~/.config/posthorn/config routing to peer 2 likewise.
# Once they are due, root's -q (plain and forced) delivers 1 to peer 1 with AUTH (it read the
# secret before dropping to A), and never uses A's own routes: 2 and 3 stay
# queued and peer 2 sees no connection at all.  The secret never appears
# in the log, on stderr or in the queue.
. "$SRCDIR/tests/queue_lib.sh"
private_etc "$@"
. "$SRCDIR/tests/lib.sh"
[ "$(id -u)" = 0 ] || fail "needs root"
ua=phqa$$
test_user $ua; uida=$TU_UID gida=$TU_GID
SECRET="s3cr3t-$$-root-only"
printf '%s\n' "$SECRET" >"$TESTTMP/secret"
chmod 0600 "$TESTTMP/secret"
start_smtpd --auth-user relayuser --auth-password "$SECRET" --auth-plaintext
P1=$PEERDIR PORT1=$PORT
start_smtpd --auth-user relayuser --auth-password "$SECRET" --auth-plaintext
P2=$PEERDIR PORT2=$PORT
PORT=$PORT1 PEERDIR=$P1
root_sysconf auth_user relayuser auth_password_file "$TESTTMP/secret" \
    auth_plaintext yes retry_min 1s retry_max 1s
as_user $ua cat "$TESTTMP/secret" >/dev/null 2>&1 &&
    fail "$ua can read the secret: the test proves nothing"

# A's own configurations, routing to peer 2 with the root-only secret
mkdir -p "$TESTTMP/homeA/.config/posthorn"
own_conf() {
	printf '%s\n' "spool_dir $SPOOL" "log_file $MAILLOG" \
	    "hostname test.example" "domain example.org" \
	    "smarthost 127.0.0.1:$PORT2" "tls none" "auth_user relayuser" \
	    "auth_password_file $TESTTMP/secret" "auth_plaintext yes" \
	    "retry_min 1s" "retry_max 1s"
}
own_conf >"$TESTTMP/homeA/userconf"
own_conf >"$TESTTMP/homeA/.config/posthorn/config"
chown -R $uida:$gida "$TESTTMP/homeA"
chmod -R go-rwx "$TESTTMP/homeA"

printf 'Subject: route system\nTo: bob@example.org\n\nx\n' |
    posthorn_as $ua -v bob@example.org
check_exit 0
check_stderr "$TESTTMP/secret|password|[Pp]ermission"
printf 'Subject: route -C\nTo: bob@example.org\n\nx\n' |
    posthorn_as $ua -C "$TESTTMP/homeA/userconf" carol@example.org
check_exit 0
printf 'Subject: route home\nTo: bob@example.org\n\nx\n' |
    HOME_AS=$TESTTMP/homeA posthorn_as $ua dave@example.org
check_exit 0
check_queue_count 3
check_peer_not_saw '^CONNECT'
PEERDIR=$P2 check_peer_not_saw '^CONNECT'
qa=$(queue_dir_of $uida) || fail "no queue owned by $ua"
grep -l '^conf system$' "$qa"/new/*.env | xargs grep -q 'rcpt pending bob@' ||
    fail "message 1 is not recorded as routed by the system configuration"

sleep 1.2		# all three are due
root_flush
check_exit 0
check_peer_count 1
check_msg 1 '^Subject: route system'
check_peer_saw '^AUTH-OK [A-Z0-9-]+ relayuser'
PEERDIR=$P2 check_peer_not_saw '^CONNECT'
check_queue_count 2
for r in carol dave; do
	grep -q "^rcpt pending $r@example.org" "$qa"/new/*.env ||
	    fail "the message to $r@ is no longer pending in $ua's queue"
done
# forced selection does not change that
root_flush -qR@example.org
root_flush -qS$ua
check_exit 0
check_peer_count 1
PEERDIR=$P2 check_peer_not_saw '^CONNECT'
check_queue_count 2

for f in "$MAILLOG" "$ERR" "$qa"/new/*.env "$P1/session.log" \
    "$P2/session.log" "$P1"/msg-*.eml; do
	check_no_secret "$f" "$f" relayuser "$SECRET"
done
