#!/bin/bash
# t_postfix_envelope.sh - the SMTP envelope as a real Postfix records it:
# -f and -r set the Return-Path; each recipient gets its own copy with
# Delivered-To and X-Original-To equal to it (two recipients, one
# submission); -F names the added From header (a well-formed RFC 5322
# phrase); posthorn's log has the submission line and one status=sent line
# per recipient (SPEC 7); the queue is empty afterwards; and Postfix's
# strict smtpd (bare newline rejection, strict RFC 821 envelopes,
# unauthorised pipelining) logs no warning, rejection or dropped session.
set -u
. "$SRCDIR/tests/postfix.sh"

postfix_start || exit 1
postfix_posthorn_conf || exit 1
fail=0
say() { echo "$*"; }

printf 'Subject: envelope test\nTo: bob@example.org, carol@example.org\n\nhello both\n' >two.eml

# 1. -f with two recipients: two copies, one per recipient
if postfix_submit two.eml -i -f alice@example.org bob@example.org carol@example.org; then
	postfix_wait_mail 2 || fail=1
	sleep 0.2
	n=$(pf_count_new)
	[ "$n" -eq 2 ] || { say "FAIL two recipients: expected 2 deliveries, got $n"; fail=1; }
	seen=""
	for f in "$PF_MAILDIR"/new/*; do
		[ -f "$f" ] || continue
		r=$(sed -n 's/^Delivered-To: //p' "$f" | head -1)
		seen="$seen $r"
		if out=$(postfix_compare two.eml "$f" --sender alice@example.org --rcpt "$r"); then
			say "ok   -f, two recipients: copy for $r"
		else
			say "FAIL -f, two recipients: copy for $r"
			printf '%s\n' "$out"
			fail=1
		fi
		mkdir -p "$PF_DIR/seen" && mv "$f" "$PF_DIR/seen/"
	done
	case "$(echo $seen | tr ' ' '\n' | sort | tr '\n' ' ')" in
	"bob@example.org carol@example.org ") ;;
	*) say "FAIL expected copies for bob@example.org and carol@example.org, got:$seen"; fail=1 ;;
	esac
	postfix_queue_empty || fail=1
else
	fail=1
fi

# 2. -r sets the sender as -f does
printf 'Subject: -r test\nTo: bob@example.org\n\nhello\n' >r.eml
if out=$(postfix_case r.eml --sender dave@example.com --rcpt bob@example.org -- \
    -i -r dave@example.com bob@example.org 2>&1); then
	say "ok   -r sets the envelope sender"
else
	say "FAIL -r sets the envelope sender"
	printf '%s\n' "$out"
	fail=1
fi

# 3. -F: the added From carries the full name, as a valid phrase
printf 'Subject: -F test\nTo: bob@example.org\n\nhello\n' >full.eml
if postfix_submit full.eml -i -f alice@example.org -F 'Alice Q. Example' bob@example.org &&
    f=$(postfix_take_one); then
	if out=$(postfix_compare full.eml "$f" --sender alice@example.org --rcpt bob@example.org); then
		say "ok   -F: the message is intact"
	else
		say "FAIL -F: the message"
		printf '%s\n' "$out"
		fail=1
	fi
	if out=$("$PF_PYTHON" - "$f" <<'PY'
import sys, email, email.policy, email.utils
raw = open(sys.argv[1], "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.default)
h = m["From"]
if h is None:
    print("  no From: header")
    sys.exit(1)
name, addr = email.utils.parseaddr(str(h))
problems = []
if (name, addr) != ("Alice Q. Example", "alice@example.org"):
    problems.append("From: expected name 'Alice Q. Example' and address alice@example.org, got %r %r" % (name, addr))
if h.defects:
    problems.append("From: %r is not strict RFC 5322: %s" % (str(h), "; ".join(str(d) for d in h.defects)))
if problems:
    print("\n".join("  " + p for p in problems))
    sys.exit(1)
PY
	); then
		say "ok   -F: From header names 'Alice Q. Example'"
	else
		say "FAIL -F: From header"
		printf '%s\n' "$out"
		fail=1
	fi
else
	fail=1
fi

# 4. posthorn's log (SPEC 7): a submission line, one status=sent line per
# recipient, with the relay and a 12+ character upper-case hex queue id
log=$PH_LOGFILE
logfail=0
if [ ! -s "$log" ]; then
	say "FAIL posthorn's log_file $log is empty or missing"
	fail=1
else
	for r in bob@example.org carol@example.org; do
		if grep -Eq "[0-9A-F]{12,}: to=<$r>, relay=[^ ]*\[127\.0\.0\.1\]:$PF_PORT, delay=[0-9.]+, (tls=[^ ]+, )?dsn=2\.0\.0, status=sent \(250[ -]" "$log"; then
			say "ok   log: status=sent line for $r"
		else
			say "FAIL log: no 'ID: to=<$r>, relay=...[127.0.0.1]:$PF_PORT, delay=..., dsn=2.0.0, status=sent (250 ...)' line"
			logfail=1
		fi
	done
	if grep -Eq "[0-9A-F]{12,}: uid=$(id -u), from=<alice@example\.org>, size=[0-9]+, nrcpt=2, msgid=<[^>]+@test\.example>" "$log"; then
		say "ok   log: submission line for the two-recipient message"
	else
		say "FAIL log: no 'ID: uid=$(id -u), from=<alice@example.org>, size=N, nrcpt=2, msgid=<...@test.example>' line"
		logfail=1
	fi
	if [ $logfail -ne 0 ]; then
		fail=1
		echo "  posthorn's log:"
		sed 's/^/    /' "$log"
	fi
fi

# 5. Postfix saw well-behaved sessions
postfix_stop
if postfix_log_clean; then
	say "ok   Postfix logged no warning or rejection"
else
	fail=1
fi
exit $fail
