#!/bin/bash
# t_compat_aliases_loop: alias loops neither hang nor lose mail (issue 5:
# "nested aliases with loop detection").
#
# Asserted, in real submissions bounded at 20 s each (a hang is a failure
# by timeout, and each must finish within 10 s):
# - a -> b -> a (b also has an address): the loop ends at a local address,
#   a@domain without admin_address, admin_address with it; the address on
#   the way is delivered; a warning naming the loop is logged;
# - x -> y -> x with no exit at all: still delivered (x@domain or
#   admin_address), never dropped;
# - a three-alias cycle reached from its middle;
# - a self-reference ("root: root, addr") is no loop: root@domain and addr;
# - the message is sent once, each address once.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

RUN_TIMEOUT=20
start_smtpd
write_aliases <<'EOF_A'
a: b
b: a, bob@example.com
x: y
y: x
c1: c2, one@example.net
c2: c3, two@example.net
c3: c1, three@example.net
root: root, sysadmin@example.net
EOF_A

timed_run() {	# args: posthorn_run, and fail when it took over 10 s
	local start
	start=$(date +%s)
	posthorn_run "$@"
	check_exit 0
	[ $(($(date +%s) - start)) -le 10 ] ||
	    fail "posthorn $* took $(($(date +%s) - start)) s (a loop?)"
}

write_conf aliases "$ALIASES"
simple_msg a | timed_run a
check_peer_count 1
check_rcpts 1 a@example.org bob@example.com
check_log 'warning: .*loop'

simple_msg x | timed_run x
check_peer_count 2
check_rcpts 2 x@example.org

simple_msg c2 | timed_run c2
check_peer_count 3
check_rcpts 3 c2@example.org one@example.net two@example.net \
    three@example.net

simple_msg self | timed_run root
check_peer_count 4
check_rcpts 4 root@example.org sysadmin@example.net

write_conf aliases "$ALIASES" admin_address ops-admin@example.org
simple_msg a-admin | timed_run a b x
check_peer_count 5
check_rcpts 5 ops-admin@example.org bob@example.com
check_peer_saw '^SAVED msg-5'
check_queue_count 0
