#!/bin/bash
# t_queue_root_flush_fifo: a user cannot stall root's flush for everyone:
# user A plants, in A's own queue, a FIFO named like an envelope and
# another named like a data file (both sorting before A's real message).
# Root's -q must still finish promptly (bounded here at 15 s) and deliver
# A's real message and user B's message.  (The FIFOs are opened for
# writing afterwards, so that a process stuck on them can finish.)
. "$SRCDIR/tests/queue_lib.sh"
private_etc "$@"
. "$SRCDIR/tests/lib.sh"
[ "$(id -u)" = 0 ] || fail "needs root"
# open every FIFO in the spool for writing until no process of the test
# users is left (a flush stuck on one can then finish); also at exit,
# before the users are removed
unblock() {
	local f i
	for i in $(seq 50); do
		for f in "$SPOOL"/*/new/*; do
			[ -p "$f" ] &&
			    timeout 2 bash -c 'exec 3<>"$1"; sleep 0.1' _ "$f"
		done
		[ -z "${uida:-}" ] && return 0
		pgrep -u "$uida" >/dev/null || return 0
		sleep 0.2
	done
}
at_exit unblock
ua=phqa$$ ub=phqb$$
test_user $ua; uida=$TU_UID
test_user $ub; uidb=$TU_UID
start_smtpd
root_sysconf
printf 'Subject: real A\n\nx\n' | posthorn_as $ua -odq bob@example.org
check_exit 0
printf 'Subject: real B\n\nx\n' | posthorn_as $ub -odq carol@example.org
check_exit 0
qa=$(queue_dir_of $uida) || fail "no queue owned by $ua"
real=$(ls "$qa"/new/*.env)
real=${real##*/}
as_user $ua sh -c "
	cd '$qa/new' && mkfifo 000000000001.env && echo x >000000000001.msg &&
	mkfifo 000000000002.msg &&
	sed 's/^id .*/id 000000000002/' $real >000000000002.env
" || fail "$ua cannot plant the FIFOs"
t0=$(date +%s)
RUN_TIMEOUT=15 root_flush
rc=$RC
echo "root's flush: exit $rc after $(($(date +%s) - t0)) s"
unblock
RC=$rc
check_exit 0
check_peer_count 2
got=$(for n in 1 2; do peer_env $n rcpt_tos; done | sort | tr '\n' ' ')
check_eq "recipients" "bob@example.org carol@example.org " "$got"
