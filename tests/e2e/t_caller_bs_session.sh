#!/bin/bash
# t_caller_bs_session: a -bs session as Symfony Mailer's sendmail transport
# (its default: "sendmail -bs") or a long-lived script holds it: several
# transactions in one session, RSET, mistakes in the middle, pipelining.
# swaks sends one message per session, so a small client in python3 drives
# posthorn -bs here, waiting for each reply (or for a pipelined group).
#
# Asserted, reply by reply (RFC 5321 codes): 220 greeting; EHLO 250 with
# PIPELINING and 8BITMIME; transaction 1 (250 MAIL, 250 RCPT, 354, 250 to
# the dot); a second MAIL/RCPT then RSET (250) and DATA (503: RSET ended
# the transaction) and RCPT (503: no MAIL); an unknown command (500); a
# MAIL with broken syntax (501); a good MAIL then a nested one (503); a
# malformed recipient (5xx) that does not end the transaction; RCPT, RCPT,
# DATA pipelined in one write (250, 250, 354); the 8-bit, dot-stuffed body
# (250); NOOP 250, HELP 214, QUIT 221; posthorn exits 0.  Then exactly the
# two messages arrive: alice -> bob and carol -> dave + erin, bodies
# unstuffed and intact; the RSET transaction (mallory) never reaches the
# server.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
guard_system_sendmail "$@"

start_smtpd
write_conf

"$PYTHON" - "$POSTHORN" "$CONF" >"$TESTTMP/session.txt" 2>&1 <<'EOF_PY'
import re, select, subprocess, sys, time

p = subprocess.Popen([sys.argv[1], "-C", sys.argv[2], "-bs"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
buf = b""
deadline = time.monotonic() + 30

def line():
    global buf
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
            sys.exit("FAIL: no reply within 30 s")
        chunk = p.stdout.read1(4096)
        if not chunk:
            sys.exit("FAIL: posthorn closed the session")
        buf += chunk
    l, buf = buf.split(b"\n", 1)
    if not l.endswith(b"\r"):
        sys.exit("FAIL: reply line without CRLF: %r" % l)
    return l[:-1].decode("utf-8", "replace")

def reply():
    lines = []
    while True:
        l = line()
        print("<- " + l)
        if not re.match(r"^[2-5][0-9][0-9][ -]", l):
            sys.exit("FAIL: not a reply line: %r" % l)
        lines.append(l)
        if l[3] == " ":
            break
        if l[:3] != lines[0][:3]:
            sys.exit("FAIL: mixed codes in one reply")
    return lines[0][:3], lines

def send(*cmds):
    data = b"".join(c.encode() + b"\r\n" for c in cmds)
    for c in cmds:
        print("-> " + c)
    p.stdin.write(data)
    p.stdin.flush()

def expect(code, what):
    got, lines = reply()
    if not re.fullmatch(code, got):
        sys.exit("FAIL: %s: expected %s, got %s" % (what, code, lines[-1]))
    return lines

def cmd(c, code):
    send(c)
    return expect(code, c)

expect("220", "greeting")
ehlo = cmd("EHLO client.example", "250")
for ext in ("PIPELINING", "8BITMIME"):
    if not any(l[4:].upper().startswith(ext) for l in ehlo):
        sys.exit("FAIL: EHLO does not advertise " + ext)

# transaction 1
cmd("MAIL FROM:<alice@example.org>", "250")
cmd("RCPT TO:<bob@example.org>", "250")
cmd("DATA", "354")
send("From: Alice <alice@example.org>", "To: bob@example.org",
     "Subject: first of two", "", "first body", "..leading dot", ".")
expect("250", "end of data 1")

# a transaction abandoned with RSET, then mistakes
cmd("MAIL FROM:<mallory@example.org>", "250")
cmd("RCPT TO:<nobody@example.org>", "250")
cmd("RSET", "250")
cmd("DATA", "503")
cmd("RCPT TO:<bob@example.org>", "503")
cmd("FROBNICATE now", "500")
cmd("MAIL FROM:<alice@example.org", "501")

# transaction 2, still in the same session
cmd("MAIL FROM:<carol@example.org> BODY=8BITMIME", "250")
cmd("MAIL FROM:<carol@example.org>", "503")
cmd("RCPT TO:<not an address>", "5[0-9][0-9]")
send("RCPT TO:<dave@example.org>", "RCPT TO:<erin@example.org>", "DATA")
expect("250", "pipelined RCPT dave")
expect("250", "pipelined RCPT erin")
expect("354", "pipelined DATA")
p.stdin.write("From: carol@example.org\r\nTo: dave@example.org, "
              "erin@example.org\r\nSubject: second of two\r\n\r\n"
              "Grüße aus Köln\r\n..\r\nafter a lone dot\r\n.\r\n"
              .encode("utf-8"))
p.stdin.flush()
print("-> (message 2)")
expect("250", "end of data 2")
cmd("NOOP", "250")
cmd("HELP", "214")
cmd("QUIT", "221")
p.stdin.close()
rest = p.stdout.read()
if rest:
    sys.exit("FAIL: output after 221: %r" % rest[:200])
try:
    rc = p.wait(timeout=30)
except subprocess.TimeoutExpired:
    p.kill()
    sys.exit("FAIL: posthorn did not exit within 30 s of QUIT")
if rc != 0:
    sys.exit("FAIL: posthorn -bs exited %d" % rc)
print("SESSION-OK")
EOF_PY
grep -qx SESSION-OK "$TESTTMP/session.txt" || {
	tail -25 "$TESTTMP/session.txt" >&2
	fail "the -bs session went wrong"
}
wait_peer_count 2
check_clean_wire
check_peer_not_saw 'mallory@'
check_queue_count 0

n=$(peer_find mail_from alice@example.org)
check_rcpts $n bob@example.org
check_header $n Subject '^first of two$'
check_header_count $n Message-ID 1
check_header_count $n Date 1
check_body $n '^first body$'
check_body $n '^\.leading dot$'
check_body_not $n '^\.\.leading dot$'

n=$(peer_find mail_from carol@example.org)
check_rcpts $n dave@example.org erin@example.org
check_header $n Subject '^second of two$'
check_body $n '^Grüße aus Köln$'
check_body $n '^\.$'
check_body $n '^after a lone dot$'
check_peer_saw '^C: MAIL FROM:<carol@example\.org> .*BODY=8BITMIME'
check_no_system_sendmail
