#!/usr/bin/python3
"""Verifying SMTP sink for bench/run, built on python3-aiosmtpd.

Listens on 127.0.0.1:PORT and accepts every message.  Each message is checked:
every line ends in CRLF (no bare CR or LF on the wire), the envelope is
<bench@example.org> -> <bob@example.org>, and the body (CRLF turned back into
LF) hashes to the value in the message's own "X-Bench-Body: sha256=HEX"
header.  One line per event goes to stdout, for bench/bench.py to read:

    ready PORT
    conn T
    msg T SIZE ok|bad REASON
    close T

T is time.monotonic() (CLOCK_MONOTONIC, the clock the driver uses too).
With --tls CERT KEY the sink offers STARTTLS with that certificate.

Must run under /usr/bin/python3: Debian's aiosmtpd is not importable from
other Python builds.
"""

import argparse
import asyncio
import hashlib
import logging
import re
import ssl
import sys
import time

from aiosmtpd.smtp import SMTP

SENDER = "bench@example.org"
RCPT = "bob@example.org"
BODY_HASH = re.compile(rb"^X-Bench-Body:[ \t]*sha256=([0-9a-f]{64})[ \t]*$",
                       re.IGNORECASE | re.MULTILINE)


def emit(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def verify(envelope):
    """Return (ok, reason) for one received message."""
    data = envelope.original_content
    if envelope.mail_from != SENDER:
        return False, "sender=" + repr(envelope.mail_from)
    if [r.lower() for r in envelope.rcpt_tos] != [RCPT]:
        return False, "rcpts=" + repr(envelope.rcpt_tos)
    if data.count(b"\n") != data.count(b"\r\n") or \
            data.count(b"\r") != data.count(b"\r\n"):
        return False, "bare-CR-or-LF"
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return False, "no-header-end"
    head = data[:end + 2].replace(b"\r\n", b"\n")
    body = data[end + 4:].replace(b"\r\n", b"\n")
    m = BODY_HASH.search(head)
    if not m:
        return False, "no-X-Bench-Body"
    if hashlib.sha256(body).hexdigest().encode() != m.group(1):
        return False, "body-hash-mismatch(%d-bytes)" % len(body)
    return True, "-"


class Handler:
    async def handle_DATA(self, server, session, envelope):
        t = time.monotonic()
        ok, why = verify(envelope)
        emit("msg %.6f %d %s %s" % (t, len(envelope.original_content),
                                    "ok" if ok else "bad", why))
        return "250 2.0.0 Ok"


class CountingSMTP(SMTP):
    def connection_made(self, transport):
        emit("conn %.6f" % time.monotonic())
        super().connection_made(transport)

    def connection_lost(self, error):
        emit("close %.6f" % time.monotonic())
        super().connection_lost(error)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = ap.parse_args()
    logging.basicConfig(level=logging.CRITICAL)

    ctx = None
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])

    def factory():
        return CountingSMTP(Handler(), hostname="sink.example.org",
                            data_size_limit=None, tls_context=ctx,
                            require_starttls=False)

    async def serve():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(factory, "127.0.0.1", args.port,
                                          backlog=1024)
        emit("ready %d" % args.port)
        async with server:
            await server.serve_forever()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
