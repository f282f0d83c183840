#!/bin/bash
# t_compat_ignored_flags: every flag SPEC 2 lists as "accepted and
# ignored" is accepted, so that callers never break: "-o X", "-oX..."
# (other than -oi, -od?, -oe?), "-O opt=val", "-L tag", "-U", "-G",
# "-A x", "-X file", "-h N", "-n", "-m", "-e?", each with its argument as
# the next word and, where sendmail allows, in the same word.
#
# Asserted for each: exit 0, the message delivered to the recipient that
# follows (so no flag swallowed it), nothing on stderr, nothing left in the
# queue; also all of them at once on a single command line; and -X's
# file is never created (posthorn keeps no transaction log).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

start_smtpd
write_aliases </dev/null
write_conf aliases "$ALIASES"
X=$TESTTMP/xlog

flags=(
	"-o Foo" "-oFoo" "-o AliasFile=/etc/aliases" "-oA/etc/aliases"
	"-oQ/var/spool/mqueue" "-oLogLevel=9" "-om" "-ob"
	"-O LogLevel=9" "-OLogLevel=9" "-O DeliveryMode=b"
	"-L mytag" "-Lmytag"
	"-U" "-G"
	"-A m" "-Am" "-A c" "-Ac"
	"-X $X" "-X$X.2"
	"-h 17" "-h17"
	"-n" "-m"
	"-em" "-ep" "-eq" "-ew" "-ee"
	"-Ui" "-nm"
)
n=0
for f in "${flags[@]}"; do
	n=$((n + 1))
	# shellcheck disable=SC2086  # a flag and its argument, split on purpose
	simple_msg "flag $n" | posthorn_run $f "rcpt$n@example.com"
	[ "$RC" = 0 ] || fail "posthorn $f: exit $RC, expected 0: $(head -2 "$ERR")"
	[ -s "$ERR" ] && fail "posthorn $f: said on stderr: $(head -2 "$ERR")"
	check_peer_count $n
	check_rcpts $n "rcpt$n@example.com"
	check_msg $n "^Subject: flag $n"
done

n=$((n + 1))
simple_msg all | posthorn_run -o Foo -oFoo -O a=b -L tag -U -G -A m -X "$X" \
    -h 3 -n -m -em -i "rcpt$n@example.com"
check_exit 0
check_peer_count $n
check_rcpts $n "rcpt$n@example.com"
check_no_file "$X" "-X wrote a file"
check_no_file "$X.2" "-X wrote a file"
check_queue_count 0
