#!/bin/bash
# t_queue_root_flush_conf_only: "-C file: use this configuration file only"
# (SPEC 2, 6) holds for root's flush too.  /etc/posthorn.conf names a
# spool where user A has a queued message and a smarthost (peer 2); root
# runs "posthorn -C OTHER -q" with a configuration of its own (another
# spool, peer 1): that run must not read /etc/posthorn.conf, so A's
# message is not delivered through peer 2 and stays queued; root's plain
# -q (no -C) then delivers it, showing the set-up was deliverable.
. "$SRCDIR/tests/queue_lib.sh"
private_etc "$@"
. "$SRCDIR/tests/lib.sh"
[ "$(id -u)" = 0 ] || fail "needs root"
ua=phqa$$
test_user $ua; uida=$TU_UID
start_smtpd
P1=$PEERDIR PORT1=$PORT
start_smtpd
P2=$PEERDIR PORT2=$PORT
# the system configuration: spool "sysspool", peer 2
SYSSPOOL=$TESTTMP/sysspool
mkdir -p "$SYSSPOOL" && chmod 1777 "$SYSSPOOL"
SPOOL=$SYSSPOOL root_sysconf
printf 'Subject: system queue of A\n\nx\n' | posthorn_as $ua -odq bob@example.org
check_exit 0
SPOOL=$SYSSPOOL check_queue_count 1

# root's own configuration: spool "spool", peer 1
PORT=$PORT1 PEERDIR=$P1 write_conf
mkdir -p "$TESTTMP/roothome"
env -i PATH=/usr/bin:/bin HOME="$TESTTMP/roothome" timeout 30 \
    "$POSTHORN" -C "$CONF" -q >"$OUT" 2>"$ERR"
echo "root's -C -q: exit $?"
PEERDIR=$P2 check_peer_not_saw '^CONNECT'
SPOOL=$SYSSPOOL check_queue_count 1
PEERDIR=$P1 check_peer_count 0

root_flush
check_exit 0
PEERDIR=$P2 check_peer_count 1
SPOOL=$SYSSPOOL check_queue_count 0
