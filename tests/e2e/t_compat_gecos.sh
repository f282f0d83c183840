#!/bin/bash
# t_compat_gecos: a message without a From header gets one naming the
# sender as sendmail does: -F's name, else the GECOS name of the caller's
# password entry up to its first comma, else the bare address; a message
# with its own From keeps it.  (The entry is looked up only when a name or
# the login is needed; this checks what the look-up gives.)
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

[ "$(id -u)" = 0 ] || fail "this test needs root (useradd)"
start_smtpd
write_conf log_file ""
chmod 644 "$CONF"
chmod 755 "$TESTTMP"
user=phgc$$
compat_user "$user"
usermod -c "Gecos Tester,Room 7,," "$user" || fail "usermod -c failed"

nofrom() { printf 'To: bob@example.org\nSubject: %s\n\nbody\n' "$1"; }

nofrom gecos | as_uid "$CU_UID" "$CU_GID" "$POSTHORN" -C "$CONF" \
	bob@example.org
check_exit 0
check_peer_count 1
check_msg 1 "^From: Gecos Tester <$user@example\\.org>[[:space:]]*$"
check_eq "envelope sender" "$user@example.org" "$(peer_env 1 mail_from)"

nofrom given | as_uid "$CU_UID" "$CU_GID" "$POSTHORN" -C "$CONF" \
	-F "Given Name" bob@example.org
check_exit 0
check_peer_count 2
check_msg 2 '^From: Given Name <'"$user"'@example\.org>[[:space:]]*$'

nofrom sender | as_uid "$CU_UID" "$CU_GID" "$POSTHORN" -C "$CONF" \
	-f other@example.net bob@example.org
check_exit 0
check_peer_count 3
check_msg 3 '^From: Gecos Tester <other@example\.net>[[:space:]]*$'
check_eq "envelope sender (-f)" other@example.net "$(peer_env 3 mail_from)"

usermod -c "" "$user" || fail "usermod -c '' failed"
nofrom bare | as_uid "$CU_UID" "$CU_GID" "$POSTHORN" -C "$CONF" \
	bob@example.org
check_exit 0
check_peer_count 4
check_msg 4 "^From: $user@example\\.org[[:space:]]*$"

printf 'From: Own <own@example.net>\nSubject: own\n\nbody\n' |
	as_uid "$CU_UID" "$CU_GID" "$POSTHORN" -C "$CONF" bob@example.org
check_exit 0
check_peer_count 5
check_msg 5 '^From: Own <own@example\.net>[[:space:]]*$'
check_msg_not 5 'Gecos'
