#!/bin/bash
# t_postfix_qualify.sh - bare addresses are qualified with `domain` in the
# envelope and in the address headers (SPEC 3) before they reach a strict
# relay: -f cron arrives as Return-Path <cron@example.org>, recipient carol
# (no alias) as carol@example.org, and From/To/Cc/Reply-To keep their
# display names and comments while the bare addresses get @example.org
# ("From: root (Cron Daemon)" leaves as "From: root@example.org (Cron
# Daemon)").  Postfix is set not to rewrite headers itself.  And the
# plainest call, "echo hi | sendmail bob": sender login@example.org,
# recipient bob@example.org, body "hi" after an added blank line.
# Afterwards Postfix's log shows no warning, rejection or broken session.
set -u
. "$SRCDIR/tests/postfix.sh"

postfix_start || exit 1
: >aliases
postfix_posthorn_conf "aliases $TESTTMP/aliases" || exit 1

cat >in.eml <<'MSG'
From: root (Cron Daemon)
To: carol
Cc: Dave Example <dave>, erin@example.com
Reply-To: ops
Subject: Cron <root@host> run-parts /etc/cron.daily

/etc/cron.daily/logrotate: done
MSG
cat >want.eml <<'MSG'
From: root@example.org (Cron Daemon)
To: carol@example.org
Cc: Dave Example <dave@example.org>, erin@example.com
Reply-To: ops@example.org
Subject: Cron <root@host> run-parts /etc/cron.daily

/etc/cron.daily/logrotate: done
MSG

postfix_submit in.eml -i -f cron carol || exit 1
f=$(postfix_take_one) || exit 1
if out=$(postfix_compare want.eml "$f" --sender cron@example.org --rcpt carol@example.org); then
	echo "ok   envelope and headers qualified with example.org"
else
	echo "FAIL qualification (expected the headers of want.eml):"
	printf '%s\n' "$out"
	echo "  stored file:"
	sed -n '1,/^$/p' "$f" | sed 's/^/    /'
	exit 1
fi
postfix_queue_empty || exit 1

# echo hi | sendmail bob: no flags at all; the sender is login@domain
me=$(id -un)
echo hi >hi.eml
postfix_submit hi.eml bob || exit 1
f=$(postfix_take_one) || exit 1
if out=$(postfix_compare hi.eml "$f" --sender "$me@example.org" --rcpt bob@example.org); then
	echo "ok   echo hi | posthorn bob: from $me@example.org to bob@example.org"
else
	echo "FAIL echo hi | posthorn bob (expected sender $me@example.org, recipient bob@example.org):"
	printf '%s\n' "$out"
	exit 1
fi
postfix_queue_empty || exit 1
postfix_stop
postfix_log_clean
