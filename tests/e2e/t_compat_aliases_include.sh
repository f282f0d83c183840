#!/bin/bash
# t_compat_aliases_include: ":include:" files in the aliases file, in real
# submissions (issue 5: "continuation lines, comments, :include: files").
#
# Asserted, on the envelope recipients the peer receives:
# - an include file's targets: several a line separated by commas, one a
#   line, '#' comment lines and blank lines skipped; a local name in it
#   is looked up again (root -> its alias); an include file named inside
#   an include file is read too; an include next to other targets;
# - a missing include file is skipped with a warning naming it in the log,
#   and the alias's other targets are still delivered;
# - a world-writable include file is not trusted (any user could redirect
#   the mail): its addresses are not used, a warning is logged, and the
#   alias with nothing left goes where an unresolved local name goes
#   (admin_address);
# - newaliases reports the missing include with its file and line.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

start_smtpd
mkdir -p "$TESTTMP/lists"
cat >"$TESTTMP/lists/staff" <<'EOF_L'
# the staff list

alice@example.net, bob@example.net
carol@example.net
root
:include:$TESTTMP/lists/contractors
EOF_L
sed -i "s|\$TESTTMP|$TESTTMP|" "$TESTTMP/lists/staff"
printf 'dave@example.com\n# eve left\n' >"$TESTTMP/lists/contractors"
printf 'mallory@evil.example\n' >"$TESTTMP/lists/open"
chmod 644 "$TESTTMP/lists/staff" "$TESTTMP/lists/contractors"
chmod 666 "$TESTTMP/lists/open"
write_aliases <<EOF_A
root: sysadmin@example.net
staff: :include:$TESTTMP/lists/staff
all: staff, boss@example.net
broken: :include:$TESTTMP/lists/missing, helpdesk@example.net
open: :include:$TESTTMP/lists/open
EOF_A
write_conf aliases "$ALIASES" admin_address ops-admin@example.org

simple_msg staff | posthorn_run staff
check_exit 0
check_peer_count 1
check_rcpts 1 alice@example.net bob@example.net carol@example.net \
    sysadmin@example.net dave@example.com

simple_msg all | posthorn_run all
check_exit 0
check_peer_count 2
check_rcpts 2 alice@example.net bob@example.net carol@example.net \
    sysadmin@example.net dave@example.com boss@example.net

simple_msg broken | posthorn_run broken
check_exit 0
check_peer_count 3
check_rcpts 3 helpdesk@example.net
check_log "warning: .*lists/missing"

simple_msg open | posthorn_run open
check_exit 0
check_peer_count 4
check_rcpts 4 ops-admin@example.org
check_log "warning: .*lists/open"
check_peer_not_saw 'mallory'

posthorn_run -bi
check_exit 0
check_stderr "aliases:4:.*lists/missing"
check_queue_count 0
