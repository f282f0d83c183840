#!/bin/bash
# t_compat_newaliases_counts: the numbers on newaliases' summary line are
# sendmail's (SPEC 2: "prints sendmail's line FILE: N aliases, longest L
# bytes, T bytes total").
#
# sendmail's readaliases() counts, for each alias it stores, lhssize =
# strlen(name) and rhssize = strlen(right-hand side, from its first
# non-blank character); longest = the largest rhssize, total = the sum of
# lhssize + rhssize.  On a file of one-line entries with no trailing
# blanks that is exact, and asserted here: N = 3, L = 34, T = 23 + 42 = 65
# (names postmaster, root, webmaster; right-hand sides 4, 34 and 4 bytes).
# Blank lines and comments count for nothing.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

write_aliases <<'EOF_A'
# comment

postmaster: root
root: alice@example.net, bob@example.net
webmaster:	root
EOF_A
write_conf aliases "$ALIASES" smarthost 127.0.0.1:1
posthorn_run -bi
check_exit 0
check_out_line "$ALIASES: 3 aliases, longest 34 bytes, 65 bytes total"
