#!/bin/bash
# t_compat_newaliases: "newaliases" (a link named newaliases: posthorn takes
# its personality from basename(argv[0]) and reads -C in every one),
# "sendmail -bi" and "sendmail -I" check the aliases file (SPEC 2).
#
# Asserted:
# - the summary line on stdout, sendmail's shape:
#   "FILE: N aliases, longest L bytes, T bytes total", N the number of
#   aliases (continuation lines and comments not counted), L at least the
#   longest right-hand side and T at least the sum of them all, L <= T;
# - each problem on stderr with FILE:LINE (the line of the entry), for a
#   line with no colon, an invalid address, a duplicate alias, a command
#   target, a continuation line with nothing to continue; the good entries
#   still counted; exit 0 (warnings, not a failure);
# - the three ways give the same output; a clean file prints no problem;
# - a missing aliases file: exit 66 (EX_NOINPUT, sysexits' "an input file
#   did not exist"), a message naming the file on stderr, no summary;
# - no database (aliases.db) is written next to the file; nothing is sent.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

start_smtpd

# --- a clean file ----------------------------------------------------------
write_aliases <<'EOF_A'
# comment
postmaster: root
root: alice@example.net,
	bob@example.net
webmaster: root
EOF_A
write_conf aliases "$ALIASES"
run_as_link newaliases
check_exit 0
check_out_count 1
check_out "^$ALIASES: 3 aliases, longest [0-9]+ bytes, [0-9]+ bytes total\$"
[ -s "$ERR" ] && fail "newaliases: problems reported for a clean file: $(head -3 "$ERR")"
summary=$(cat "$OUT")
L=$(sed -n 's/.*longest \([0-9]*\) bytes.*/\1/p' "$OUT")
T=$(sed -n 's/.* \([0-9]*\) bytes total$/\1/p' "$OUT")
# right-hand sides: "root" (4), "alice@example.net, bob@example.net" or so
# (34 at least, joined), "root" (4)
[ "$L" -ge 34 ] || fail "longest $L bytes: less than the longest entry (34)"
[ "$T" -ge 42 ] || fail "$T bytes total: less than the entries hold (42)"
[ "$L" -le "$T" ] || fail "longest $L bytes exceeds the total $T"

for how in -bi -I; do
	posthorn_run $how
	check_exit 0
	check_eq "posthorn $how output" "$summary" "$(cat "$OUT")"
	[ -s "$ERR" ] && fail "posthorn $how: unexpected stderr: $(head -3 "$ERR")"
done

# --- problems, each with its line --------------------------------------------
write_aliases <<'EOF_A'
	orphan@example.net
# line 2: a comment
good: good@example.net
no colon here
bad: <<not an address
good: again@example.net
cmd: |/bin/true, cmd-ok@example.net
last: last@example.net
EOF_A
run_as_link newaliases
check_exit 0
check_out "^$ALIASES: 4 aliases, longest [0-9]+ bytes, [0-9]+ bytes total\$"
check_stderr "$ALIASES:1:"
check_stderr "$ALIASES:4:.*(:|colon)"
check_stderr "$ALIASES:5:"
check_stderr "$ALIASES:6:.*good"
check_stderr "$ALIASES:7:.*\|/bin/true"
check_stderr_not "$ALIASES:(2|3|8):"
posthorn_run -bi
check_exit 0
check_out "^$ALIASES: 4 aliases, "

# --- a missing file ----------------------------------------------------------
write_conf aliases "$TESTTMP/missing-aliases"
run_as_link newaliases
check_exit 66
check_stderr "missing-aliases"
check_out_count 0
posthorn_run -bi
check_exit 66
check_stderr "missing-aliases"

for f in "$TESTTMP"/aliases.db "$TESTTMP"/aliases.dir "$TESTTMP"/aliases.pag; do
	check_no_file "$f" "newaliases wrote a database"
done
check_nothing_sent
