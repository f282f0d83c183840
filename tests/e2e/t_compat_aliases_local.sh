#!/bin/bash
# t_compat_aliases_local: what counts as a local recipient and where one
# that no alias resolves goes (SPEC 3: "a bare name, @localhost, or @ the
# hostname"; "user+tag tries user+tag, then user"; admin_address, else
# qualified with domain), in real submissions.
#
# Asserted, on the envelope recipients the peer receives:
# - user+tag: an alias for "user+tag" itself wins; else the one for "user";
#   with neither, the name is kept whole (user+tag@domain);
# - name@localhost and name@<hostname> (any case) are local: expanded
#   through the aliases, and the same person reached three ways gets the
#   message once;
# - a bare name with no alias: admin_address when set, else name@domain;
#   so are nobody@localhost and nobody@<hostname>; an alias still wins
#   over admin_address;
# - an address in another domain is never touched;
# - a missing aliases file is no failure: local names go to admin_address.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

start_smtpd
write_aliases <<'EOF_A'
ann+list: list-owner@example.net
ann: ann@example.net
joe: joe@elsewhere.example
root: sysadmin@example.net
EOF_A

# --- no admin_address ------------------------------------------------------
write_conf aliases "$ALIASES"

simple_msg tags | posthorn_run ann+list ann+other ann
check_exit 0
check_peer_count 1
check_rcpts 1 list-owner@example.net ann@example.net

simple_msg hostnames | posthorn_run joe@localhost joe@test.example \
    JOE@Test.Example
check_exit 0
check_peer_count 2
check_rcpts 2 joe@elsewhere.example

simple_msg unaliased | posthorn_run zed zed+x nobody@localhost \
    nobody2@test.example carol@example.com
check_exit 0
check_peer_count 3
check_rcpts 3 zed@example.org zed+x@example.org nobody@example.org \
    nobody2@example.org carol@example.com

# --- admin_address ---------------------------------------------------------
write_conf aliases "$ALIASES" admin_address ops-admin@example.org

simple_msg admin | posthorn_run zed zed+x nobody@localhost \
    nobody2@test.example carol@example.com root joe+tag@localhost
check_exit 0
check_peer_count 4
check_rcpts 4 ops-admin@example.org carol@example.com \
    sysadmin@example.net joe@elsewhere.example

# a bare admin_address is qualified too
write_conf aliases "$ALIASES" admin_address hostmaster
simple_msg bare-admin | posthorn_run zed
check_exit 0
check_peer_count 5
check_rcpts 5 hostmaster@example.org

# --- no aliases file at all ------------------------------------------------
write_conf aliases "$TESTTMP/no-such-aliases" admin_address ops-admin@example.org
simple_msg no-file | posthorn_run root www-data@localhost
check_exit 0
check_peer_count 6
check_rcpts 6 ops-admin@example.org
check_queue_count 0
