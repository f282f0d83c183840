#!/bin/bash
# t_compat_aliases_nested: local recipients through the aliases file in a
# real submission (SPEC 3, issue 5), checked on what the peer receives.
#
# Asserted: a chain of nested aliases (MAILER-DAEMON -> postmaster -> root
# -> webmaster -> web-team) ends at its addresses, with continuation lines
# and comments (a '#' line between entries, an indented one inside an
# entry) read as /etc/aliases is; names match without regard to case;
# an address reached twice is sent once; a local name that the chain ends
# on without an alias is qualified with domain; recipients taken from the
# headers (-t) are expanded the same way while the To header itself is only
# qualified, never rewritten; the envelope sender is never alias-expanded
# (-f root, -f postmaster and the default login@domain stay as they are,
# and "From: root" is only qualified).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

start_smtpd
write_aliases <<'EOF_A'
# /etc/aliases, as a Debian system has it
postmaster: root
MAILER-DAEMON: postmaster

# people
root: webmaster, sysadmin@example.net
webmaster: web-team
web-team: alice@example.net,
  # the second line of the list carries a comment
	bob@example.net,
	  sysadmin@example.net , deploy
Ops: ops-team@example.net
EOF_A
write_conf aliases "$ALIASES"
me=$(id -un)

# 1. four levels of nesting; the sender is not expanded
simple_msg nested | posthorn_run -f root MAILER-DAEMON
check_exit 0
check_peer_count 1
check_rcpts 1 alice@example.net bob@example.net sysadmin@example.net \
    deploy@example.org
check_sender 1 root@example.org

# 2. a name in another case; -f postmaster is qualified, not expanded
simple_msg case | posthorn_run -f postmaster OPS
check_exit 0
check_peer_count 2
check_rcpts 2 ops-team@example.net
check_sender 2 postmaster@example.org

# 3. -t: "To: root" is expanded for the envelope, the header only
# qualified; "From: root" is qualified, never expanded; no -f: login@domain
printf 'From: root\nTo: root, Ops\nSubject: -t\n\nbody\n' | posthorn_run -t
check_exit 0
check_peer_count 3
check_rcpts 3 alice@example.net bob@example.net sysadmin@example.net \
    deploy@example.org ops-team@example.net
check_sender 3 "$me@example.org"
check_header 3 From '^root@example\.org$'
check_header 3 To '^root@example\.org, Ops@example\.org$'

# 4. an address of our own domain is not local (only bare names,
# @localhost and @hostname are): root@example.org goes out as it is
simple_msg notlocal | posthorn_run root@example.org
check_exit 0
check_peer_count 4
check_rcpts 4 root@example.org
check_log_not 'warning'
check_queue_count 0
