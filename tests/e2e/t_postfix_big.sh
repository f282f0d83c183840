#!/bin/bash
# t_postfix_big.sh - a 50 MB message (ordinary lines, some starting with a
# dot, a few lone dots with -i) streamed through posthorn to a real Postfix
# (message_size_limit 200 MB): exit 0, the stored body's SHA-256 equals the
# input body's, the headers are intact, the queue is empty afterwards, the
# whole run stays under 30 s, and posthorn's peak memory stays far below
# the message size (SPEC 3, streaming) where /usr/bin/time can measure it
# (not under ASan, whose allocator keeps freed memory).
# Afterwards Postfix's log shows no warning, rejection or broken session.
set -u
. "$SRCDIR/tests/postfix.sh"

postfix_start || exit 1
postfix_posthorn_conf || exit 1

start=$(date +%s)
{
	printf 'Subject: a 50 MB message\nTo: bob@example.org\n'
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n'
	awk 'BEGIN {
		for (i = 0; i < 700000; i++) {
			if (i % 100000 == 99999)
				print "."
			else if (i % 10 == 0)
				printf ".%07d dot-started line: the quick brown fox jumps over the lazy dog\n", i
			else
				printf "%07d abcdefghijklmnopqrstuvwxyz 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ\n", i
		}
	}'
} >big.eml
size=$(stat -c %s big.eml)
[ "$size" -gt 50000000 ] || { echo "generated only $size bytes"; exit 1; }

rss_limit_kb=32768
measure=0
if [ -x /usr/bin/time ] && ! grep -q __asan_init "$POSTHORN"; then
	measure=1
fi
t0=$(date +%s%N)
if [ $measure = 1 ]; then
	timeout 60 /usr/bin/time -f '%M' -o rss.txt "$POSTHORN" -C "$PH_CONF" \
	    -i -f alice@example.org bob@example.org <big.eml 2>posthorn.err
else
	timeout 60 "$POSTHORN" -C "$PH_CONF" -i -f alice@example.org \
	    bob@example.org <big.eml 2>posthorn.err
fi
rc=$?
t1=$(date +%s%N)
if [ $rc -ne 0 ]; then
	echo "FAIL: posthorn exited $rc for a $size-byte message, expected 0"
	sed 's/^/    stderr: /' posthorn.err
	exit 1
fi
echo "posthorn took $(((t1 - t0) / 1000000)) ms for $size bytes"
fail=0
if [ $measure = 1 ]; then
	rss=$(tail -1 rss.txt)
	echo "posthorn peak RSS: $rss KB"
	if [ "$rss" -gt $rss_limit_kb ]; then
		echo "FAIL: peak RSS $rss KB for a $size-byte message (expected under $rss_limit_kb KB: streaming)"
		fail=1
	fi
fi
f=$(postfix_wait_mail 1 60 && postfix_take_one) || exit 1
postfix_compare big.eml "$f" --sender alice@example.org --rcpt bob@example.org \
    --body-sha256 || fail=1
postfix_queue_empty || fail=1
took=$(($(date +%s) - start))
echo "generate + deliver + compare: $took s"
if [ $took -gt 30 ]; then
	echo "FAIL: took $took s, expected under 30 s"
	fail=1
fi
rm -f big.eml
postfix_stop
postfix_log_clean || fail=1
exit $fail
