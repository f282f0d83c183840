#!/bin/bash
# t_postfix_bcc.sh - Bcc against a real Postfix (SPEC 2 -t, SPEC 3): with
# -t every To, Cc and Bcc address (a folded Bcc with two addresses
# included) gets its own copy, and no copy holds a Bcc: line - each equals
# the input minus its Bcc header; without -t a Bcc header is removed too
# and only the command-line recipient gets the message; with Resent-
# headers, -t takes Resent-To/Cc/Bcc and removes Resent-Bcc.  Also -f ''
# (null sender): Return-Path <>, still a qualified From.
# Afterwards Postfix's log shows no warning, rejection or broken session.
set -u
. "$SRCDIR/tests/postfix.sh"

postfix_start || exit 1
postfix_posthorn_conf || exit 1
fail=0

# collect N INPUT SENDER RCPT...: wait for N copies, compare each (by its
# Delivered-To) with INPUT, check the set of recipients
collect() {
	local n=$1 input=$2 sender=$3 f r got want out
	shift 3
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	postfix_wait_mail "$n" || { fail=1; return; }
	sleep 0.3
	got=""
	mkdir -p "$PF_DIR/seen"
	for f in "$PF_MAILDIR"/new/*; do
		r=$(sed -n 's/^Delivered-To: //p' "$f" | head -1)
		got="$got$r"$'\n'
		if grep -qi '^\(resent-\)\?bcc:' "$f"; then
			echo "FAIL copy for $r holds a Bcc header: $(grep -i '^\(resent-\)\?bcc:' "$f")"
			fail=1
		fi
		if out=$(postfix_compare "$input" "$f" --sender "$sender" --rcpt "$r"); then
			echo "ok   copy for $r"
		else
			echo "FAIL copy for $r"
			printf '%s\n' "$out"
			fail=1
		fi
		mv "$f" "$PF_DIR/seen/"
	done
	got=$(printf '%s' "$got" | sort | tr '\n' ' ')
	if [ "$got" != "$want" ]; then
		echo "FAIL recipients: expected $want, got $got"
		fail=1
	fi
	postfix_queue_empty || fail=1
}

cat >t.eml <<'MSG'
From: alice@example.org
To: bob@example.org
Cc: carol@example.org
Bcc: dave@example.com,
 erin@example.net
Subject: -t with a folded Bcc

hello
MSG
grep -v -e '^Bcc:' -e '^ erin' t.eml >t-want.eml
echo "-- -t"
postfix_submit t.eml -t -i -f alice@example.org || fail=1
collect 4 t-want.eml alice@example.org bob@example.org carol@example.org \
    dave@example.com erin@example.net

echo "-- no -t, Bcc header present"
postfix_submit t.eml -i -f alice@example.org bob@example.org || fail=1
collect 1 t-want.eml alice@example.org bob@example.org

cat >r.eml <<'MSG'
Resent-From: alice@example.org
Resent-To: carol@example.org
Resent-Bcc: dave@example.com
From: frank@example.com
To: bob@example.org
Subject: resent with Resent-Bcc

forwarded
MSG
grep -v '^Resent-Bcc:' r.eml >r-want.eml
echo "-- -t with Resent- headers"
postfix_submit r.eml -t -i -f alice@example.org || fail=1
collect 2 r-want.eml alice@example.org carol@example.org dave@example.com

echo "-- -f '' (null sender)"
printf 'Subject: null sender\nTo: bob@example.org\n\nbounce-like\n' >n.eml
postfix_submit n.eml -i -f '' bob@example.org || fail=1
collect 1 n.eml "" bob@example.org
postfix_stop
postfix_log_clean || fail=1
exit $fail
