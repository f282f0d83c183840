#!/usr/bin/python3
"""posthorn beside msmtp, dma and nullmailer: the driver behind bench/run.

bench/run builds posthorn and unpacks the anchors into bench/work/root/, then
runs this file as root.  Everything is measured in one run and written to
bench/RESULTS.md (raw figures in bench/work/results.json).  How each figure
is taken is in bench/README.md.

Design notes
- Single-threaded on purpose: it switches mount namespaces with setns(2)
  around every dma call (dma reads a compiled-in /etc/dma/dma.conf, which
  only exists in a private namespace where an overlay covers /etc), and
  setns into a mount namespace refuses a multi-threaded caller.
- Children start with posix_spawn and are watched through a pidfd, in the
  same select() as the sinks' event pipes, so "the call returned" and "the
  sink has it" are both stamped with CLOCK_MONOTONIC as they happen.
- Per-process peak RSS and CPU time come from the kernel's taskstats exit
  records (netlink), which cover every process that exits, including dma's
  detached delivery child and nullmailer's protocol helpers.  The driver is
  a child subreaper, so orphans stay in its process tree and can be told
  apart from other processes on the machine.
"""

import argparse
import base64
import contextlib
import ctypes
import datetime
import hashlib
import json
import os
import random
import re
import select
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(REPO, "bench")
WORK = os.path.join(BENCH, "work")
ROOT = os.path.join(WORK, "root")
RUN = os.path.join(WORK, "run")
SENDER = "bench@example.org"
RCPT = "bob@example.org"
PROGS = ["posthorn", "msmtp", "dma", "nullmailer"]
ANCHORS = PROGS[1:]
BASE_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root",
            "LANG": "C", "LC_ALL": "C"}
now = time.monotonic

libc = ctypes.CDLL(None, use_errno=True)
PR_SET_CHILD_SUBREAPER = 36
CLONE_NEWNS = 0x00020000


class BenchError(Exception):
    pass


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def median(xs):
    return statistics.median(xs) if xs else None


def write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def sh(argv, **kw):
    """A set-up command (not measured)."""
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, **kw).stdout


# --------------------------------------------------------------------------
# taskstats: one record per exiting task, from the kernel over netlink

class TaskStats:
    GENL_ID_CTRL = 16
    NLMSG_ERROR = 2

    def __init__(self):
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
        try:
            s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)  # SO_RCVBUFFORCE
        except OSError:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
        s.bind((0, 0))
        self.s = s
        self.seq = 0
        self.records = []
        self.lost = 0
        self.fam = self._family()
        with open("/sys/devices/system/cpu/possible") as f:
            cpus = f.read().strip()
        # TASKSTATS_CMD_GET with TASKSTATS_CMD_ATTR_REGISTER_CPUMASK
        self._send(self.fam, 1, [(3, cpus.encode() + b"\0")], ack=True)
        self._wait(ack=True)
        s.setblocking(False)

    def _send(self, typ, cmd, attrs, ack=False):
        payload = struct.pack("=BBH", cmd, 1, 0)
        for at, val in attrs:
            a = struct.pack("=HH", 4 + len(val), at) + val
            payload += a + b"\0" * (-len(a) % 4)
        self.seq += 1
        flags = 1 | (4 if ack else 0)
        self.s.send(struct.pack("=IHHII", 16 + len(payload), typ, flags,
                                self.seq, 0) + payload)

    @staticmethod
    def _split(data):
        off = 0
        while off + 16 <= len(data):
            ln, mtype = struct.unpack_from("=IH", data, off)
            if ln < 16:
                break
            yield mtype, data[off + 16:off + ln]
            off += (ln + 3) & ~3

    @staticmethod
    def _attrs(buf, off=0):
        while off + 4 <= len(buf):
            ln, at = struct.unpack_from("=HH", buf, off)
            if ln < 4:
                break
            yield at & 0x3fff, buf[off + 4:off + ln]
            off += (ln + 3) & ~3

    def _wait(self, ack):
        while True:
            data = self.s.recv(1 << 16)
            for mtype, body in self._split(data):
                if mtype == self.NLMSG_ERROR:
                    err = struct.unpack_from("=i", body)[0]
                    if err:
                        raise OSError(-err, "taskstats: " + os.strerror(-err))
                    if ack:
                        return None
                elif not ack and mtype == self.GENL_ID_CTRL:
                    return body

    def _family(self):
        self._send(self.GENL_ID_CTRL, 3, [(2, b"TASKSTATS\0")])
        body = self._wait(ack=False)
        for at, val in self._attrs(body, 4):
            if at == 1:
                return struct.unpack_from("=H", val)[0]
        raise BenchError("taskstats: no family id")

    @staticmethod
    def _parse(v):
        pid, ppid = struct.unpack_from("=II", v, 128)
        rss = struct.unpack_from("=Q", v, 200)[0]
        tgid = struct.unpack_from("=I", v, 368)[0] if len(v) >= 372 else pid
        return {"pid": pid, "tgid": tgid, "ppid": ppid,
                "comm": v[80:112].split(b"\0")[0].decode(errors="replace"),
                "rss_kb": rss}

    def drain(self, keep=True):
        while True:
            try:
                data = self.s.recv(1 << 20)
            except BlockingIOError:
                return
            except OSError:       # ENOBUFS: the kernel dropped records
                self.lost += 1
                continue
            if not keep:
                continue
            for mtype, body in self._split(data):
                if mtype != self.fam:
                    continue
                for at, val in self._attrs(body, 4):
                    if at != 4:             # TASKSTATS_TYPE_AGGR_PID only
                        continue
                    for at2, v2 in self._attrs(val):
                        if at2 == 3:        # TASKSTATS_TYPE_STATS
                            self.records.append(self._parse(v2))


# --------------------------------------------------------------------------
# CPU time of everything a call starts, daemons included

class CpuAcct:
    """A cgroup (v1 cpuacct, or v2 cpu.stat) holding the driver and so
    every program it starts; usage_ns() is the cgroup's CPU time less the
    driver's own (/proc/self/schedstat), both in scheduler nanoseconds.
    The driver joins once, after the sinks started: moving it in and out
    around each spawn would stall the children's fork()s behind the cgroup
    migration lock (+10 ms per call for dma and nullmailer, measured).
    taskstats' own CPU figures are whole scheduler ticks: too coarse."""

    def __init__(self):
        v1 = "/sys/fs/cgroup/cpuacct"
        if os.path.exists(os.path.join(v1, "cpuacct.usage")):
            self.root, self.v2 = v1, False
        else:
            self.root = "/sys/fs/cgroup"
            if not os.path.exists(os.path.join(self.root, "cgroup.procs")):
                self.root = "/sys/fs/cgroup/unified"
            self.v2 = True
        home = "/"
        with open("/proc/self/cgroup") as f:
            for line in f:
                _, ctl, path = line.rstrip("\n").split(":", 2)
                if (self.v2 and ctl == "") or \
                        (not self.v2 and "cpuacct" in ctl.split(",")):
                    home = path
        self.home = os.path.join(self.root, home.lstrip("/"))
        self.dir = os.path.join(self.home, "posthorn-bench.%d" % os.getpid())
        os.mkdir(self.dir)
        self.pid = str(os.getpid())

    def enter(self):
        with open(os.path.join(self.dir, "cgroup.procs"), "w") as f:
            f.write(self.pid)

    def leave(self):
        with open(os.path.join(self.home, "cgroup.procs"), "w") as f:
            f.write(self.pid)

    def usage_ns(self):
        total = 0
        if not self.v2:
            with open(os.path.join(self.dir, "cpuacct.usage")) as f:
                total = int(f.read())
        else:
            with open(os.path.join(self.dir, "cpu.stat")) as f:
                for line in f:
                    k, v = line.split()
                    if k == "usage_usec":
                        total = int(v) * 1000
        for t in os.listdir("/proc/self/task"):
            with open("/proc/self/task/%s/schedstat" % t) as f:
                total -= int(f.read().split()[0])
        return total

    def remove(self):
        for _ in range(50):
            try:
                os.rmdir(self.dir)
                return
            except OSError:
                time.sleep(0.1)
        log("could not remove %s" % self.dir)


# --------------------------------------------------------------------------
# sinks

class Sink:
    def __init__(self, name):
        self.name = name
        self.mesg = 0           # messages received
        self.sess = 0           # sessions ended (= connections, once idle)
        self.mesg_t = {}        # message number -> time received
        self.buf = b""
        self.fd = None
        self.pid = None

    def _read(self):
        chunks = []
        while True:
            try:
                d = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                break
            if not d:
                raise BenchError("sink %s closed its output" % self.name)
            chunks.append(d)
        return b"".join(chunks)


class SmtpSink(Sink):
    """Postfix's smtp-sink -c: prints "sess=N quit=N mesg=N\\r" per event."""
    REC = re.compile(rb"sess=(\d+) quit=(\d+) mesg=(\d+)")

    def feed(self, t):
        self.buf += self._read()
        *recs, self.buf = self.buf.split(b"\r")
        for rec in recs:
            m = self.REC.search(rec)
            if not m:
                continue
            sess, mesg = int(m.group(1)), int(m.group(3))
            for n in range(self.mesg + 1, mesg + 1):
                self.mesg_t[n] = t
            self.mesg, self.sess = max(self.mesg, mesg), max(self.sess, sess)


class AioSink(Sink):
    """bench/sink.py: aiosmtpd, checks every message, reports lines."""

    def __init__(self, name):
        super().__init__(name)
        self.ready = False
        self.conns = 0
        self.msgs = []

    def feed(self, t):
        self.buf += self._read()
        *lines, self.buf = self.buf.split(b"\n")
        for line in lines:
            f = line.decode().split()
            if not f:
                continue
            if f[0] == "ready":
                self.ready = True
            elif f[0] == "conn":
                self.conns += 1
            elif f[0] == "close":
                self.sess += 1
            elif f[0] == "msg":
                self.mesg += 1
                self.mesg_t[self.mesg] = float(f[1])
                self.msgs.append({"t": float(f[1]), "size": int(f[2]),
                                  "ok": f[3] == "ok", "why": f[4]})


class Syslog(Sink):
    """/dev/log inside the dma namespace: dma logs only to syslog, and its
    deferrals explain its figures."""

    def __init__(self, sock, path):
        super().__init__("syslog")
        self.sock, self.fd = sock, sock.fileno()
        self.out = open(path, "a")
        self.deferred = 0

    def feed(self, t):
        while True:
            try:
                d = self.sock.recv(65536)
            except BlockingIOError:
                return
            line = d.decode(errors="replace").rstrip("\n\0")
            self.out.write(line + "\n")
            self.out.flush()
            if "deferred" in line or "failed" in line:
                self.deferred += 1


# --------------------------------------------------------------------------
# the programs

class Prog:
    name = ""
    in_ns = False       # runs inside the dma mount namespace
    can_queue = True

    def __init__(self, b):
        self.b = b
        self.dir = os.path.join(RUN, self.name)
        os.makedirs(self.dir, exist_ok=True)
        self.log = os.path.join(self.dir, "output.log")

    def env(self):
        return dict(BASE_ENV)

    def deb_version(self, pkg):
        with open(os.path.join(ROOT, pkg, ".deb")) as f:
            deb = f.read().strip()
        return sh(["dpkg-deb", "-f", deb, "Version"]).strip()

    def daemon_pids(self):
        return []


class Posthorn(Prog):
    name = "posthorn"

    def __init__(self, b):
        super().__init__(b)
        self.bin = b.args.posthorn
        self.spool = os.path.join(self.dir, "spool")
        os.makedirs(self.spool)
        os.chmod(self.spool, 0o1777)
        self.conf = os.path.join(self.dir, "posthorn.conf")

    def configure(self, port, ca=None):
        lines = ["smarthost %s:%d" % ("localhost" if ca else "127.0.0.1", port),
                 "tls " + ("starttls" if ca else "none"),
                 "spool_dir " + self.spool,
                 "log_file " + os.path.join(self.dir, "posthorn.log"),
                 "hostname bench.example.org",
                 "domain example.org"]
        if ca:
            lines.append("tls_ca_file " + ca)
        write(self.conf, "\n".join(lines) + "\n")

    def submit_argv(self, queue=False):
        return [self.bin, "-C", self.conf, "-f", SENDER, "-oi"] + \
            (["-odq"] if queue else []) + [RCPT]

    def flush_argv(self):
        return [self.bin, "-C", self.conf, "-q"]

    def queued(self):
        n = 0
        for d, _, files in os.walk(self.spool):
            if os.path.basename(d) == "new":
                n += sum(1 for f in files if f.endswith(".msg"))
        return n

    def version(self):
        v = sh([self.bin, "--version"]).strip()
        if self.bin != os.path.join(REPO, "posthorn"):
            v += " [" + self.bin + "]"
        g = subprocess.run(["git", "-C", REPO, "describe", "--always",
                            "--dirty"], stdout=subprocess.PIPE, text=True)
        return "%s (git %s)" % (v, g.stdout.strip() or "?")


class Msmtp(Prog):
    name = "msmtp"
    can_queue = False

    def __init__(self, b):
        super().__init__(b)
        self.bin = os.path.join(ROOT, "msmtp", "usr", "bin", "msmtp")
        self.conf = os.path.join(self.dir, "msmtprc")

    def env(self):
        e = dict(BASE_ENV)
        # libsecret-1-0 is not installed here: msmtp loads it from its own
        # unpacked package.
        e["LD_LIBRARY_PATH"] = os.path.join(ROOT, "libsecret-1-0", "usr",
                                            "lib", "x86_64-linux-gnu")
        return e

    def configure(self, port):
        write(self.conf, "defaults\nauth off\ntls off\nlogfile\n"
              "account default\nhost 127.0.0.1\nport %d\nfrom %s\n"
              "domain bench.example.org\n" % (port, SENDER), 0o600)

    def submit_argv(self, queue=False):
        assert not queue
        return [self.bin, "-C", self.conf, "-f", SENDER, "-oi", RCPT]

    def version(self):
        return self.deb_version("msmtp")


class Dma(Prog):
    name = "dma"
    in_ns = True

    def __init__(self, b):
        super().__init__(b)
        self.bin = os.path.join(ROOT, "dma", "usr", "sbin", "dma")
        self.spool = os.path.join(self.dir, "spool")
        os.makedirs(self.spool)
        shutil.chown(self.spool, "mail", "mail")
        os.chmod(self.spool, 0o770)
        self.aliases = os.path.join(self.dir, "aliases")
        write(self.aliases, "")
        self.upper = os.path.join(self.dir, "etc-upper")
        self.wdir = os.path.join(self.dir, "etc-work")
        os.makedirs(os.path.join(self.upper, "dma"))
        os.makedirs(self.wdir)

    def conf_text(self, port):
        return ("SMARTHOST 127.0.0.1\nPORT %d\nSPOOLDIR %s\nALIASES %s\n"
                "MAILNAME bench.example.org\nNULLCLIENT\n"
                % (port, self.spool, self.aliases))

    def configure(self, port):
        # The overlay's upper layer holds /etc/dma/dma.conf; written
        # through the namespace once the overlay is mounted.
        if self.b.dma_ns_fd is None:
            write(os.path.join(self.upper, "dma", "dma.conf"),
                  self.conf_text(port))
        else:
            with self.b.dma_ns():
                write("/etc/dma/dma.conf", self.conf_text(port))

    def submit_argv(self, queue=False):
        return [self.bin, "-f", SENDER, "-oi"] + (["-bq"] if queue else []) \
            + [RCPT]

    def flush_argv(self):
        return [self.bin, "-q"]

    def queued(self):
        return sum(1 for f in os.listdir(self.spool) if f.startswith("M"))

    def version(self):
        return self.deb_version("dma")


class Nullmailer(Prog):
    name = "nullmailer"

    def __init__(self, b):
        super().__init__(b)
        pkg = os.path.join(ROOT, "nullmailer")
        self.sendmail = os.path.join(pkg, "usr", "sbin", "sendmail")
        p = self.prefix = self.dir
        for d in ("bin", "sbin", "protocols", "conf", "queue/queue",
                  "queue/tmp"):
            os.makedirs(os.path.join(p, d), exist_ok=True)
        links = {"bin/nullmailer-inject": "usr/bin/nullmailer-inject",
                 "sbin/nullmailer-queue": "usr/sbin/nullmailer-queue",
                 "sbin/nullmailer-send": "usr/sbin/nullmailer-send",
                 "protocols/smtp": "usr/lib/nullmailer/smtp"}
        for link, target in links.items():
            os.symlink(os.path.join(pkg, target), os.path.join(p, link))
        os.mkfifo(os.path.join(p, "queue", "trigger"), 0o600)
        write(os.path.join(p, "mailname"), "bench.example.org\n")
        write(os.path.join(p, "conf", "helohost"), "bench.example.org\n")
        write(os.path.join(p, "conf", "defaultdomain"), "example.org\n")
        self.daemon, self.inner = None, False
        self.daemon_log = os.path.join(self.dir, "nullmailer-send.log")

    def env(self):
        e = dict(BASE_ENV)
        e["NULLMAILER_TEST_PREFIX"] = self.prefix
        return e

    def configure(self, port):
        write(os.path.join(self.prefix, "conf", "remotes"),
              "127.0.0.1 smtp --port=%d\n" % port)

    def submit_argv(self, queue=False):
        return [self.sendmail, "-f", SENDER, "-oi", RCPT]

    def send_argv(self):
        return [os.path.join(self.prefix, "sbin", "nullmailer-send")]

    def start_daemon(self, wrap=None, inner=False):
        """Start nullmailer-send.  With inner, the wrapper (strace) runs it
        as a child: that child counts as the daemon too."""
        assert self.daemon is None
        argv = (wrap or []) + self.send_argv()
        self.daemon = self.b.spawn(argv, env=self.env(), log=self.daemon_log,
                                   acct=True)
        self.b.longlived[self.daemon] = "nullmailer-send"
        self.inner = inner
        if inner:
            self.b.wrappers.add(self.daemon)
        return self.daemon

    def stop_daemon(self):
        if self.daemon is None:
            return
        targets = self.b.children(self.daemon) if self.inner else []
        for pid in targets or [self.daemon]:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        os.waitpid(self.daemon, 0)
        self.b.longlived.pop(self.daemon, None)
        self.b.wrappers.discard(self.daemon)
        self.daemon, self.inner = None, False

    def daemon_pids(self):
        if self.daemon is None:
            return []
        return [self.daemon] + (self.b.children(self.daemon) if self.inner
                                else [])

    def queued(self):
        return len(os.listdir(os.path.join(self.prefix, "queue", "queue")))

    def version(self):
        return self.deb_version("nullmailer")


# --------------------------------------------------------------------------
# the probes: floors the targets can be held against (compiled here)

PROBE_EMPTY = "int main(void) { return 0; }\n"
PROBE_TLS_IDLE = r"""
#include <openssl/ssl.h>
/* An OpenSSL client context with a CA file loaded, then exit: the peak RSS
 * of this process is the baseline of issue 7's TLS memory target. */
int main(int argc, char **argv)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (argc != 2 || ctx == NULL ||
	    SSL_CTX_load_verify_locations(ctx, argv[1], NULL) != 1)
		return 1;
	return 0;
}
"""


# --------------------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.results = {"figures": {}, "detail": {}}
        self.longlived = {}     # pid -> name: sinks, daemons, ns holder
        self.wrappers = set()   # long-lived pids whose children are, too
        self.sinks = []
        self.dma_ns_fd = None
        self.cpu = None
        self.host_ns_fd = os.open("/proc/self/ns/mnt", os.O_RDONLY)
        self.me = os.getpid()

    # ---- processes -------------------------------------------------------

    def spawn(self, argv, stdin=None, stdout_fd=None, log=None, env=None,
              acct=False):
        fa = []
        fds = []
        if stdin:
            fd = os.open(stdin, os.O_RDONLY)
            fds.append(fd)
            fa.append((os.POSIX_SPAWN_DUP2, fd, 0))
        else:
            fa.append((os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0))
        out = os.open(log or "/dev/null",
                      os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        fds.append(out)
        fa.append((os.POSIX_SPAWN_DUP2, stdout_fd if stdout_fd is not None
                   else out, 1))
        fa.append((os.POSIX_SPAWN_DUP2, out, 2))
        outside = not acct and self.cpu is not None
        if outside:             # a sink started after set-up
            self.cpu.leave()
        try:
            return os.posix_spawn(argv[0], argv, env or BASE_ENV,
                                  file_actions=fa)
        finally:
            if outside:
                self.cpu.enter()
            for fd in fds:
                os.close(fd)

    @contextlib.contextmanager
    def dma_ns(self):
        if libc.setns(self.dma_ns_fd, CLONE_NEWNS) != 0:
            raise OSError(ctypes.get_errno(), "setns into the dma namespace")
        try:
            yield
        finally:
            if libc.setns(self.host_ns_fd, CLONE_NEWNS) != 0:
                raise OSError(ctypes.get_errno(), "setns back")
            os.chdir(REPO)

    def pump(self, timeout, batch=0.0):
        r, _, _ = select.select([s.fd for s in self.sinks], [], [], timeout)
        t = now()
        for s in self.sinks:
            if s.fd in r:
                s.feed(t)
        if batch and r:
            time.sleep(batch)

    def reap(self):
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.longlived:
                raise BenchError("%s (pid %d) died" % (self.longlived[pid],
                                                       pid))

    @staticmethod
    def children(pid):
        out = []
        try:
            tasks = os.listdir("/proc/%d/task" % pid)
        except FileNotFoundError:
            return out
        for t in tasks:
            try:
                with open("/proc/%d/task/%s/children" % (pid, t)) as f:
                    out.extend(int(k) for k in f.read().split())
            except OSError:
                pass
        return out

    def descendants(self):
        """Our live descendants, as (pid, parent) pairs."""
        out, stack = [], [self.me]
        while stack:
            p = stack.pop()
            kids = self.children(p)
            stack.extend(kids)
            out.extend((k, p) for k in kids)
        return out

    def busy(self):
        """Descendants that are not long-lived (sinks, daemons)."""
        return [k for k, p in self.descendants()
                if k not in self.longlived and p not in self.wrappers]

    def settle(self, sink=None, sess=None, timeout=120, linger=0.0):
        """Wait until only long-lived processes are left (and, with sess,
        until the sink has seen that many sessions end)."""
        deadline = now() + timeout
        while True:
            self.reap()
            busy = self.busy()
            if not busy and (sess is None or sink.sess >= sess):
                break
            if now() > deadline:
                raise BenchError("still running after %ds: %s" %
                                 (timeout, busy))
            self.pump(0.002)
        end = now() + linger
        while now() < end:
            self.pump(max(0.0, end - now()))
        self.reap()

    def call(self, prog, argv, stdin=None, sink=None, want=None, env=None,
             timeout=300, check=True, batch=0.0):
        """Run one command to completion.  Returns the start time, the time
        it returned and, with want, the time sink counted message #want.
        batch: after reading the sinks, wait that long before reading them
        again, so that a stream of records costs this process (which shares
        the CPUs with what it measures) fewer wake-ups; a record is then
        stamped up to that much late."""
        if prog is not None and prog.in_ns:
            with self.dma_ns():
                t0 = now()
                pid = self.spawn(argv, stdin=stdin, log=prog.log,
                                 env=env or prog.env(), acct=True)
        else:
            t0 = now()
            pid = self.spawn(argv, stdin=stdin,
                             log=prog.log if prog else None,
                             env=env or (prog.env() if prog else None),
                             acct=True)
        pfd = os.pidfd_open(pid)
        res = {"t0": t0, "pid": pid}
        deadline = t0 + timeout
        try:
            while "ret" not in res or (want is not None and sink.mesg < want):
                rem = deadline - now()
                if rem <= 0:
                    raise BenchError("timeout: %s" % " ".join(argv))
                fds = [s.fd for s in self.sinks]
                if "ret" not in res:
                    fds.append(pfd)
                r, _, _ = select.select(fds, [], [], rem)
                t = now()
                for s in self.sinks:
                    if s.fd in r:
                        s.feed(t)
                if batch and pfd not in r:
                    time.sleep(batch)
                if pfd in r:
                    _, status, ru = os.wait4(pid, 0)
                    res.update(ret=t, status=status, ru=ru)
        finally:
            os.close(pfd)
        if want is not None:
            res["sink"] = sink.mesg_t[want]
        code = os.waitstatus_to_exitcode(res["status"])
        if check and code != 0:
            tail = ""
            if prog is not None and os.path.exists(prog.log):
                with open(prog.log, errors="replace") as f:
                    tail = "".join(f.readlines()[-5:])
            raise BenchError("exit %d: %s\n%s" % (code, " ".join(argv), tail))
        res["exit"] = code
        return res

    def ours(self, recs):
        """The taskstats records of processes in our tree."""
        by = {}
        for r in recs:
            by.setdefault(r["tgid"], r)
        out = []
        for r in recs:
            p, hops = r["ppid"], 0
            while hops < 64:
                if p == self.me or p in self.longlived:
                    out.append(r)
                    break
                if p not in by or by[p] is r:
                    break
                p, hops = by[p]["ppid"], hops + 1
        return out

    @staticmethod
    def vmhwm_kb(pid):
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return None

    # ---- set-up ----------------------------------------------------------

    @staticmethod
    def free_port():
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        return port

    def start_smtp_sink(self):
        port = self.free_port()
        sink = SmtpSink("smtp-sink")
        r, w = os.pipe()
        env = dict(BASE_ENV)
        env["LD_LIBRARY_PATH"] = os.path.join(ROOT, "postfix", "usr", "lib",
                                              "postfix")
        binary = os.path.join(ROOT, "postfix", "usr", "sbin", "smtp-sink")
        sink.pid = self.spawn([binary, "-c", "-u", "nobody", "-h",
                               "sink.example.org", "-m", "1000",
                               "127.0.0.1:%d" % port, "1024"],
                              stdout_fd=w, env=env,
                              log=os.path.join(RUN, "smtp-sink.log"))
        os.close(w)
        os.set_blocking(r, False)
        sink.fd, sink.port = r, port
        self.longlived[sink.pid] = "smtp-sink"
        self.sinks.append(sink)
        deadline = now() + 10
        while True:                     # a probe connection: one session
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                if now() > deadline:
                    raise BenchError("smtp-sink does not listen")
                time.sleep(0.02)
        while sink.sess < 1:
            self.pump(0.1)
        return sink

    def start_aio_sink(self, tls=None):
        port = self.free_port()
        sink = AioSink("aiosmtpd" + ("-tls" if tls else ""))
        r, w = os.pipe()
        argv = ["/usr/bin/python3", os.path.join(BENCH, "sink.py"),
                "--port", str(port)]
        if tls:
            argv += ["--tls"] + list(tls)
        sink.pid = self.spawn(argv, stdout_fd=w,
                              log=os.path.join(RUN, sink.name + ".log"))
        os.close(w)
        os.set_blocking(r, False)
        sink.fd, sink.port = r, port
        self.longlived[sink.pid] = sink.name
        self.sinks.append(sink)
        deadline = now() + 30
        while not sink.ready:
            if now() > deadline:
                raise BenchError("aiosmtpd sink did not start")
            self.pump(0.1)
        return sink

    def start_dma_ns(self, dma):
        """A process that holds a mount namespace where an overlay puts our
        dma.conf at /etc/dma/dma.conf; dma calls are spawned inside it."""
        r, w = os.pipe()
        for d in ("dev-upper", "dev-work"):
            os.makedirs(os.path.join(dma.dir, d))
        script = ("mount -t overlay overlay -o lowerdir=/etc,upperdir=%s,"
                  "workdir=%s /etc && mount -t overlay overlay -o "
                  "lowerdir=/dev,upperdir=%s,workdir=%s /dev && "
                  "echo ready && exec sleep 86400"
                  % (dma.upper, dma.wdir, os.path.join(dma.dir, "dev-upper"),
                     os.path.join(dma.dir, "dev-work")))
        pid = self.spawn(["/usr/bin/unshare", "--mount", "--propagation",
                          "private", "/bin/sh", "-c", script], stdout_fd=w,
                         log=os.path.join(RUN, "dma-ns.log"))
        os.close(w)
        with os.fdopen(r) as f:
            if f.readline().strip() != "ready":
                raise BenchError("dma namespace: see bench/work/run/dma-ns.log")
        self.longlived[pid] = "dma-namespace"
        self.dma_ns_fd = os.open("/proc/%d/ns/mnt" % pid, os.O_RDONLY)
        self.dma_ns_pid = pid
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, 32, 16 << 20)  # SO_RCVBUFFORCE
        with self.dma_ns():
            sock.bind("/dev/log")
            os.chmod("/dev/log", 0o666)     # dma logs as user mail
        sock.setblocking(False)
        self.syslog = Syslog(sock, os.path.join(dma.dir, "syslog.log"))
        self.sinks.append(self.syslog)

    def make_messages(self):
        d = os.path.join(RUN, "msg")
        os.makedirs(d)
        rnd = random.Random(7)
        words = ("posthorn relay queue message spool deliver sender "
                 "recipient envelope header body line mail").split()

        def message(path, subject, body):
            h = hashlib.sha256(body).hexdigest()
            head = ("From: Bench Sender <%s>\nTo: Bob <%s>\nSubject: %s\n"
                    "Date: Thu, 01 Jan 2026 00:00:00 +0000\n"
                    "Message-ID: <%s@bench.example.org>\nMIME-Version: 1.0\n"
                    "Content-Type: text/plain; charset=us-ascii\n"
                    "X-Bench-Body: sha256=%s\n\n"
                    % (SENDER, RCPT, subject, subject.replace(" ", "-"), h))
            with open(path, "wb") as f:
                f.write(head.encode() + body)
            return path

        lines = []
        while sum(len(x) + 1 for x in lines) < 1650:
            lines.append(" ".join(rnd.choice(words) for _ in range(10)))
        lines[3] = "." + lines[3]           # dot-stuffing on the way
        lines[7] = ".."
        small = ("\n".join(lines) + "\n").encode()
        self.msg2k = message(os.path.join(d, "2k.eml"), "bench 2k", small)
        size = self.args.big_mib << 20
        raw = rnd.randbytes(size // 77 * 57)     # 76 base64 bytes + LF
        b64 = base64.b64encode(raw)
        out = []
        for i in range(0, len(b64), 76):
            out.append(b64[i:i + 76])
            if i // 76 % 1000 == 999:
                out.append(b".dot line %d" % i)
        big = b"\n".join(out) + b"\n"
        self.msgbig = message(os.path.join(d, "big.eml"), "bench big", big)
        self.results["detail"]["msg_sizes"] = {
            "small": os.path.getsize(self.msg2k),
            "big": os.path.getsize(self.msgbig)}

    def build_probes(self):
        d = os.path.join(RUN, "probe")
        os.makedirs(d)
        write(os.path.join(d, "empty.c"), PROBE_EMPTY)
        write(os.path.join(d, "tls_idle.c"), PROBE_TLS_IDLE)
        libs = sh(["pkg-config", "--libs", "libbsd-overlay", "libssl",
                   "libcrypto"]).split()
        cflags = sh(["pkg-config", "--cflags", "libssl"]).split()
        ld = ["-O2", "-fPIE", "-pie", "-Wl,-z,relro,-z,now"]
        self.probe_empty = os.path.join(d, "empty")
        self.probe_libs = os.path.join(d, "empty-with-openssl-libbsd-libresolv")
        self.probe_tls = os.path.join(d, "tls-idle")
        self.probe_nossl = os.path.join(d, "empty-with-libresolv")
        sh(["cc"] + ld + ["-o", self.probe_empty, os.path.join(d, "empty.c")])
        sh(["cc"] + ld + ["-o", self.probe_libs, os.path.join(d, "empty.c"),
                          "-Wl,--no-as-needed"] + libs + ["-lresolv"])
        # posthorn links libbsd statically: at run time, libc and libresolv
        sh(["cc"] + ld + ["-o", self.probe_nossl, os.path.join(d, "empty.c"),
                          "-Wl,--no-as-needed", "-lresolv"])
        sh(["cc"] + ld + cflags + ["-o", self.probe_tls,
                                   os.path.join(d, "tls_idle.c")] + libs)

    def make_cert(self):
        d = os.path.join(RUN, "tls")
        os.makedirs(d)
        self.cert = os.path.join(d, "cert.pem")
        self.key = os.path.join(d, "key.pem")
        sh(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj",
            "/CN=localhost", "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", self.key, "-out", self.cert])

    def setup(self):
        if os.path.exists(RUN):
            shutil.rmtree(RUN)
        os.makedirs(RUN)
        if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")
        self.ts = TaskStats()
        self.make_messages()
        self.build_probes()
        self.make_cert()
        self.sink = self.start_smtp_sink()
        self.aio = self.start_aio_sink()
        self.progs = {"posthorn": Posthorn(self), "msmtp": Msmtp(self),
                      "dma": Dma(self), "nullmailer": Nullmailer(self)}
        for p in self.progs.values():
            p.configure(self.sink.port)
        self.start_dma_ns(self.progs["dma"])
        self.cpu = CpuAcct()    # from here on, what we start is counted
        self.cpu.enter()
        self.versions = {n: p.version() for n, p in self.progs.items()}
        self.versions["smtp-sink"] = "postfix " + \
            self.progs["msmtp"].deb_version("postfix")
        self.versions["aiosmtpd"] = sh(
            ["/usr/bin/python3", "-c",
             "import aiosmtpd; print(aiosmtpd.__version__)"]).strip()
        self.versions["valgrind"] = sh(["valgrind", "--version"]).strip()
        self.versions["strace"] = sh(["strace", "-V"]).splitlines()[0]

    def teardown(self):
        nm = self.progs.get("nullmailer") if hasattr(self, "progs") else None
        if nm is not None and nm.daemon:
            try:
                nm.stop_daemon()
            except OSError as e:
                log("teardown: %s" % e)
        for pid in list(self.longlived):
            for k in self.children(pid) if pid in self.wrappers else []:
                with contextlib.suppress(OSError):
                    os.kill(k, signal.SIGTERM)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            del self.longlived[pid]
        self.reap_all()
        if self.cpu:
            self.cpu.leave()
            self.cpu.remove()

    def reap_all(self):
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass

    # ---- scenario 1: one 2 KB submission -------------------------------

    def measured(self, p, argv, stdin=None, sink=None, timeout=300):
        """Run one call, wait for the sink and for every helper to finish;
        add CPU time (all processes, daemons included) and the peak RSS of
        each process involved (taskstats)."""
        self.ts.drain()
        mark = len(self.ts.records)
        u0 = self.cpu.usage_ns()
        m, s = (sink.mesg, sink.sess) if sink else (0, 0)
        res = self.call(p, argv, stdin=stdin, sink=sink,
                        want=m + 1 if sink else None, timeout=timeout)
        self.settle(sink, s + 1 if sink else None)
        self.ts.drain()
        recs = self.ours(self.ts.records[mark:])
        cpu_ns = self.cpu.usage_ns() - u0
        procs = {}
        for r in recs:
            label = r["comm"] + (" (call)" if r["tgid"] == res["pid"] else "")
            procs[label] = max(procs.get(label, 0), r["rss_kb"])
        res.update(cpu=cpu_ns / 1e9, rss=procs,
                   rss_max=max(procs.values()) if procs else None)
        return res

    def one_small(self, p):
        res = self.measured(p, p.submit_argv(), stdin=self.msg2k,
                            sink=self.sink)
        return {"ret": res["ret"] - res["t0"], "sink": res["sink"] - res["t0"],
                "cpu": res["cpu"], "rss": res["rss"]}

    def scenario_small(self):
        log("1: one 2 KB submission, %d warm-up + %d measured rounds"
            % (self.args.warmup, self.args.rounds))
        nm = self.progs["nullmailer"]
        nm.start_daemon()
        time.sleep(0.3)
        runs = {n: [] for n in PROGS}
        for i in range(self.args.warmup + self.args.rounds):
            for n in PROGS:            # round robin: noise hits all alike
                r = self.one_small(self.progs[n])
                if i >= self.args.warmup:
                    runs[n].append(r)
        out = {}
        for n in PROGS:
            rs = runs[n]
            labels = sorted({k for r in rs for k in r["rss"]})
            rss = {k: median([r["rss"][k] for r in rs if k in r["rss"]])
                   for k in labels}
            out[n] = {"ret": median([r["ret"] for r in rs]),
                      "sink": median([r["sink"] for r in rs]),
                      "cpu": median([r["cpu"] for r in rs]),
                      "ret_all": [r["ret"] for r in rs],
                      "sink_all": [r["sink"] for r in rs],
                      "cpu_all": [r["cpu"] for r in rs],
                      "rss": rss, "rss_max": max(rss.values()) if rss else None}
        self.results["figures"]["small"] = out

    # ---- scenario 2: 1000 sequential submissions -------------------------

    def longest_gap(self, m, n):
        """The longest pause between two of messages m+1 .. m+n at the sink
        (a retry back-off shows up here)."""
        t = self.sink.mesg_t
        return max((t[i + 1] - t[i] for i in range(m + 1, m + n)), default=0)

    def scenario_sequential(self):
        n = self.args.count
        log("2: %d sequential submissions each" % n)
        out = {}
        for name in PROGS:
            p = self.progs[name]
            m, s = self.sink.mesg, self.sink.sess
            deferred, u0 = self.syslog.deferred, self.cpu.usage_ns()
            t0 = now()
            for _ in range(n):
                self.call(p, p.submit_argv(), stdin=self.msg2k)
                self.reap()
                self.ts.drain(keep=False)
            t_calls = now()
            while self.sink.mesg < m + n:
                if now() - t_calls > 300:
                    raise BenchError("%s: only %d of %d at the sink" %
                                     (name, self.sink.mesg - m, n))
                self.pump(0.05)
                self.reap()
            t_last = self.sink.mesg_t[m + n]
            self.settle(linger=0.2)
            self.ts.drain(keep=False)
            out[name] = {"rate": n / (t_last - t0),
                         "calls_rate": n / (t_calls - t0),
                         "conns": self.sink.sess - s,
                         "cpu_per_msg": (self.cpu.usage_ns() - u0) / 1e9 / n,
                         "longest_gap": self.longest_gap(m, n),
                         "deferred": self.syslog.deferred - deferred
                         if name == "dma" else None,
                         "left": p.queued() if p.can_queue else 0}
            log("   %-10s %.0f msg/s, %d connections" %
                (name, out[name]["rate"], out[name]["conns"]))
        self.results["figures"]["sequential"] = out

    # ---- scenario 3: flush of a queue of 1000 ------------------------------

    def scenario_flush(self):
        n, rounds = self.args.count, self.args.flush_rounds
        log("3: flush of a queue of %d, %d rounds" % (n, rounds))
        names = [n for n in PROGS if n != "msmtp"]
        runs = {name: [] for name in names}
        for r in range(rounds):
            # the programs in turn each round, as for the 2 KB message,
            # so that a noisy moment does not hit one program's runs alone
            for name in names:
                runs[name].append(self.flush_once(self.progs[name], n))
                log("   %-10s %.0f msg/s, %d connections (queued at %.0f/s)"
                    % (name, runs[name][-1]["rate"], runs[name][-1]["conns"],
                       runs[name][-1]["fill_rate"]))
        out = {}
        for name in names:
            by_rate = sorted(runs[name], key=lambda x: x["rate"])
            out[name] = dict(by_rate[len(by_rate) // 2])   # the median run
            out[name]["rates"] = [x["rate"] for x in runs[name]]
        out["msmtp"] = None
        self.results["figures"]["flush"] = out

    def flush_once(self, p, n):
        """Fill p's queue with n messages, then time its flush to the sink."""
        name = p.name
        if name == "nullmailer" and p.daemon:
            p.stop_daemon()
            self.settle()
        if p.queued():
            raise BenchError("%s: queue not empty before the flush" % name)
        tf = now()
        for _ in range(n):
            self.call(p, p.submit_argv(queue=True), stdin=self.msg2k)
            self.reap()
            self.ts.drain(keep=False)
        tf = now() - tf
        self.settle()
        if p.queued() != n:
            raise BenchError("%s: %d queued, want %d" % (name, p.queued(), n))
        # the fill's write-back and journal work done before the clock
        # starts, so that no program's flush pays for it
        os.sync()
        self.settle(linger=0.5)
        m, s = self.sink.mesg, self.sink.sess
        deferred, u0 = self.syslog.deferred, self.cpu.usage_ns()
        batch = self.args.flush_batch
        if name == "nullmailer":
            t0 = now()
            p.start_daemon()
        else:
            t0 = self.call(p, p.flush_argv(), batch=batch)["t0"]
        while self.sink.mesg < m + n:
            if now() - t0 > 600:
                raise BenchError("%s: flush stuck at %d of %d" %
                                 (name, self.sink.mesg - m, n))
            self.pump(0.05, batch=batch)
            self.reap()
        t_last = self.sink.mesg_t[m + n]
        self.settle(linger=0.2)
        self.ts.drain(keep=False)
        return {"rate": n / (t_last - t0), "conns": self.sink.sess - s,
                "fill_rate": n / tf, "left": p.queued(),
                "cpu_per_msg": (self.cpu.usage_ns() - u0) / 1e9 / n,
                "longest_gap": self.longest_gap(m, n),
                "deferred": self.syslog.deferred - deferred
                if name == "dma" else None}

    # ---- scenario 4: one big message -------------------------------------

    def scenario_big(self):
        log("4: one %d MiB message each" % self.args.big_mib)
        nm = self.progs["nullmailer"]
        if nm.daemon:
            nm.stop_daemon()
        nm.start_daemon()               # fresh: its VmHWM is this test's
        time.sleep(0.3)
        out = {}
        for name in PROGS:
            p = self.progs[name]
            c0 = self.cpu_of(self.sink.pid)
            res = self.measured(p, p.submit_argv(), stdin=self.msgbig,
                                sink=self.sink, timeout=600)
            sink_cpu = self.cpu_of(self.sink.pid) - c0
            procs = res["rss"]
            if name == "nullmailer":
                procs["nullmailer-send (daemon)"] = self.vmhwm_kb(p.daemon)
            out[name] = {"sink": res["sink"] - res["t0"],
                         "ret": res["ret"] - res["t0"], "rss": procs,
                         "cpu": res["cpu"], "sink_cpu": sink_cpu,
                         "rss_max": max(procs.values())}
            log("   %-10s %.2f s to the sink, peak RSS %s" %
                (name, out[name]["sink"],
                 ", ".join("%s %d KiB" % kv for kv in sorted(procs.items()))))
        self.results["figures"]["big"] = out

    def scenario_big_tls(self):
        """posthorn only: 2 KB and big message over STARTTLS to aiosmtpd."""
        log("4b: posthorn over STARTTLS (aiosmtpd with TLS), 2 KB and big")
        sink = self.start_aio_sink(tls=(self.cert, self.key))
        p = self.progs["posthorn"]
        p.configure(sink.port, ca=self.cert)
        out = {}
        try:
            for label, msg, k in (("small", self.msg2k, 3),
                                  ("big", self.msgbig, 1)):
                rss, ok = [], True
                for _ in range(k):
                    res = self.measured(p, p.submit_argv(), stdin=msg,
                                        sink=sink, timeout=600)
                    rss.append(res["rss_max"])
                    ok = ok and sink.msgs[-1]["ok"]
                out[label] = {"rss": max(rss), "ok": ok,
                              "sink": res["sink"] - res["t0"]}
            base = {}
            for label, ca in (("test CA", self.cert),
                              ("system CA bundle",
                               "/etc/ssl/certs/ca-certificates.crt")):
                if os.path.exists(ca):
                    base[label] = self.measured(None, [self.probe_tls, ca])[
                        "rss_max"]
            out["baseline"] = base
        finally:
            p.configure(self.sink.port)
            os.kill(sink.pid, signal.SIGTERM)
            del self.longlived[sink.pid]
            os.waitpid(sink.pid, 0)
            self.sinks.remove(sink)
        log("   posthorn TLS: 2 KB peak %d KiB, big peak %d KiB, idle "
            "OpenSSL context %s" % (out["small"]["rss"], out["big"]["rss"],
                                    base))
        self.results["figures"]["big_tls"] = out

    # ---- content check with aiosmtpd -------------------------------------

    def scenario_verify(self):
        log("content: 2 KB and big message through the verifying sink")
        out = {}
        nm = self.progs["nullmailer"]
        for name in PROGS:
            p = self.progs[name]
            p.configure(self.aio.port)
            if p is nm:
                nm.stop_daemon()
                nm.start_daemon()
            got = []
            for msg in (self.msg2k, self.msgbig):
                m = self.aio.mesg
                self.call(p, p.submit_argv(), stdin=msg, sink=self.aio,
                          want=m + 1, timeout=600)
                self.settle()
                got.append(self.aio.msgs[m])
            p.configure(self.sink.port)
            if p is nm:
                nm.stop_daemon()
                nm.start_daemon()
            out[name] = {"small": got[0]["ok"], "big": got[1]["ok"],
                         "why": [g["why"] for g in got]}
            log("   %-10s 2 KB %s, big %s" % (
                name, *["ok" if g["ok"] else "BAD " + g["why"] for g in got]))
        self.results["figures"]["verify"] = out

    # ---- scenario 5: fsync / rename counts -------------------------------

    STRACE_SET = ("fsync,fdatasync,sync_file_range,syncfs,rename,renameat,"
                  "renameat2,link,linkat")

    @staticmethod
    def count_trace(path):
        """fsync-like and rename-like calls in an `strace -f -ttt` file, in
        total and before the first process in it (the one started) exited."""
        c = {"fsync": 0, "fsync_before": 0, "rename": 0, "rename_before": 0}
        top, exited = None, False
        with open(path) as f:
            for line in f:
                parts = line.split(None, 2)
                if len(parts) < 3 or not parts[0].isdigit():
                    continue
                pid, rest = int(parts[0]), parts[2]
                if top is None:
                    top = pid
                if rest.startswith("+++"):
                    exited = exited or pid == top
                    continue
                m = re.match(r"([a-z_0-9]+)\(", rest)
                if not m:
                    continue    # "<... resumed>" halves, signals
                name = m.group(1)
                # sync_file_range() is a barrier only when it waits for
                # the write-back (posthorn only starts one with it)
                if name in ("fsync", "fdatasync", "syncfs") or (
                        name == "sync_file_range" and
                        "SYNC_FILE_RANGE_WAIT_AFTER" in rest):
                    kind = "fsync"
                elif name.startswith(("rename", "link")):
                    kind = "rename"
                else:
                    continue
                c[kind] += 1
                c[kind + "_before"] += not exited
        return c

    def scenario_strace(self):
        log("5: fsync and rename counts (strace -f)")
        out = {}
        d = os.path.join(RUN, "strace")
        os.makedirs(d)
        nm = self.progs["nullmailer"]
        for name in PROGS:
            p = self.progs[name]
            tr = os.path.join(d, name + ".trace")
            wrap = ["/usr/bin/strace", "-f", "-q", "-ttt", "-e",
                    "trace=" + self.STRACE_SET, "-o"]
            dtrace = None
            if p is nm:
                nm.stop_daemon()
                self.settle()
                dtrace = os.path.join(d, "nullmailer-send.trace")
                nm.start_daemon(wrap=wrap + [dtrace], inner=True)
                time.sleep(0.5)
            m, s = self.sink.mesg, self.sink.sess
            self.call(p, wrap + [tr] + p.submit_argv(), stdin=self.msg2k,
                      sink=self.sink, want=m + 1)
            self.settle(self.sink, s + 1, linger=0.1)
            c = self.count_trace(tr)
            if dtrace:
                nm.stop_daemon()
                c2 = self.count_trace(dtrace)
                c["fsync"] += c2["fsync"]
                c["rename"] += c2["rename"]
            out[name] = c
            log("   %-10s fsync %d (%d before return), rename/link %d (%d)" %
                (name, c["fsync"], c["fsync_before"], c["rename"],
                 c["rename_before"]))
        if not nm.daemon:
            nm.start_daemon()
            time.sleep(0.3)
        self.results["figures"]["strace"] = out

    # ---- scenario 6: instructions (callgrind) ----------------------------

    @staticmethod
    def callgrind_total(files):
        total = 0
        for fn in files:
            with open(fn) as f:
                for line in f:
                    if line.startswith("totals:") or \
                            line.startswith("summary:"):
                        total += int(line.split()[1])
                        break
        return total

    def callgrind_wrap(self, outdir, tag):
        # --dump-before=*fork: a forked child (no exec) would otherwise
        # start with a copy of its parent's counts.  --dump-before=*execve:
        # what a process did before it exec'd would otherwise be lost.
        return ["/usr/bin/valgrind", "--tool=callgrind", "--vgdb=no", "-q",
                "--trace-children=yes", "--dump-before=*fork",
                "--dump-before=*execve",
                "--callgrind-out-file=%s/%s.%%p" % (outdir, tag)]

    def scenario_callgrind(self):
        log("6: instructions per 2 KB submission (callgrind)")
        d = os.path.join(RUN, "callgrind")
        os.makedirs(d)
        os.chmod(d, 0o1777)     # dma writes its profiles as user mail
        out = {}
        nm = self.progs["nullmailer"]
        for name in PROGS:
            p = self.progs[name]
            sub = os.path.join(d, name)
            os.makedirs(sub)
            os.chmod(sub, 0o1777)
            wrap = self.callgrind_wrap(sub, "call")
            argv = p.submit_argv()
            if name == "dma":
                # dma switches to user mail after start-up, and callgrind
                # could then not write the file it created as root: run
                # it as mail from the start (only the setuid() is skipped).
                wrap = ["/usr/bin/setpriv", "--reuid=mail", "--regid=mail",
                        "--clear-groups"] + wrap
            if p is nm:
                nm.stop_daemon()
                self.settle()
            m = self.sink.mesg
            self.call(p, wrap + argv, stdin=self.msg2k, timeout=120,
                      sink=None if p is nm else self.sink,
                      want=None if p is nm else m + 1)
            self.settle(linger=0.1)
            files = [os.path.join(sub, f) for f in os.listdir(sub)]
            call_ir = self.callgrind_total(files)
            daemon_ir = 0
            if p is nm:
                # delivery: nullmailer-send started with the message queued,
                # minus the same daemon started with an empty queue.
                runs = {}
                for tag, want in (("send", m + 1), ("idle", None)):
                    sd = os.path.join(sub, tag)
                    os.makedirs(sd)
                    nm.start_daemon(wrap=self.callgrind_wrap(sd, "daemon"))
                    if want:
                        while self.sink.mesg < want:
                            self.pump(0.05)
                            self.reap()
                    time.sleep(3.0)
                    self.settle(timeout=60)   # its protocol child is done
                    nm.stop_daemon()          # valgrind keeps the pid
                    self.settle(linger=0.1)
                    runs[tag] = self.callgrind_total(
                        [os.path.join(sd, f) for f in os.listdir(sd)])
                daemon_ir = runs["send"] - runs["idle"]
                out[name] = {"ir": call_ir + daemon_ir, "call": call_ir,
                             "delivery": daemon_ir,
                             "daemon_with_msg": runs["send"],
                             "daemon_idle": runs["idle"]}
            else:
                out[name] = {"ir": call_ir}
            log("   %-10s %s Ir" % (name, format(out[name]["ir"], ",")))
        if not nm.daemon:
            nm.start_daemon()
            time.sleep(0.3)
        # posthorn's hot spots, for the report: one profile, not cut in
        # parts (libcrypto's pthread_atfork() matches --dump-before=*fork)
        ph = self.progs["posthorn"]
        pf = os.path.join(d, "posthorn-whole.out")
        self.call(ph, ["/usr/bin/valgrind", "--tool=callgrind", "--vgdb=no",
                       "-q", "--callgrind-out-file=" + pf] + ph.submit_argv(),
                  stdin=self.msg2k, sink=self.sink, want=self.sink.mesg + 1)
        self.settle()
        ann = subprocess.run(["callgrind_annotate", "--inclusive=yes",
                              "--threshold=100", pf],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True).stdout
        rows, own = [], []
        for line in ann.splitlines():
            mm = re.match(r"\s*([\d,]+) \(\s*([\d.]+)%\)\s+(\S.*)", line)
            if not mm or "PROGRAM TOTALS" in line:
                continue
            text = "%12s %6s%%  %s" % (mm.group(1), mm.group(2),
                                       mm.group(3)[:100])
            if len(rows) < 14:
                rows.append(text)
            if "[%s]" % ph.bin in mm.group(3) and len(own) < 14:
                own.append(text)
        rows += ["", "posthorn's own functions:"] + own
        out["posthorn_hotspots"] = rows
        self.results["figures"]["callgrind"] = out

    # ---- floors ----------------------------------------------------------

    def scenario_floors(self):
        log("floors: fsynced 2 KB write, empty process start, SMTP round")
        fl = {}
        d = os.path.join(RUN, "floor")
        os.makedirs(os.path.join(d, "new"))
        data = os.urandom(2048)
        t_fs, t_dur = [], []
        for i in range(25):
            t0 = now()
            fd = os.open(os.path.join(d, "tmp%d" % i),
                         os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.write(fd, data)
            os.fsync(fd)
            t1 = now()
            os.close(fd)
            os.rename(os.path.join(d, "tmp%d" % i),
                      os.path.join(d, "new", "m%d" % i))
            dfd = os.open(os.path.join(d, "new"), os.O_RDONLY)
            os.fsync(dfd)
            os.close(dfd)
            t2 = now()
            t_fs.append(t1 - t0)
            t_dur.append(t2 - t0)
        fl["fsync_write"] = median(t_fs)
        fl["durable_enqueue"] = median(t_dur)
        for tag, argv in (("true", ["/bin/true"]),
                          ("empty", [self.probe_empty]),
                          ("empty_libs", [self.probe_libs]),
                          ("empty_nossl", [self.probe_nossl])):
            rs = [self.measured(None, argv) for _ in range(30)][5:]
            fl["start_" + tag] = median([r["ret"] - r["t0"] for r in rs])
            fl["cpu_" + tag] = median([r["cpu"] for r in rs])
            fl["rss_" + tag] = median([r["rss_max"] for r in rs])
        cg = os.path.join(RUN, "floor", "cg")
        os.makedirs(cg)
        for tag, binary in (("empty", self.probe_empty),
                            ("empty_libs", self.probe_libs),
                            ("empty_nossl", self.probe_nossl)):
            self.call(None, self.callgrind_wrap(cg, tag) + [binary])
            fl["ir_" + tag] = self.callgrind_total(
                [os.path.join(cg, f) for f in os.listdir(cg)
                 if f.startswith(tag + ".")])
        # one SMTP transaction to smtp-sink from this process
        with open(self.msg2k, "rb") as f:
            small = self.wire(f.read())
        fl["smtp_round"] = median([self.smtp_round(small)
                                   for _ in range(25)][5:])
        # the same after a pause, as a call finds the sink: on a virtual
        # machine an idle CPU halts, and waking it costs every round trip
        fl["smtp_round_idle"] = median([self.smtp_round(small, pause=0.02)
                                        for _ in range(25)][5:])
        fl["smtp_flush"] = max(self.smtp_flush(small, self.args.count)
                               for _ in range(3))
        # the big message: written and fsynced once, sent once
        with open(self.msgbig, "rb") as f:
            data = f.read()
        path = os.path.join(d, "big")
        t0 = now()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        os.close(fd)
        fl["big_write_fsync"] = now() - t0
        os.unlink(path)
        c0 = self.cpu_of(self.sink.pid)
        fl["big_smtp"] = self.smtp_round(self.wire(data))
        fl["big_sink_cpu"] = self.cpu_of(self.sink.pid) - c0
        self.settle(linger=0.1)
        self.results["figures"]["floors"] = fl

    @staticmethod
    def cpu_of(pid):
        """Seconds of CPU process pid has used so far (schedstat)."""
        total = 0
        for t in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
                total += int(f.read().split()[0])
        return total / 1e9

    @staticmethod
    def wire(data):
        """A message as it goes on the wire: CRLF, dot-stuffed."""
        data = data.replace(b"\n", b"\r\n")
        data = (b"." if data.startswith(b".") else b"") + \
            data.replace(b"\r\n.", b"\r\n..")
        return data + b".\r\n"

    def sink_session(self):
        """A session with smtp-sink, greeted and past EHLO: the socket, its
        reader and a function that reads one (multi-line) reply."""
        s = socket.create_connection(("127.0.0.1", self.sink.port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        fp = s.makefile("rb")

        def reply():
            while True:
                line = fp.readline()
                if line[3:4] != b"-":
                    return line

        reply()
        s.sendall(b"EHLO bench.example.org\r\n")
        reply()
        return s, fp, reply

    def sink_quit(self, s, fp, reply):
        s.sendall(b"QUIT\r\n")
        reply()
        fp.close()
        s.close()
        self.pump(0)

    def smtp_round(self, body, pause=0.0):
        """Seconds from connect to the 250 after the final dot (after a
        pause of that many seconds, both processes idle)."""
        if pause:
            time.sleep(pause)
        t0 = now()
        s, fp, reply = self.sink_session()
        s.sendall(b"MAIL FROM:<%s>\r\nRCPT TO:<%s>\r\nDATA\r\n"
                  % (SENDER.encode(), RCPT.encode()))
        for _ in range(3):
            reply()
        s.sendall(body)
        reply()
        t1 = now()
        self.sink_quit(s, fp, reply)
        return t1 - t0

    def smtp_flush(self, body, n):
        """Messages/s for n messages over one connection, one round trip
        each: the end of one message, then MAIL, RCPT and DATA of the next,
        in one write (RFC 2920 allows message content to start a group)."""
        s, fp, reply = self.sink_session()
        cmds = b"MAIL FROM:<%s>\r\nRCPT TO:<%s>\r\nDATA\r\n" % (
            SENDER.encode(), RCPT.encode())
        t0 = now()
        s.sendall(cmds)
        for _ in range(3):
            reply()
        for i in range(n):
            last = i == n - 1
            s.sendall(body if last else body + cmds)
            for _ in range(1 if last else 4):
                if not reply().startswith((b"250", b"354")):
                    raise BenchError("smtp-sink refused the floor run")
        t1 = now()
        self.sink_quit(s, fp, reply)
        return n / (t1 - t0)

    # ---- report ----------------------------------------------------------

    def machine(self):
        model = "?"
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) // 1024
        fs, best = "?", ""
        with open("/proc/mounts") as f:
            for line in f:
                dev, mnt, typ = line.split()[:3]
                if (WORK + "/").startswith(mnt.rstrip("/") + "/") and \
                        len(mnt) >= len(best):
                    fs, best = "%s (%s on %s)" % (typ, dev, mnt), mnt
        return {"nproc": os.cpu_count(), "cpu": model,
                "kernel": os.uname().release, "mem_mib": mem,
                "fs": fs}

    def report(self):
        F = self.results["figures"]
        A = self.args
        ph = "posthorn"
        rows = []

        def ms(x):
            return None if x is None else x * 1000

        def row(label, vals, fmt, better):
            rows.append((label, vals, fmt, better))

        sm, sq, fl, bg = F["small"], F["sequential"], F["flush"], F["big"]
        st, cg, vf, flo = F["strace"], F["callgrind"], F["verify"], F["floors"]
        row("2 KB: call returns, median (ms)",
            {n: ms(sm[n]["ret"]) for n in PROGS}, "%.2f", True)
        row("2 KB: at the sink, median (ms)",
            {n: ms(sm[n]["sink"]) for n in PROGS}, "%.2f", True)
        row("2 KB: CPU time, all processes, median (ms)",
            {n: ms(sm[n]["cpu"]) for n in PROGS}, "%.2f", True)
        row("2 KB: peak RSS, largest process (KiB)",
            {n: sm[n]["rss_max"] for n in PROGS}, "%d", True)
        row("%d sequential: messages/s (to the sink)" % A.count,
            {n: sq[n]["rate"] for n in PROGS}, "%.0f", True)
        row("%d sequential: CPU per message (ms)" % A.count,
            {n: ms(sq[n]["cpu_per_msg"]) for n in PROGS}, "%.2f", True)
        row("%d sequential: connections opened" % A.count,
            {n: sq[n]["conns"] for n in PROGS}, "%d", True)
        row("flush of %d queued: messages/s (median of %d flushes)"
            % (A.count, A.flush_rounds),
            {n: fl[n]["rate"] if fl.get(n) else None for n in PROGS},
            "%.0f", True)
        row("flush of %d queued: CPU per message (ms)" % A.count,
            {n: ms(fl[n]["cpu_per_msg"]) if fl.get(n) else None
             for n in PROGS}, "%.3f", True)
        row("flush of %d queued: connections opened" % A.count,
            {n: fl[n]["conns"] if fl.get(n) else None for n in PROGS},
            "%d", True)
        row("(filling that queue: queue-only submissions/s)",
            {n: fl[n]["fill_rate"] if fl.get(n) else None for n in PROGS},
            "%.0f", True)
        row("%d MiB: at the sink (s)" % A.big_mib,
            {n: bg[n]["sink"] for n in PROGS}, "%.2f", True)
        row("%d MiB: peak RSS, largest process (KiB)" % A.big_mib,
            {n: bg[n]["rss_max"] for n in PROGS}, "%d", True)
        row("%d MiB: CPU time, all processes (s)" % A.big_mib,
            {n: bg[n]["cpu"] for n in PROGS}, "%.2f", True)
        row("%d MiB: smtp-sink's CPU time taking it in (s)" % A.big_mib,
            {n: bg[n]["sink_cpu"] for n in PROGS}, "%.2f", False)
        row("fsync+fdatasync per submission (of them before the call returns)",
            {n: "%d (%d)" % (st[n]["fsync"], st[n]["fsync_before"])
             for n in PROGS}, "%s", False)
        row("rename+link per submission (before the call returns)",
            {n: "%d (%d)" % (st[n]["rename"], st[n]["rename_before"])
             for n in PROGS}, "%s", False)
        row("instructions per 2 KB submission, call + delivery (Ir)",
            {n: cg[n]["ir"] for n in PROGS}, "{:,}", True)
        row("content intact at aiosmtpd (2 KB, %d MiB)" % A.big_mib,
            {n: "%s, %s" % ("yes" if vf[n]["small"] else "NO",
                            "yes" if vf[n]["big"] else "NO")
             for n in PROGS}, "%s", False)

        def fmt(f, v):
            if v is None:
                return "n/a"
            return f.format(v) if f.startswith("{") else f % v

        head = ["measure"] + PROGS + ["posthorn/" + a for a in ANCHORS]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for label, vals, f, ratio in rows:
            cells = [label] + [fmt(f, vals.get(n)) for n in PROGS]
            for a in ANCHORS:
                pv, av = vals.get(ph), vals.get(a)
                ok = ratio and isinstance(pv, (int, float)) and \
                    isinstance(av, (int, float)) and av
                cells.append("%.2f×" % (pv / av) if ok else "")
            lines.append("| " + " | ".join(cells) + " |")
        table = "\n".join(lines)

        tg = []

        def target(text, value, ok, floor=""):
            tg.append("| %s | %s | %s | %s |" % (
                text, value, "met" if ok else "**not met**", floor))

        nm_sink = sm["nullmailer"]["sink"]
        r = sm[ph]["sink"] / nm_sink
        f_libs = flo["start_empty_libs"] + flo["durable_enqueue"] + \
            flo["smtp_round_idle"]
        f_libc = flo["start_empty_nossl"] + flo["durable_enqueue"] + \
            flo["smtp_round_idle"]
        target("1 message until at the sink ≤ 0.25× nullmailer's",
               "%.2f× (%.2f vs %.2f ms)" % (r, ms(sm[ph]["sink"]),
                                            ms(nm_sink)), r <= 0.25,
               "start + durable enqueue + SMTP after a pause: %.2f ms = "
               "%.2f× linked like posthorn (libresolv; libbsd static); "
               "%.2f ms = %.2f× were OpenSSL linked too"
               % (ms(f_libc), f_libc / nm_sink, ms(f_libs), f_libs / nm_sink))
        r = sm[ph]["sink"] / sm["msmtp"]["sink"]
        target("1 message until at the sink ≤ 0.15× msmtp's",
               "%.2f× (%.2f vs %.2f ms)" % (r, ms(sm[ph]["sink"]),
                                            ms(sm["msmtp"]["sink"])),
               r <= 0.15)
        target("… with fsync before the call returns",
               "%d fsyncs before it returns" % st[ph]["fsync_before"],
               st[ph]["fsync_before"] > 0)
        r = fl[ph]["rate"] / fl["dma"]["rate"]
        target("flush of %d queued: ≥ 10× dma's messages/s" % A.count,
               "%.2f× (%.0f vs %.0f/s)" % (r, fl[ph]["rate"],
                                          fl["dma"]["rate"]), r >= 10,
               "one connection, one round trip per message: %.0f/s = "
               "%.1f× dma's" % (flo["smtp_flush"],
                                flo["smtp_flush"] / fl["dma"]["rate"]))
        target("… over one connection", "%d" % fl[ph]["conns"],
               fl[ph]["conns"] == 1)
        big_rss = max(bg[ph]["rss"].values())
        target("%d MiB, plaintext: peak RSS ≤ 4 MiB in every posthorn process"
               % A.big_mib, "%d KiB" % big_rss, big_rss <= 4096,
               "an empty program linked like posthorn: %d KiB; were "
               "OpenSSL linked too: %d KiB" % (flo["rss_empty_nossl"],
                                               flo["rss_empty_libs"]))
        small_rss = max(sm[ph]["rss"].values())
        delta = big_rss - small_rss
        target("… and ≤ 256 KiB more than for a 2 KB message",
               "%+d KiB (%d vs %d)" % (delta, big_rss, small_rss),
               delta <= 256)
        bt = F.get("big_tls")
        if bt:
            base = bt["baseline"]["test CA"]
            d2 = bt["big"]["rss"] - base
            target("… with TLS: ≤ 4 MiB above an idle process holding an "
                   "OpenSSL context with the CA loaded",
                   "%+d KiB (%d vs %d)" % (d2, bt["big"]["rss"], base),
                   d2 <= 4096)
        nb = bg["nullmailer"]["sink"]
        r = bg[ph]["sink"] / nb
        f_big = flo["big_write_fsync"] + flo["big_smtp"]
        target("%d MiB: time to the sink ≤ 0.8× nullmailer's" % A.big_mib,
               "%.2f× (%.2f vs %.2f s)" % (r, bg[ph]["sink"], nb), r <= 0.8,
               "write + fsync, then one SMTP transaction: %.2f s = %.2f×; "
               "smtp-sink alone spends %.2f s of CPU taking that message in, "
               "so write + fsync + that: %.2f s = %.2f×"
               % (f_big, f_big / nb, flo["big_sink_cpu"],
                  flo["big_write_fsync"] + flo["big_sink_cpu"],
                  (flo["big_write_fsync"] + flo["big_sink_cpu"]) / nb))
        r = cg[ph]["ir"] / cg["dma"]["ir"]
        target("instructions per small submission ≤ 0.5× dma's",
               "%.2f× (%s vs %s)" % (r, format(cg[ph]["ir"], ","),
                                     format(cg["dma"]["ir"], ",")), r <= 0.5,
               "an empty program linked like posthorn: %s Ir = %.2f×; "
               "were OpenSSL linked too: %s Ir = %.2f×"
               % (format(flo["ir_empty_nossl"], ","),
                  flo["ir_empty_nossl"] / cg["dma"]["ir"],
                  format(flo["ir_empty_libs"], ","),
                  flo["ir_empty_libs"] / cg["dma"]["ir"]))
        targets = ("| target (issue 7) | measured | | the floor on this "
                   "machine |\n|---|---|---|---|\n" + "\n".join(tg))

        floors = "\n".join([
            "| floor | value |", "|---|---|",
            "| write 2 KB to a new file + fsync (the queues' file system) "
            "| %.2f ms |" % ms(flo["fsync_write"]),
            "| … + rename + fsync of the directory: a durable enqueue "
            "| %.2f ms |" % ms(flo["durable_enqueue"]),
            "| process start: /bin/true (posix_spawn + wait) | %.2f ms, "
            "CPU %.2f ms, RSS %d KiB |" % (ms(flo["start_true"]),
                                          ms(flo["cpu_true"]),
                                          flo["rss_true"]),
            "| process start: empty main(), libc only | %.2f ms, CPU %.2f ms, "
            "RSS %d KiB, %s Ir |" % (ms(flo["start_empty"]),
                                     ms(flo["cpu_empty"]), flo["rss_empty"],
                                     format(flo["ir_empty"], ",")),
            "| process start: empty main() linked with libbsd, libssl, "
            "libcrypto and libresolv (posthorn before OpenSSL was loaded on "
            "demand and libbsd linked statically) | %.2f ms, CPU %.2f ms, "
            "RSS %d KiB, %s Ir |" % (ms(flo["start_empty_libs"]),
                                     ms(flo["cpu_empty_libs"]),
                                     flo["rss_empty_libs"],
                                     format(flo["ir_empty_libs"], ",")),
            "| process start: empty main() linked like posthorn (libresolv; "
            "libbsd static, OpenSSL loaded only for TLS) | %.2f ms, CPU "
            "%.2f ms, RSS %d KiB, %s Ir |" % (ms(flo["start_empty_nossl"]),
                                              ms(flo["cpu_empty_nossl"]),
                                              flo["rss_empty_nossl"],
                                              format(flo["ir_empty_nossl"],
                                                     ",")),
            "| one SMTP transaction, 2 KB, driver → smtp-sink (connect to the "
            "250 after the dot), back to back | %.2f ms |"
            % ms(flo["smtp_round"]),
            "| … the same after a 20 ms pause, as a call finds the sink (an "
            "idle virtual CPU halts; waking it costs each round trip) | "
            "%.2f ms |" % ms(flo["smtp_round_idle"]),
            "| %d MiB: write + fsync once | %.2f s |"
            % (A.big_mib, flo["big_write_fsync"]),
            "| %d MiB: one SMTP transaction, driver → smtp-sink | %.2f s |"
            % (A.big_mib, flo["big_smtp"]),
            "| … of it, smtp-sink's own CPU time (the sink is the bottleneck "
            "when this is close to the line above) | %.2f s |"
            % flo["big_sink_cpu"],
            "| %d × 2 KB over one connection, driver → smtp-sink, one round "
            "trip each | %.0f messages/s |" % (A.count, flo["smtp_flush"]),
        ])

        rss_lines = []
        for tag, data in (("2 KB (median of the rounds)", sm),
                          ("%d MiB" % A.big_mib, bg)):
            for n in PROGS:
                rss_lines.append("| %s | %s | %s |" % (
                    tag, n, ", ".join("%s %d" % kv for kv in
                                      sorted(data[n]["rss"].items()))))
        rss_table = "| message | program | peak RSS per process (KiB) |\n" \
            "|---|---|---|\n" + "\n".join(rss_lines)

        tls_text = ""
        if bt:
            tls_text = (
                "posthorn over STARTTLS to aiosmtpd (the test CA in "
                "`tls_ca_file`): peak RSS %d KiB for 2 KB, %d KiB for %d MiB "
                "(content %s, at the sink after %.2f s); a process holding "
                "an OpenSSL client context and nothing else: %s.\n"
                % (bt["small"]["rss"], bt["big"]["rss"], A.big_mib,
                   "intact" if bt["big"]["ok"] else "DAMAGED",
                   bt["big"]["sink"],
                   ", ".join("%d KiB with the %s" % (v, k)
                             for k, v in bt["baseline"].items())))

        notes = []
        for n in PROGS:
            for scen, data in (("sequential", sq), ("flush", fl)):
                d = data.get(n)
                if not d:
                    continue
                if d.get("deferred"):
                    notes.append("- %s deferred %d deliveries in the %s run "
                                 "(see bench/work/run/dma/syslog.log)."
                                 % (n, d["deferred"], scen))
                if d["longest_gap"] > 1.0:
                    notes.append("- %s: a pause of %.1f s between two "
                                 "messages at the sink in the %s run."
                                 % (n, d["longest_gap"], scen))
            if n in F["verify"] and not (vf[n]["small"] and vf[n]["big"]):
                notes.append("- %s: the verifying sink says %s."
                             % (n, ", ".join(vf[n]["why"])))
        for n in PROGS:
            left = [s for s, d in (("sequential", sq), ("flush", fl))
                    if d.get(n) and d[n]["left"]]
            if left:
                notes.append("- %s left messages in its queue after: %s."
                             % (n, ", ".join(left)))
        anomalies = "\n".join(notes) if notes else "None detected."

        ver = "\n".join("- %s: %s" % kv for kv in self.versions.items())
        mach = self.machine()
        self.results["machine"] = mach
        self.results["versions"] = self.versions
        date = datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC")
        hot = "\n".join(cg.get("posthorn_hotspots", []))
        sizes = self.results["detail"]["msg_sizes"]
        md = f"""# posthorn benchmark results

Written by `bench/run` ({A.rounds} rounds, {A.count} messages, {A.big_mib} MiB);
`bench/README.md` says how each figure is taken.  Run it again rather than
editing this file.

- Date: {date}
- Machine: {mach['nproc']} CPUs ({mach['cpu']}), {mach['mem_mib']} MiB,
  kernel {mach['kernel']}; queues on {mach['fs']}
- Messages: {sizes['small']} bytes and {sizes['big']} bytes, to one
  recipient, relayed by every program to Postfix's smtp-sink on 127.0.0.1
  (plaintext; posthorn with `tls none`); all run as root.

Versions:
{ver}

## Side by side

Ratios are posthorn/anchor: below 1 is better for times, sizes, CPU and
counts; above 1 is better for messages/s.

{table}

## Targets

{targets}

## Floors on this machine

{floors}

## Anomalies seen in this run

{anomalies}

## Peak RSS of every process involved

"(call)" marks the process the caller started; the others are its helpers:
dma's forked delivery child, nullmailer's queue writer, protocol helper and
send daemon.

{rss_table}

{tls_text}
## Reading the table

- msmtp and dma write the message line by line with Nagle's algorithm left
  on; on loopback their final ".\\r\\n" then waits for the server's delayed
  ACK (40 ms on Linux), which is most of their 2 KB time at the sink.
  posthorn sets TCP_NODELAY and writes the whole message in one send.
- dma and nullmailer return before delivering (dma forks a child,
  nullmailer's queue writer pokes nullmailer-send), so for them "call
  returns" < "at the sink"; posthorn delivers before it returns (`-odi`).
- CPU time counts every process the call started, daemons included, in a
  cpuacct cgroup; it includes process creation and exit.

## posthorn: where the instructions go (callgrind, 2 KB, inclusive)

```
{hot}
```
"""
        with open(os.path.join(BENCH, "RESULTS.md"), "w") as f:
            f.write(md)
        with open(os.path.join(WORK, "results.json"), "w") as f:
            json.dump(self.results, f, indent=1, default=str)
        print(table)
        print()
        print(targets)
        print()
        print(floors)
        print()
        print(anomalies)
        print("\nwritten: bench/RESULTS.md, bench/work/results.json")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=25,
                    help="measured rounds of the 2 KB submission (25)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--count", type=int, default=1000,
                    help="messages in the sequential and flush runs (1000)")
    ap.add_argument("--flush-batch", type=float, default=0.0005,
                    help="seconds between reads of the sink in a flush")
    ap.add_argument("--flush-rounds", type=int, default=3,
                    help="flushes per program, the median shown (3)")
    ap.add_argument("--big-mib", type=int, default=50,
                    help="size of the big message in MiB (50)")
    ap.add_argument("--posthorn", metavar="BINARY",
                    default=os.path.join(REPO, "posthorn"),
                    help="the posthorn binary to measure (./posthorn)")
    ap.add_argument("--progs", metavar="NAME,...",
                    help="with --only: measure only these programs")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: 5 rounds, 50 messages, 5 MiB")
    ap.add_argument("--only", metavar="STEP,...",
                    help="run only these steps and print raw figures instead "
                    "of RESULTS.md (for working on the harness)")
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.warmup, args.count, args.big_mib = 5, 1, 50, 5
        args.flush_rounds = 1
    if os.geteuid() != 0:
        sys.exit("bench: run as root (bench/run checks this)")
    os.chdir(REPO)
    b = Bench(args)
    t0 = now()
    global PROGS
    if args.progs:
        if not args.only:
            sys.exit("bench: --progs needs --only (the report wants all four)")
        PROGS = [n for n in PROGS if n in args.progs.split(",")]
    steps = ["small", "sequential", "flush", "big", "big_tls", "verify",
             "strace", "callgrind", "floors"]
    only = args.only.split(",") if args.only else steps
    for s in only:
        if s not in steps:
            sys.exit("bench: --only takes %s" % ",".join(steps))
    try:
        b.setup()
        if "small" not in only:
            b.progs["nullmailer"].start_daemon()
        for s in steps:
            if s in only:
                getattr(b, "scenario_" + s)()
        if only == steps:
            b.report()
        else:
            print(json.dumps(b.results["figures"], indent=1, default=str))
    finally:
        b.teardown()
    log("done in %.0f s" % (now() - t0))


if __name__ == "__main__":
    main()
