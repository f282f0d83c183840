#!/bin/bash
# t_smtp_dot_i: with -i (and with -oi) a single '.' line is content: it is
# dot-stuffed on the wire and arrives intact, with what follows it.
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
n=0
for flag in -i -oi; do
	n=$((n + 1))
	printf 'Subject: dot %s\n\nbefore the dot\n.\nafter the dot\n' "$flag" |
	    posthorn_run $flag bob@example.org
	check_exit 0
	check_peer_count $n
	check_msg $n '^before the dot'$'\r''$'
	check_msg $n '^\.'$'\r''$'
	check_msg $n '^after the dot'$'\r''$'
done
