#!/usr/bin/python3
# smtpd.py - the scripted SMTP peer of posthorn's end-to-end tests.
#
# Run with /usr/bin/python3 (Debian's python3-aiosmtpd).  It is an aiosmtpd
# server whose replies can be scripted per step, plus the faults aiosmtpd
# cannot make on its own: a reply that never comes (--stall), a connection
# closed at a step (--drop, "middata" = after part of the body), raw bytes
# instead of a reply (--raw-reply: garbage, mismatched multi-line replies),
# a 4xx/5xx greeting, HELO only (--no-ehlo), no PIPELINING/8BITMIME/SMTPUTF8,
# multi-line replies everywhere (--multiline).
#
# What it records, in --dir DIR:
#   msg-N.eml     each accepted message, the bytes received after
#                 dot-unstuffing (CRLF line ends as sent)
#   msg-N.env     JSON: mail_from, mail_options, rcpt_tos, rcpt_options
#                 (one list per recipient), tls, tls_version, auth, helo,
#                 esmtp, connection, size, eightbit, pipelined
#                 (written after msg-N.eml: count the .env files)
#   session.log   "CONNECT n host:port" per connection, "C: line" per
#                 command, "S: line" per reply line, and markers:
#                 "PIPELINED VERB" (that command arrived before the reply to
#                 the previous one was sent), "TLS version cipher",
#                 "TLS-FAILED reason", "STALL step", "DROP step",
#                 "RAW step", "DELAY step N", "AUTH-OK MECH user", "AUTH-FAILED MECH user",
#                 "SAVED msg-N", "INJECTED bytes", "PROTOCOL-ERROR what"
#                 (bare CR/LF, 8-bit data without BODY=8BITMIME, a line
#                 over 1000 octets, data before 354, UTF-8 without
#                 SMTPUTF8), "DISCONNECT n"
#   server.err    the peer's own warnings and errors
#
# Steps for --reply/--raw-reply/--stall/--drop/--delay: greeting, ehlo,
# helo, mail, rcpt, rcpt:ADDRESS (that recipient only), data (the DATA
# command), middata (--stall/--drop only: after the first body line), eod
# (after the final dot), eod:N (after the final dot of the connection's
# N-th message, counting from 1; it wins over eod), rset, noop, quit,
# starttls, auth.
#
# --starttls-inject BYTES sends BYTES in clear with the 220 to STARTTLS (a
# STARTTLS command-injection server).
#
# --reply STEP='CODE TEXT': TEXT may hold "\n" to make a multi-line reply
# (every line gets CODE).  A 4xx/5xx reply replaces the command's action; a
# 2xx/3xx reply lets the action happen and replaces its reply text (for eod:
# the message is saved).  --raw-reply STEP=BYTES sends BYTES ("\r", "\n",
# "\\" and "\xHH" decoded) instead of any reply, and the command has no
# effect; --delay STEP=SECONDS answers that step late; --raw-reply-file STEP=FILE sends the bytes of FILE (for replies
# too big for a command line).  --faulty-connections N applies the faults to the first N
# connections only (0, the default: all).
#
# --auth-mechs also takes SCRAM-SHA-256 (RFC 5802/7677: the server checks
# the client proof with --auth-password, then sends its signature v= in a
# 334 and answers 235 after the client's empty response; the computation is
# checked against RFC 7677's example at start) and XOAUTH2 (the client sends
# "user=U\x01auth=Bearer TOKEN\x01\x01", TOKEN being --auth-password; a
# wrong one gets a 334 with a JSON error, then 535).  --scram-bad-signature
# sends a wrong v= (a server that does not know the password), and
# --scram-no-signature answers 235 to the client-final message without
# sending v= at all; --scram-iterations N (default 4096).  session.log
# then also has "AUTH-ABORTED MECH user" (the client answered "*").
#
# --client-ca FILE requires a client certificate issued by FILE's CA in the
# TLS handshake (STARTTLS or implicit): session.log has
# "TLS-CLIENT-CERT subject" after the TLS line, msg-N.env "client_cert"
# (the subject as "CN=...", or null).
#
# Binds to loopback only.  SIGTERM or SIGINT stops it.

import argparse
import asyncio
import base64
import binascii
import collections
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import signal
import socket
import ssl
import sys
import traceback
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, MISSING, \
    TLSSetupException, auth_mechanism

STEPS = {"greeting", "ehlo", "helo", "mail", "rcpt", "data", "middata", "eod",
         "rset", "noop", "quit", "starttls", "auth"}

log = logging.getLogger("peer")

ALL_MECHS = ("PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256", "XOAUTH2")


def cert_subject(cert):
    """getpeercert()'s subject as "CN=x,O=y", or None."""
    if not cert or "subject" not in cert:
        return None
    short = {"commonName": "CN", "organizationName": "O",
             "organizationalUnitName": "OU", "countryName": "C"}
    return ",".join("%s=%s" % (short.get(k, k), v)
                    for rdn in cert["subject"] for k, v in rdn)


def scram_keys(password, salt, iterations):
    """SaltedPassword -> (StoredKey, ServerKey) of RFC 5802 section 3."""
    salted = hashlib.pbkdf2_hmac("sha256", password, salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    return hashlib.sha256(client_key).digest(), server_key


def scram_check_proof(stored_key, auth_msg, proof):
    """Does the client proof show the client knows the password?"""
    sig = hmac.new(stored_key, auth_msg, hashlib.sha256).digest()
    if len(proof) != len(sig):
        return False
    client_key = bytes(a ^ b for a, b in zip(proof, sig))
    return hmac.compare_digest(hashlib.sha256(client_key).digest(),
                               stored_key)


def scram_server_signature(server_key, auth_msg):
    return hmac.new(server_key, auth_msg, hashlib.sha256).digest()


def scram_selftest():
    """The computation against RFC 7677 section 3's example."""
    bare = b"n=user,r=rOprNGfwEbeRWgbNEkqO"
    sfirst = (b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
              b"s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
    without = b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
    proof = base64.b64decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
    want_v = "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
    stored, server = scram_keys(b"pencil",
                                base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ=="),
                                4096)
    msg = bare + b"," + sfirst + b"," + without
    if not scram_check_proof(stored, msg, proof) or \
            base64.b64encode(scram_server_signature(server, msg)).decode() \
            != want_v:
        die("SCRAM-SHA-256 self-test against RFC 7677 failed")


def scram_attrs(text):
    """'a=1,b=2' -> {'a': '1', 'b': '2'} (values may hold '=')."""
    out = {}
    for part in text.split(","):
        k, eq, v = part.partition("=")
        if not eq or len(k) != 1:
            return None
        out[k] = v
    return out


def saslname_decode(name):
    if re.search(r"=(?!2C|3D)", name):
        return None
    return name.replace("=2C", ",").replace("=3D", "=")


def die(msg):
    sys.stderr.write("smtpd.py: %s\n" % msg)
    sys.exit(2)


def unescape(s):
    """Decode \\r \\n \\t \\\\ \\xHH in a command-line argument to bytes."""
    out = bytearray()
    i = 0
    b = s.encode("utf-8", "surrogateescape")
    while i < len(b):
        c = b[i:i + 1]
        if c == b"\\" and i + 1 < len(b):
            n = b[i + 1:i + 2]
            if n == b"r":
                out += b"\r"
            elif n == b"n":
                out += b"\n"
            elif n == b"t":
                out += b"\t"
            elif n == b"\\":
                out += b"\\"
            elif n == b"x" and i + 3 < len(b) and \
                    re.fullmatch(rb"[0-9a-fA-F]{2}", b[i + 2:i + 4]):
                out.append(int(b[i + 2:i + 4], 16))
                i += 4
                continue
            else:
                out += c + n
            i += 2
            continue
        out += c
        i += 1
    return bytes(out)


def split_step(spec, what):
    step, eq, value = spec.partition("=")
    if not eq:
        die("%s %r: expected STEP=VALUE" % (what, spec))
    base = step.split(":", 1)[0]
    if base not in STEPS:
        die("%s %r: unknown step %r" % (what, spec, base))
    if ":" in step and base not in ("rcpt", "eod"):
        die("%s %r: only rcpt takes :ADDRESS, eod :N" % (what, spec))
    if ":" in step and base == "eod":
        n = step.split(":", 1)[1]
        if not n.isdigit() or int(n) < 1:
            die("%s %r: eod:N wants a message number from 1" % (what, spec))
        step = "eod:%d" % int(n)
    elif ":" in step:
        step = "rcpt:" + step.split(":", 1)[1].strip("<>").lower()
    return step, value


def parse_reply(spec):
    """"CODE TEXT" (TEXT lines split at a literal \\n) -> (code, [lines])."""
    m = re.fullmatch(r"([2-5][0-9][0-9])(?:[ -](.*))?", spec, re.S)
    if not m:
        die("--reply %r: expected CODE TEXT" % spec)
    text = m.group(2) or ""
    lines = text.replace("\\n", "\n").split("\n")
    return int(m.group(1)), lines


def fmt_reply(code, lines):
    out = []
    for i, line in enumerate(lines):
        sep = " " if i == len(lines) - 1 else "-"
        out.append("%d%s%s" % (code, sep, line))
    return "\r\n".join(out)


def safe_str(s):
    """A str that json and the log can hold, whatever bytes it came from."""
    if isinstance(s, bytes):
        return s.decode("utf-8", "replace")
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def write_file(path, data):
    """Write data to path atomically (a reader never sees half of it)."""
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


def is_loopback(host):
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return False
    for fam, _, _, _, sa in infos:
        if fam == socket.AF_INET and not sa[0].startswith("127."):
            return False
        if fam == socket.AF_INET6 and sa[0] != "::1":
            return False
    return bool(infos)


def parse_angle(arg):
    """'<addr> params' -> (addr, params) honouring quotes; None if bad."""
    arg = arg.strip()
    if not arg.startswith("<"):
        return None
    i, quoted = 1, False
    while i < len(arg):
        c = arg[i]
        if c == "\\" and quoted:
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        elif c == ">" and not quoted:
            addr = arg[1:i]
            if addr.startswith("@") and ":" in addr:	# source route
                addr = addr.split(":", 1)[1]
            return addr, arg[i + 1:].strip()
        i += 1
    return None


def bad_address(addr):
    if any(ord(c) < 0x21 and c != " " or ord(c) == 0x7f for c in addr):
        return True
    if addr == "":
        return False
    if addr.count("@") < 1:
        return True
    return False


class Peer:
    """Options and shared state of one peer process."""

    def __init__(self, opt):
        self.opt = opt
        self.dir = opt.dir
        self.nconn = 0
        self.nmsg = 0
        self.replies = {}
        self.raw = {}
        for spec in opt.reply:
            step, value = split_step(spec, "--reply")
            if step == "middata":
                die("--reply middata: use --stall or --drop")
            self.replies[step] = parse_reply(value)
        for spec in opt.raw_reply:
            step, value = split_step(spec, "--raw-reply")
            self.raw[step] = unescape(value)
        for spec in opt.raw_reply_file:
            step, value = split_step(spec, "--raw-reply-file")
            with open(value, "rb") as f:
                self.raw[step] = f.read()
        self.delay = {}
        for spec in opt.delay:
            step, value = split_step(spec, "--delay")
            try:
                self.delay[step] = float(value)
            except ValueError:
                die("--delay %r: expected STEP=SECONDS" % spec)
        self.stall = {split_step(s + "=", "--stall")[0] for s in opt.stall}
        self.drop = {split_step(s + "=", "--drop")[0] for s in opt.drop}
        self.logf = open(os.path.join(self.dir, "session.log"), "a",
                         buffering=1, encoding="utf-8", errors="replace")
        self.ctx = None
        if opt.starttls or opt.implicit_tls:
            if not opt.tls_cert or not opt.tls_key:
                die("--starttls/--implicit-tls need --tls-cert and --tls-key")
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(opt.tls_cert, opt.tls_key)
            if opt.tls_max == "1.2":
                ctx.maximum_version = ssl.TLSVersion.TLSv1_2
            if opt.client_ca:
                ctx.verify_mode = ssl.CERT_REQUIRED
                ctx.load_verify_locations(cafile=opt.client_ca)
            self.ctx = ctx
        elif opt.client_ca:
            die("--client-ca needs --starttls or --implicit-tls")
        self.mechs = [m.upper() for m in opt.auth_mechs.split(",") if m]
        for m in self.mechs:
            if m not in ALL_MECHS:
                die("--auth-mechs: unknown mechanism %s" % m)
        if "SCRAM-SHA-256" in self.mechs:
            scram_selftest()

    def slog(self, line):
        self.logf.write(safe_str(line) + "\n")

    def faulty(self, conn):
        n = self.opt.faulty_connections
        return n == 0 or conn <= n

    def next_msg(self):
        self.nmsg += 1
        return self.nmsg

    def write_atomic(self, name, data):
        path = os.path.join(self.dir, name)
        write_file(path, data)

    def authenticator(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and
              auth_data.login == self.opt.auth_user.encode() and
              auth_data.password == self.opt.auth_password.encode())
        self.slog("AUTH-%s %s %s" % ("OK" if ok else "FAILED", mechanism,
                                     safe_str(auth_data.login)))
        if ok:
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)


class PeerSMTP(SMTP):
    """aiosmtpd's SMTP with scripted replies, faults and a session log."""

    def __init__(self, peer):
        opt = peer.opt
        mechs = set(ALL_MECHS)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            super().__init__(
                handler=object(),
                data_size_limit=None,
                enable_SMTPUTF8=not opt.no_smtputf8,
                hostname=opt.hostname,
                ident="ESMTP posthorn-test-peer",
                tls_context=peer.ctx if opt.starttls else None,
                require_starttls=opt.require_tls and opt.starttls,
                timeout=opt.timeout,
                auth_required=bool(opt.auth_user) and not opt.auth_optional,
                auth_require_tls=False,		# checked in dispatch()
                auth_exclude_mechanism=sorted(mechs - set(peer.mechs)),
                authenticator=peer.authenticator)
        self.peer = peer
        self.opt = opt
        self.command_size_limit = 1000
        self.command_size_limits = collections.defaultdict(lambda: 1000)
        self.conn = 0
        self.ndot = 0           # final dots on this connection
        self.greeted = False
        self.greeting_refused = False
        self.pipelined_next = False
        self.cmd_buffered = False
        self.override = None
        self.pipelined = []
        self.helo = None
        self.verb = None
        self.client_subject = None
        self._smtp_methods = {
            verb: self._wrap(verb, method)
            for verb, method in self._smtp_methods.items()
        }

    # --- helpers -------------------------------------------------------

    def slog(self, line):
        self.peer.slog(line)

    def is_tls(self):
        if self._tls_protocol is not None:
            return True
        t = self.transport
        return t is not None and t.get_extra_info("ssl_object") is not None

    def tls_version(self):
        t = self.transport
        obj = t.get_extra_info("ssl_object") if t is not None else None
        return obj.version() if obj is not None else None

    def fault(self, kind, step):
        if not self.peer.faulty(self.conn):
            return None
        table = {"reply": self.peer.replies, "raw": self.peer.raw,
                 "delay": self.peer.delay}
        if kind in table:
            return table[kind].get(step)
        s = self.peer.stall if kind == "stall" else self.peer.drop
        return True if step in s else None

    async def forever(self):
        await asyncio.Event().wait()

    async def do_delay(self, step):
        d = self.fault("delay", step)
        if d:
            self.slog("DELAY %s %gs" % (step, d))
            await asyncio.sleep(d)

    async def do_stall(self, step):
        self.slog("STALL %s" % step)
        await self.forever()

    async def do_drop(self, step):
        self.slog("DROP %s" % step)
        if self.transport is not None:
            self.transport.close()
        await self.forever()

    async def send_raw(self, step, data):
        lines = [x for x in data.split(b"\n") if x]
        for i, line in enumerate(lines):
            if i == 20 and len(lines) > 40:
                self.slog("S: ... (%d more lines)" % (len(lines) - 40))
            if 20 <= i < len(lines) - 20 and len(lines) > 40:
                continue
            self.slog("S: %s" % safe_str(line.rstrip(b"\r")[:300]))
        self.slog("RAW %s" % step)
        self._writer.write(data)
        await self._writer.drain()

    def enhanced(self, code, text):
        if re.match(r"[245]\.[0-9]{1,3}\.[0-9]{1,3}( |$)", text):
            return text
        return "%d.0.0 %s" % (code // 100, text)

    # --- connection ----------------------------------------------------

    def connection_made(self, transport):
        if self._original_transport is None and self.conn == 0:
            self.peer.nconn += 1
            self.conn = self.peer.nconn
            peer = transport.get_extra_info("peername")
            self.slog("CONNECT %d %s:%s" % (self.conn, peer[0], peer[1]))
        super().connection_made(transport)

    def connection_lost(self, error):
        self.slog("DISCONNECT %d" % self.conn)
        super().connection_lost(error)

    async def _handle_client(self):
        if self.opt.implicit_tls and self._tls_protocol is None:
            try:
                await self.start_tls()
            except asyncio.CancelledError:
                raise
            except Exception as e:
                self.tls_failed(e)
                if self.transport is not None:
                    self.transport.close()
                return
        await super()._handle_client()

    async def start_tls(self):
        from asyncio import sslproto
        waiter = self.loop.create_future()
        self._tls_protocol = sslproto.SSLProtocol(
            self.loop, self, self.peer.ctx, waiter, server_side=True)
        self._original_transport = self.transport
        self._original_transport.set_protocol(self._tls_protocol)
        self.transport = self._tls_protocol._app_transport
        self._tls_protocol.connection_made(self._original_transport)
        await waiter
        self.slog_tls()

    def slog_tls(self):
        obj = self.transport.get_extra_info("ssl_object")
        if obj is not None:
            self.slog("TLS %s %s" % (obj.version(), obj.cipher()[0]))
            if self.opt.client_ca:
                self.client_subject = cert_subject(obj.getpeercert())
                self.slog("TLS-CLIENT-CERT %s" % (self.client_subject or
                                                  "none"))

    def tls_failed(self, e):
        cause = e.__cause__ if e.__cause__ is not None else e
        self.slog("TLS-FAILED %s" % (str(cause) or type(cause).__name__))
        log.warning("connection %d: TLS handshake failed: %r", self.conn,
                    cause)

    async def handle_exception(self, error):
        if isinstance(error, TLSSetupException):
            self.tls_failed(error)
            return "454 4.7.0 TLS handshake failed"
        log.error("connection %d: %s", self.conn,
                  "".join(traceback.format_exception(error)))
        self.slog("PEER-ERROR %r" % error)
        return "451 4.3.0 Error: peer exception (%s)" % type(error).__name__

    # --- replies -------------------------------------------------------

    async def push(self, status):
        if isinstance(status, bytes):
            status = status.decode("utf-8", "replace")
        if not self.greeted:
            self.greeted = True
            await self.do_delay("greeting")
            if self.fault("stall", "greeting"):
                await self.do_stall("greeting")
            if self.fault("drop", "greeting"):
                await self.do_drop("greeting")
            raw = self.fault("raw", "greeting")
            if raw is not None:
                await self.send_raw("greeting", raw)
                return
            r = self.fault("reply", "greeting")
            if r is not None:
                status = fmt_reply(*r)
                if r[0] >= 400:
                    self.greeting_refused = True
            elif self.opt.multiline:
                status = "220-%s ESMTP posthorn-test-peer\r\n220 %s" % (
                    self.hostname, self.hostname)
            await self._push_lines(status)
            if self.greeting_refused and r[0] == 421:
                self.transport.close()
                await self.forever()
            return
        if self.override is not None and status[:1] in "23":
            status = self.override
            self.override = None
        elif self.opt.multiline and "\r\n" not in status and \
                re.match(r"[2-5][0-9][0-9]( |$)", status) and \
                not status.startswith("334"):
            code = int(status[:3])
            text = status[4:]
            if code >= 400 or code < 300:
                text = self.enhanced(code, text)
            status = "%d-%s\r\n%d %s" % (code, text, code, text)
        await self._push_lines(status)

    async def _push_lines(self, status):
        for line in status.split("\r\n"):
            self.slog("S: %s" % line)
        data = status.encode("utf-8", "surrogateescape") + b"\r\n"
        inject = self.opt.starttls_inject
        if inject and self.verb == "STARTTLS" and status.startswith("220") \
                and self.peer.faulty(self.conn):
            # CVE-2011-0411 style: plaintext after the 220, in the same
            # segment, which a client must never read as TLS-era replies.
            data += unescape(inject)
            self.slog("INJECTED %s" % safe_str(unescape(inject)))
        self._writer.write(data)
        await self._writer.drain()

    async def challenge_auth(self, challenge, encode_to_b64=True,
                             log_client_response=False):
        r = await super().challenge_auth(challenge, encode_to_b64, False)
        self.slog("C: (auth response) %s" % (
            base64.b64encode(r).decode() if isinstance(r, bytes) else "*"))
        return r

    # --- dispatch ------------------------------------------------------

    def _wrap(self, verb, method):
        async def wrapped(arg):
            await self.dispatch(verb, method, arg)
        return wrapped

    async def dispatch(self, verb, method, arg):
        buffered = len(self._reader._buffer) > 0
        if self.pipelined_next:
            self.slog("PIPELINED %s" % verb)
            self.pipelined.append(verb)
        self.pipelined_next = buffered
        self.cmd_buffered = buffered
        self.verb = verb
        self.slog("C: %s%s" % (verb, "" if arg is None else " " + arg))
        if self.greeting_refused and verb != "QUIT":
            return await self.push("503 5.5.1 Error: no valid greeting")
        step = verb.lower()
        if step not in STEPS:
            return await method(arg)
        if verb == "RCPT" and arg:
            a = parse_angle(arg[3:] if arg[:3].upper() == "TO:" else arg)
            if a is not None:
                s = "rcpt:" + a[0].lower()
                if any(self.fault(k, s) is not None
                       for k in ("reply", "raw", "stall", "drop", "delay")):
                    step = s
        await self.do_delay(step)
        if self.fault("stall", step):
            await self.do_stall(step)
        if self.fault("drop", step):
            await self.do_drop(step)
        raw = self.fault("raw", step)
        if raw is not None:
            return await self.send_raw(step, raw)
        r = self.fault("reply", step)
        if r is not None and verb != "DATA":
            code, lines = r
            if code >= 400:
                await self.push(fmt_reply(code, lines))
                if verb == "QUIT" or code == 421:
                    self.transport.close()
                    await self.forever()
                return
            if verb == "EHLO":
                self.helo_done(arg, True)
                return await self.push(fmt_reply(code, lines))
            self.override = fmt_reply(code, lines)
        try:
            await self.command(verb, method, arg)
        finally:
            self.override = None

    async def command(self, verb, method, arg):
        if verb == "AUTH":
            if not self.opt.auth_user:
                return await self.push(
                    "503 5.5.1 Error: authentication not enabled")
            if not self.is_tls() and not self.opt.auth_plaintext:
                return await self.push(
                    "538 5.7.11 Encryption required for requested "
                    "authentication mechanism")
        await method(arg)
        if verb == "STARTTLS" and self._tls_protocol is not None and \
                self.transport is not None:
            self.slog_tls()

    def helo_done(self, name, esmtp):
        self._set_rset_state()
        self.session.host_name = name
        self.session.extended_smtp = esmtp
        self.helo = name

    # --- commands ------------------------------------------------------

    async def smtp_EHLO(self, hostname):
        if self.opt.no_ehlo:
            return await self.push("502 5.5.2 Error: command not recognized")
        if not hostname:
            return await self.push("501 5.5.4 Syntax: EHLO hostname")
        self.helo_done(hostname, True)
        ext = []
        if not self.opt.no_pipelining:
            ext.append("PIPELINING")
        if self.opt.size is not None:
            ext.append("SIZE %d" % self.opt.size if self.opt.size else "SIZE")
        if self.opt.starttls and not self.is_tls():
            ext.append("STARTTLS")
        if self.opt.auth_user and (self.is_tls() or self.opt.auth_plaintext):
            ext.append("AUTH " + " ".join(self.peer.mechs))
        ext.append("ENHANCEDSTATUSCODES")
        if not self.opt.no_8bitmime:
            ext.append("8BITMIME")
        if self.opt.dsn:
            ext.append("DSN")
        if not self.opt.no_smtputf8:
            ext.append("SMTPUTF8")
        await self.push(fmt_reply(250, [self.hostname] + ext))

    async def smtp_HELO(self, hostname):
        if not hostname:
            return await self.push("501 5.5.4 Syntax: HELO hostname")
        self.helo_done(hostname, False)
        await self.push("250 %s" % self.hostname)

    def params(self, text, allowed):
        """'K=V K2' -> ([options], None) or (None, error reply)."""
        opts = text.split()
        if opts and not self.session.extended_smtp:
            return None, "501 5.5.4 Syntax error: parameters need EHLO"
        for o in opts:
            key, eq, value = o.partition("=")
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", key) or \
                    (eq and not value):
                return None, "501 5.5.4 Bad parameter syntax: %s" % o
            if key.upper() not in allowed:
                return None, "555 5.5.4 Unsupported option: %s" % o
        return opts, None

    async def smtp_MAIL(self, arg):
        if await self.check_helo_needed():
            return
        if await self.check_auth_needed("MAIL"):
            return
        if self.envelope.mail_from is not None:
            return await self.push("503 5.5.1 Error: nested MAIL command")
        if arg is None or arg[:5].upper() != "FROM:":
            return await self.push("501 5.5.4 Syntax: MAIL FROM:<address>")
        a = parse_angle(arg[5:])
        if a is None or bad_address(a[0]):
            return await self.push("501 5.1.7 Bad sender address syntax")
        allowed = {"AUTH"}
        if self.opt.size is not None:
            allowed.add("SIZE")
        if not self.opt.no_8bitmime:
            allowed.add("BODY")
        if not self.opt.no_smtputf8:
            allowed.add("SMTPUTF8")
        if self.opt.dsn:
            allowed |= {"RET", "ENVID"}
        opts, err = self.params(a[1], allowed)
        if err:
            return await self.push(err)
        up = {o.partition("=")[0].upper(): o.partition("=")[2] for o in opts}
        if "BODY" in up and up["BODY"].upper() not in ("7BIT", "8BITMIME"):
            return await self.push("501 5.5.4 Bad BODY value")
        if "SIZE" in up:
            if not up["SIZE"].isdigit():
                return await self.push("501 5.5.4 Bad SIZE value")
            if self.opt.size and int(up["SIZE"]) > self.opt.size:
                return await self.push(
                    "552 5.3.4 Message size exceeds fixed limit")
        if "SMTPUTF8" in up and up["SMTPUTF8"]:
            return await self.push("501 5.5.4 SMTPUTF8 takes no value")
        if self.opt.dsn and "RET" in up and \
                up["RET"].upper() not in ("FULL", "HDRS"):
            return await self.push("501 5.5.4 Bad RET value")
        if not a[0].isascii() and "SMTPUTF8" not in up:
            self.slog("PROTOCOL-ERROR UTF-8 sender without SMTPUTF8")
            return await self.push(
                "553 5.6.7 Must declare SMTPUTF8 to send UTF-8 address")
        self.envelope.mail_from = a[0]
        self.envelope.mail_options = opts
        self.envelope.rcpt_opts = []
        self.envelope.smtp_utf8 = "SMTPUTF8" in up
        await self.push("250 2.1.0 Ok")

    async def smtp_RCPT(self, arg):
        if await self.check_helo_needed():
            return
        if await self.check_auth_needed("RCPT"):
            return
        if self.envelope.mail_from is None:
            return await self.push("503 5.5.1 Error: need MAIL command")
        if arg is None or arg[:3].upper() != "TO:":
            return await self.push("501 5.5.4 Syntax: RCPT TO:<address>")
        a = parse_angle(arg[3:])
        if a is None or a[0] == "" or bad_address(a[0]):
            return await self.push("501 5.1.3 Bad recipient address syntax")
        allowed = {"NOTIFY", "ORCPT"} if self.opt.dsn else set()
        opts, err = self.params(a[1], allowed)
        if err:
            return await self.push(err)
        if not a[0].isascii() and not self.envelope.smtp_utf8:
            self.slog("PROTOCOL-ERROR UTF-8 recipient without SMTPUTF8")
            return await self.push(
                "553 5.6.7 Must declare SMTPUTF8 to send UTF-8 address")
        if self.opt.max_rcpt and \
                len(self.envelope.rcpt_tos) >= self.opt.max_rcpt:
            return await self.push("452 4.5.3 Error: too many recipients")
        self.envelope.rcpt_tos.append(a[0])
        self.envelope.rcpt_opts.append(opts)
        self.envelope.rcpt_options.extend(opts)
        await self.push("250 2.1.5 Ok")

    async def smtp_RSET(self, arg):
        if arg:
            return await self.push("501 5.5.4 Syntax: RSET")
        self._set_rset_state()
        await self.push("250 2.0.0 Ok")

    async def smtp_NOOP(self, arg):
        await self.push("250 2.0.0 Ok")

    async def smtp_QUIT(self, arg):
        await self.push("221 2.0.0 Bye")
        self._handler_coroutine.cancel()
        self.transport.close()

    async def smtp_DATA(self, arg):
        if await self.check_helo_needed():
            return
        if await self.check_auth_needed("DATA"):
            return
        if self.envelope.mail_from is None:
            return await self.push("503 5.5.1 Error: need MAIL command")
        if not self.envelope.rcpt_tos:
            return await self.push("554 5.5.1 Error: no valid recipients")
        if arg:
            return await self.push("501 5.5.4 Syntax: DATA")
        r = self.fault("reply", "data")
        if r is not None and r[0] != 354:
            return await self.push(fmt_reply(*r))
        if self.cmd_buffered:
            self.slog("PROTOCOL-ERROR message data sent before the 354 reply")
        self.pipelined_next = False
        await self.push(fmt_reply(*r) if r is not None else
                        "354 End data with <CR><LF>.<CR><LF>")
        lines = []
        size = 0
        bare_lf = bare_cr = too_long = False
        frag = b""
        first = True
        while True:
            try:
                chunk = await self._reader.readuntil(b"\n")
            except asyncio.LimitOverrunError as e:
                frag += await self._reader.read(e.consumed)
                too_long = True
                continue
            except asyncio.IncompleteReadError:
                self.slog("PROTOCOL-ERROR connection closed in DATA")
                return
            line = frag + chunk
            frag = b""
            if line.endswith(b"\r\n"):
                text = line[:-2]
            else:
                text = line[:-1]
                bare_lf = True
            if b"\r" in text:
                bare_cr = True
            if line == b".\r\n":
                break
            if len(line) > 1001:		# 998 + transparency dot + CRLF
                too_long = True
            if line.startswith(b"."):
                line = line[1:]
            lines.append(line)
            size += len(line)
            if first:
                first = False
                if self.fault("stall", "middata"):
                    await self.do_stall("middata")
                if self.fault("drop", "middata"):
                    await self.do_drop("middata")
        if len(self._reader._buffer) > 0:
            self.pipelined_next = True
        content = b"".join(lines)
        eightbit = any(b >= 0x80 for b in content)
        body8 = any(o.upper() == "BODY=8BITMIME"
                    for o in self.envelope.mail_options)
        if eightbit and not body8:
            self.slog("PROTOCOL-ERROR 8-bit data without BODY=8BITMIME")
        if bare_lf:
            self.slog("PROTOCOL-ERROR bare LF in DATA")
        if bare_cr:
            self.slog("PROTOCOL-ERROR bare CR in DATA")
        if too_long:
            self.slog("PROTOCOL-ERROR line over 1000 octets in DATA")
        self.ndot += 1
        eod = "eod:%d" % self.ndot
        if not any(self.fault(k, eod) for k in
                   ("reply", "raw", "delay", "stall", "drop")):
            eod = "eod"
        await self.do_delay(eod)
        if self.fault("stall", eod):
            await self.do_stall(eod)
        if self.fault("drop", eod):
            await self.do_drop(eod)
        raw = self.fault("raw", eod)
        if raw is not None:
            self._set_post_data_state()
            return await self.send_raw(eod, raw)
        r = self.fault("reply", eod)
        if r is not None and r[0] >= 400:
            self._set_post_data_state()
            return await self.push(fmt_reply(*r))
        if bare_lf or bare_cr:
            self._set_post_data_state()
            return await self.push(
                "550 5.5.2 Error: bare <LF> or <CR> received")
        if too_long:
            self._set_post_data_state()
            return await self.push("500 5.5.2 Error: line too long")
        if self.opt.size and size > self.opt.size:
            self._set_post_data_state()
            return await self.push(
                "552 5.3.4 Message size exceeds fixed limit")
        n = self.save(content, eightbit)
        self._set_post_data_state()
        await self.push(fmt_reply(*r) if r is not None else
                        "250 2.0.0 Ok: queued as PEER%04d" % n)

    def save(self, content, eightbit):
        n = self.peer.next_msg()
        env = self.envelope
        ad = self.session.auth_data
        auth = ad.login if isinstance(ad, LoginPassword) else None
        meta = {
            "n": n,
            "connection": self.conn,
            "helo": safe_str(self.helo or ""),
            "esmtp": bool(self.session.extended_smtp),
            "mail_from": safe_str(env.mail_from),
            "mail_options": [safe_str(o) for o in env.mail_options],
            "rcpt_tos": [safe_str(r) for r in env.rcpt_tos],
            "rcpt_options": [[safe_str(o) for o in opts]
                             for opts in env.rcpt_opts],
            "tls": self.is_tls(),
            "tls_version": self.tls_version(),
            "auth": safe_str(auth) if auth is not None else None,
            "size": len(content),
            "eightbit": eightbit,
            "pipelined": self.pipelined,
            "client_cert": self.client_subject,
        }
        self.pipelined = []
        self.peer.write_atomic("msg-%d.eml" % n, content)
        self.peer.write_atomic("msg-%d.env" % n, (json.dumps(
            meta, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
        self.slog("SAVED msg-%d" % n)
        return n

    # --- CRAM-MD5 (aiosmtpd has PLAIN and LOGIN) -------------------------

    @auth_mechanism("CRAM-MD5")
    async def auth_CRAM__MD5(self, _, args):
        if len(args) > 1:
            await self.push("501 5.5.4 CRAM-MD5 takes no initial response")
            return AuthResult(success=False, handled=True)
        challenge = "<%d.%s@%s>" % (os.getpid(), secrets.token_hex(8),
                                     self.hostname)
        resp = await self.challenge_auth(challenge)
        if resp is MISSING:
            return AuthResult(success=False, handled=True)
        user, _, digest = resp.partition(b" ")
        want = hmac.new(self.opt.auth_password.encode(), challenge.encode(),
                        hashlib.md5).hexdigest().encode()
        ok = user == self.opt.auth_user.encode() and \
            hmac.compare_digest(digest.lower(), want)
        self.slog("AUTH-%s CRAM-MD5 %s" % ("OK" if ok else "FAILED",
                                            safe_str(user)))
        if ok:
            return AuthResult(success=True,
                              auth_data=LoginPassword(user, b""))
        return AuthResult(success=False, handled=False)

    # --- SCRAM-SHA-256 and XOAUTH2 (verified here, not by aiosmtpd) -------

    async def initial_response(self, mech, args):
        """The client's first message: the initial response or a 334."""
        if len(args) > 1:
            if args[1] == "=":
                return b""
            try:
                return base64.b64decode(args[1], validate=True)
            except (ValueError, binascii.Error):
                await self.push("501 5.5.2 Can't decode base64")
                return MISSING
        return await self.challenge_auth(b"", encode_to_b64=False)

    async def scram_fail(self, reply, user, why):
        self.slog("AUTH-FAILED SCRAM-SHA-256 %s (%s)" % (safe_str(user), why))
        if reply:
            await self.push(reply)
            return AuthResult(success=False, handled=True)
        return AuthResult(success=False, handled=False)

    @auth_mechanism("SCRAM-SHA-256")
    async def auth_SCRAM__SHA__256(self, _, args):
        first = await self.initial_response("SCRAM-SHA-256", args)
        if first is MISSING:
            return AuthResult(success=False, handled=True)
        try:
            first = first.decode("ascii")
        except UnicodeDecodeError:
            return await self.scram_fail("501 5.5.2 SCRAM: not ASCII", "",
                                         "client-first not ASCII")
        m = re.fullmatch(r"([ny]),(a=[^,]*)?,(.*)", first, re.S)
        if not m:
            return await self.scram_fail("501 5.5.2 SCRAM: bad gs2 header",
                                         "", "bad gs2 header %r" % first)
        gs2 = first[:len(first) - len(m.group(3))]
        bare = m.group(3)
        a = scram_attrs(bare)
        if a is None or "n" not in a or "r" not in a or not a["r"] or \
                not bare.startswith("n="):
            return await self.scram_fail(
                "501 5.5.2 SCRAM: bad client-first-message", "",
                "bad client-first %r" % bare)
        user = saslname_decode(a["n"])
        if user is None:
            return await self.scram_fail(
                "501 5.5.2 SCRAM: bad user name", a["n"], "bad saslname")
        cnonce = a["r"]
        salt = secrets.token_bytes(16)
        it = self.opt.scram_iterations
        nonce = cnonce + secrets.token_urlsafe(18)
        sfirst = "r=%s,s=%s,i=%d" % (nonce, base64.b64encode(salt).decode(),
                                     it)
        final = await self.challenge_auth(sfirst)
        if final is MISSING:
            self.slog("AUTH-ABORTED SCRAM-SHA-256 %s" % safe_str(user))
            return AuthResult(success=False, handled=True)
        try:
            final = final.decode("ascii")
        except UnicodeDecodeError:
            return await self.scram_fail(None, user, "client-final not ASCII")
        without, sep, proof = final.rpartition(",p=")
        a = scram_attrs(without) if sep else None
        if a is None or set(a) != {"c", "r"}:
            return await self.scram_fail(None, user, "bad client-final %r"
                                         % final)
        if a["c"] != base64.b64encode(gs2.encode()).decode():
            return await self.scram_fail(None, user, "channel binding %r"
                                         % a["c"])
        if a["r"] != nonce:
            return await self.scram_fail(None, user, "nonce changed")
        try:
            proof = base64.b64decode(proof, validate=True)
        except (ValueError, binascii.Error):
            return await self.scram_fail(None, user, "bad proof base64")
        stored, server_key = scram_keys(
            (self.opt.auth_password or "").encode(), salt, it)
        auth_msg = ("%s,%s,%s" % (bare, sfirst, without)).encode()
        if user.encode() != (self.opt.auth_user or "").encode() or \
                not scram_check_proof(stored, auth_msg, proof):
            return await self.scram_fail(None, user, "wrong proof")
        sig = scram_server_signature(server_key, auth_msg)
        if not self.opt.scram_no_signature:
            if self.opt.scram_bad_signature:
                sig = bytes(b ^ 0x5a for b in sig)
                self.slog("SCRAM-BAD-SIGNATURE sent")
            resp = await self.challenge_auth(
                "v=" + base64.b64encode(sig).decode())
            if resp is MISSING:
                self.slog("AUTH-ABORTED SCRAM-SHA-256 %s" % safe_str(user))
                return AuthResult(success=False, handled=True)
            if resp != b"":
                return await self.scram_fail(
                    "501 5.5.2 SCRAM: expected an empty response", user,
                    "non-empty response to v=")
        else:
            self.slog("SCRAM-NO-SIGNATURE 235 without v=")
        self.slog("AUTH-OK SCRAM-SHA-256 %s" % safe_str(user))
        return AuthResult(success=True,
                          auth_data=LoginPassword(user.encode(), b""))

    @auth_mechanism("XOAUTH2")
    async def auth_XOAUTH2(self, _, args):
        blob = await self.initial_response("XOAUTH2", args)
        if blob is MISSING:
            return AuthResult(success=False, handled=True)
        m = re.fullmatch(rb"user=([^\x01]*)\x01auth=Bearer ([^\x01]*)"
                         rb"\x01\x01", blob)
        user = m.group(1) if m else b""
        want_user = (self.opt.auth_user or "").encode()
        want_tok = (self.opt.auth_password or "").encode()
        ok = m is not None and user == want_user and \
            hmac.compare_digest(m.group(2), want_tok)
        if ok:
            self.slog("AUTH-OK XOAUTH2 %s" % safe_str(user))
            return AuthResult(success=True,
                              auth_data=LoginPassword(user, b""))
        self.slog("AUTH-FAILED XOAUTH2 %s%s" % (
            safe_str(user), "" if m else " (malformed)"))
        # as Google: a JSON error in a 334, the client's empty line, 535
        err = json.dumps({"status": "401", "schemes": "bearer",
                          "scope": "https://mail.google.com/"})
        if await self.challenge_auth(err) is MISSING:
            return AuthResult(success=False, handled=True)
        return AuthResult(success=False, handled=False)


def main():
    ap = argparse.ArgumentParser(description="scripted SMTP test peer")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--pid-file")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--hostname", default="peer.test")
    ap.add_argument("--reply", action="append", default=[],
                    metavar="STEP=CODE TEXT")
    ap.add_argument("--raw-reply", action="append", default=[],
                    metavar="STEP=BYTES")
    ap.add_argument("--raw-reply-file", action="append", default=[],
                    metavar="STEP=FILE")
    ap.add_argument("--delay", action="append", default=[],
                    metavar="STEP=SECONDS")
    ap.add_argument("--stall", action="append", default=[], metavar="STEP")
    ap.add_argument("--drop", action="append", default=[], metavar="STEP")
    ap.add_argument("--faulty-connections", type=int, default=0)
    ap.add_argument("--no-pipelining", action="store_true")
    ap.add_argument("--no-8bitmime", action="store_true")
    ap.add_argument("--no-smtputf8", action="store_true")
    ap.add_argument("--no-ehlo", action="store_true")
    ap.add_argument("--size", type=int)
    ap.add_argument("--dsn", action="store_true")
    ap.add_argument("--max-rcpt", type=int, default=0)
    ap.add_argument("--multiline", action="store_true")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--tls-max", choices=["1.2", "1.3"])
    ap.add_argument("--starttls", action="store_true")
    ap.add_argument("--require-tls", action="store_true")
    ap.add_argument("--implicit-tls", action="store_true")
    ap.add_argument("--starttls-inject", metavar="BYTES",
                    help="send BYTES in clear right after the 220 to "
                    "STARTTLS (as --raw-reply decodes them)")
    ap.add_argument("--auth-user")
    ap.add_argument("--auth-password")
    ap.add_argument("--auth-mechs", default="PLAIN,LOGIN,CRAM-MD5")
    ap.add_argument("--auth-plaintext", action="store_true",
                    help="offer AUTH without TLS")
    ap.add_argument("--auth-optional", action="store_true",
                    help="do not require AUTH before MAIL")
    ap.add_argument("--scram-iterations", type=int, default=4096)
    ap.add_argument("--scram-bad-signature", action="store_true",
                    help="SCRAM: send a wrong server signature")
    ap.add_argument("--scram-no-signature", action="store_true",
                    help="SCRAM: answer 235 without sending v=")
    ap.add_argument("--client-ca", metavar="FILE",
                    help="require a TLS client certificate from this CA")
    ap.add_argument("--timeout", type=float, default=120)
    opt = ap.parse_args()

    if opt.starttls and opt.implicit_tls:
        die("--starttls and --implicit-tls exclude each other")
    if bool(opt.auth_user) != bool(opt.auth_password):
        die("--auth-user and --auth-password go together")
    if not is_loopback(opt.host):
        die("--host %s is not a loopback address" % opt.host)
    os.makedirs(opt.dir, exist_ok=True)

    handler = logging.FileHandler(os.path.join(opt.dir, "server.err"))
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    # aiosmtpd warns about what this peer does on purpose (AUTH checked in
    # dispatch(), its own use of a deprecated attribute): keep its errors.
    logging.getLogger("mail.log").setLevel(logging.ERROR)

    def excepthook(t, v, tb):
        log.critical("".join(traceback.format_exception(t, v, tb)))
    sys.excepthook = excepthook

    peer = Peer(opt)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def loop_error(lp, context):
        exc = context.get("exception")
        log.error("asyncio: %s %r", context.get("message"), exc)
    loop.set_exception_handler(loop_error)

    def factory():
        p = PeerSMTP(peer)
        return p

    server = loop.run_until_complete(loop.create_server(
        factory, host=opt.host, port=opt.port, reuse_address=True))
    port = server.sockets[0].getsockname()[1]
    if opt.pid_file:
        write_file(opt.pid_file, b"%d\n" % os.getpid())
    if opt.port_file:
        write_file(opt.port_file, b"%d\n" % port)
    peer.slog("LISTEN %s:%d" % (opt.host, port))

    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(1))
    try:
        loop.run_until_complete(stop)
    finally:
        server.close()
        peer.slog("STOP")
    return 0


if __name__ == "__main__":
    sys.exit(main())
