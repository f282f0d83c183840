#!/bin/bash
# t_cred_conf_mode_user: run as an unprivileged test user (root reads any
# file, so only a user shows the check is real): the user's own -C file
# holds auth_password and is readable by others (0644) or by the group
# (0640): refused with exit 78 (SPEC 6, SPEC 2), stderr naming the file
# and the fix (chmod 600 FILE), the password not echoed, nothing queued,
# no connection.  The same file at 0600 delivers (exit 0), so the refusal
# was about the mode.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
[ "$(id -u)" = 0 ] || fail "needs root (to create the test user)"
u=phcm$$
test_user $u
pw='Us3r-conf-s3cret'
start_smtpd --auth-plaintext --auth-user alice --auth-password "$pw" \
    --auth-mechs PLAIN
mkdir -p "$TESTTMP/u"
chown "$TU_UID:$TU_GID" "$TESTTMP/u"
uconf=$TESTTMP/u/posthorn.conf
printf '%s\n' "spool_dir $SPOOL" "log_file $TESTTMP/u/maillog" \
    "hostname test.example" "domain example.org" \
    "smarthost 127.0.0.1:$PORT" "tls none" "auth_plaintext yes" \
    "auth_user alice" "auth_password $pw" >"$uconf"
chown "$TU_UID:$TU_GID" "$uconf"
MAILLOG=$TESTTMP/u/maillog
for mode in 644 640; do
	chmod $mode "$uconf"
	simple_msg | posthorn_as $u -C "$uconf" bob@example.org
	check_exit 78
	check_stderr "$uconf"
	check_stderr "chmod (600|0600|go-rwx) $uconf"
	check_no_secret_in alice "$pw" "$ERR" "$OUT"
	check_queue_count 0
	check_peer_not_saw '^CONNECT'
done
chmod 600 "$uconf"
simple_msg | posthorn_as $u -C "$uconf" bob@example.org
check_exit 0
check_peer_count 1
check_peer_saw '^AUTH-OK PLAIN alice$'
check_queue_count 0
