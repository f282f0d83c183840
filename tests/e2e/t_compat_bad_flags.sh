#!/bin/bash
# t_compat_bad_flags: what posthorn refuses on its command line (SPEC 2).
#
# Asserted:
# - an unknown flag (-Z, -K, -W, and the long --bogus), alone or in a
#   cluster (-tZ): exit 64 (EX_USAGE), a "usage:" line and the flag named
#   on stderr;
# - a flag that needs an argument given none (-f, -N, -X at the end):
#   exit 64;
# - -bd and -bD (sendmail's daemon) and -q30m, -q1h (a repeating queue
#   runner): exit 64 with a hint that names cron;
# - none of these reads the message or queues or sends anything;
# - an unknown -b mode (-bz): exit 64.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

start_smtpd
write_aliases </dev/null
write_conf aliases "$ALIASES"

for f in -Z -K -W --bogus -tZ; do
	simple_msg bad | posthorn_run $f bob@example.com
	check_exit 64
	check_stderr '^usage:'
	check_stderr "(unknown|invalid|illegal).*${f/#-t/-}"
done

for f in -f -N -X -bz; do
	simple_msg bad | posthorn_run $f
	check_exit 64
done

for f in -bd -bD -q30m -q1h; do
	simple_msg daemon | posthorn_run $f
	check_exit 64
	check_stderr 'cron'
done

check_nothing_sent
check_queue_count 0
check_failed_count 0
