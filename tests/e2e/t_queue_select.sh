#!/bin/bash
# t_queue_select: -qS<substr>, -qR<substr> and -qI<substr> deliver exactly
# the queued messages whose sender, recipient or id contains substr, even
# when they are not due yet, and leave the others queued.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd --reply 'rcpt=451 4.3.0 later' --faulty-connections 3
write_conf retry_min 1h retry_max 2h
simple_msg one | posthorn_run -f s-one@example.org r-one@example.org
simple_msg two | posthorn_run -f s-two@example.org r-two@example.org
simple_msg three | posthorn_run -f s-three@example.org r-three@example.org
check_queue_count 3
check_peer_count 0
posthorn_run -q			# none is due
check_eq "connections" 3 "$(grep -c '^CONNECT' "$PEERDIR/session.log")"
id3=$(grep -l '^sender s-three@' "$SPOOL"/*/new/*.env)
id3=${id3##*/}; id3=${id3%.env}

posthorn_run -qSs-two@
check_exit 0
check_peer_count 1
check_msg 1 '^Subject: two'
check_queue_count 2
posthorn_run -qRr-one@
check_exit 0
check_peer_count 2
check_msg 2 '^Subject: one'
check_queue_count 1
posthorn_run -qInot-an-id
check_peer_count 2
posthorn_run -qI"${id3:4:6}"
check_exit 0
check_peer_count 3
check_msg 3 '^Subject: three'
check_queue_count 0
