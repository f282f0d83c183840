# posthorn - a submission-only sendmail.  `make`, `make check`, `make demo`.
#
# pkg-config runs when make reads this file, so the targets a new user types
# first (demo, check) install the packages before a recursive make (STYLE 13).

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
SPOOL_DIR ?= /var/spool/posthorn
SYSTEMDDIR ?= /lib/systemd/system
DESTDIR	?=

CC	?= cc
CFLAGS	?= -O2 -g
# OpenSSL's headers only: ossl.c dlopen()s libssl when TLS is first used.
PKGS	 = libbsd-overlay libssl libcrypto
PKG_CFLAGS != pkg-config --cflags $(PKGS) 2>/dev/null || echo -DPKGCONFIG_MISSING
PKG_LIBS   != pkg-config --libs --static libbsd-overlay 2>/dev/null
WARN	 = -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wpointer-arith -Wwrite-strings -Wvla
HARDEN	 = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
WERROR	?=
ERRFLAG	 = $(if $(filter 1 yes,$(WERROR)),-Werror)
ALL_CFLAGS  = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE $(WARN) $(ERRFLAG) $(HARDEN) \
	      $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(LDFLAGS)
# libbsd (strlcpy, strtonum, arc4random ...) is linked statically: loading
# libbsd.so and libmd.so cost every call 0.15-0.2 ms and 180,000
# instructions, a third of a submission's.  BSD_LIBS=-lbsd links it shared.
BSD_LIBS ?= -Wl,-Bstatic $(PKG_LIBS) -Wl,-Bdynamic
LIBS	 = $(BSD_LIBS) -lresolv

# Every module but main(): the unit tests and fuzzers link these.
MODULES	 = log conf addr aliases mime msg spool bounce ossl tls auth smtp \
	   resolve deliver check server
OBJS	 = $(MODULES:=.o)

all: posthorn

posthorn: sendmail.o $(OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ sendmail.o $(OBJS) $(LIBS)

%.o: %.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Unit tests: tests/unit/t_X.c links against every module.
UNIT_SRCS != ls tests/unit/t_*.c 2>/dev/null
UNIT	 = $(UNIT_SRCS:.c=)
tests/unit/t_%: tests/unit/t_%.c $(OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -I. -o $@ $< $(OBJS) $(LIBS)

unit: $(UNIT)

# ASan+UBSan: the binary and the unit tests, built apart in build-asan/.
ASAN	 = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
ASAN_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE $(WARN) $(ERRFLAG) \
	      $(PKG_CFLAGS) -O1 -g $(ASAN) -I.
ASAN_OBJS = $(addprefix build-asan/,$(OBJS))
build-asan/%.o: %.c
	@mkdir -p build-asan
	$(CC) $(ASAN_CFLAGS) -MMD -MP -c -o $@ $<
build-asan/posthorn: build-asan/sendmail.o $(ASAN_OBJS)
	$(CC) $(ASAN) -o $@ build-asan/sendmail.o $(ASAN_OBJS) $(LIBS)
build-asan/t_%: tests/unit/t_%.c $(ASAN_OBJS)
	$(CC) $(ASAN_CFLAGS) -o $@ $< $(ASAN_OBJS) $(LIBS)
asan: build-asan/posthorn $(patsubst tests/unit/%,build-asan/%,$(UNIT))

# libFuzzer targets: tests/fuzz/X.c -> tests/fuzz/fuzz_X (clang).
FUZZ_SRCS != ls tests/fuzz/*.c 2>/dev/null
FUZZ	 = $(patsubst tests/fuzz/%.c,tests/fuzz/fuzz_%,$(FUZZ_SRCS))
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -g -O1 -I. \
	      -fsanitize=address,undefined $(PKG_CFLAGS)
FUZZ_OBJS = $(addprefix build-fuzz/,$(OBJS))
build-fuzz/%.o: %.c
	@mkdir -p build-fuzz
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<
fuzz-build: $(FUZZ)
tests/fuzz/fuzz_%: tests/fuzz/%.c $(FUZZ_OBJS)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(LIBS)
fuzz: fuzz-build
	for f in $(FUZZ); do n=$${f##*/fuzz_}; mkdir -p tests/fuzz/corpus/$$n; \
	    $$f -max_total_time=$(FUZZ_SECONDS) tests/fuzz/corpus/$$n || exit 1; done
# Every corpus input once: the regression run of make check.
fuzz-corpus: fuzz-build
	for f in $(FUZZ); do n=$${f##*/fuzz_}; \
	    $$f -runs=0 tests/fuzz/corpus/$$n >/dev/null 2>&1 || \
	    { echo "fuzz corpus $$n: FAILED"; $$f -runs=0 tests/fuzz/corpus/$$n 2>&1 | tail -30; exit 1; }; \
	    echo "fuzz corpus $$n: $$(ls tests/fuzz/corpus/$$n | wc -l) inputs ok"; done

# The end-to-end tests also run under ASan+UBSan (a fast subset).
ASAN_E2E = smtp_deliver_basic smtp_rcpt_5xx smtp_starttls smtp_auth_plain \
	   smtp_no_8bitmime postfix_corpus smtp_drop_middata caller_bs_session \
	   queue_kill_random direct_basic queue_pipelined_outcomes \
	   queue_flush_retire smtp_openssl_lazy cred_auth_scram \
	   direct_flush_one_connection queue_flush_bounce_last

check: deps-check
	$(MAKE) -j2 posthorn unit
	mandoc -Tlint -W warning man/posthorn.8 man/posthorn.conf.5
	bash tests/run.sh
	$(MAKE) -j2 asan fuzz-build
	$(MAKE) fuzz-corpus
	POSTHORN=$(CURDIR)/build-asan/posthorn UNITDIR=$(CURDIR)/build-asan \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 bash tests/run.sh unit $(ASAN_E2E)

deps-check:
	sh scripts/deps.sh check
deps:
	sh scripts/deps.sh build

demo: deps-check
	$(MAKE) posthorn
	bash scripts/demo.sh

install: posthorn
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)/etc/cron.d \
	    $(DESTDIR)$(SYSTEMDDIR)
	install -m 0755 posthorn $(DESTDIR)$(SBINDIR)/posthorn
	sed 's|/usr/sbin/posthorn|$(SBINDIR)/posthorn|g' contrib/posthorn.cron \
	    > $(DESTDIR)/etc/cron.d/posthorn
	sed 's|/usr/sbin/posthorn|$(SBINDIR)/posthorn|g' \
	    contrib/posthorn-flush.service \
	    > $(DESTDIR)$(SYSTEMDDIR)/posthorn-flush.service
	install -m 0644 contrib/posthorn-flush.timer $(DESTDIR)$(SYSTEMDDIR)/
	chmod 0644 $(DESTDIR)/etc/cron.d/posthorn \
	    $(DESTDIR)$(SYSTEMDDIR)/posthorn-flush.service
	install -m 0644 man/posthorn.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 man/posthorn.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -d $(DESTDIR)$(MANDIR)/man1
	ln -sf posthorn.8 $(DESTDIR)$(MANDIR)/man8/sendmail.8
	ln -sf posthorn.8 $(DESTDIR)$(MANDIR)/man8/newaliases.8
	ln -sf ../man8/posthorn.8 $(DESTDIR)$(MANDIR)/man1/mailq.1
	install -d -m 1777 $(DESTDIR)$(SPOOL_DIR)
	chmod 1777 $(DESTDIR)$(SPOOL_DIR)

# The drop-in links at the paths callers expect (issue 5).
install-sendmail: install
	install -d $(DESTDIR)/usr/sbin $(DESTDIR)/usr/bin $(DESTDIR)/usr/lib
	ln -sf $(SBINDIR)/posthorn $(DESTDIR)/usr/sbin/sendmail
	ln -sf $(SBINDIR)/posthorn $(DESTDIR)/usr/bin/mailq
	ln -sf $(SBINDIR)/posthorn $(DESTDIR)/usr/bin/newaliases
	ln -sf $(SBINDIR)/posthorn $(DESTDIR)/usr/lib/sendmail

uninstall:
	rm -f $(DESTDIR)$(MANDIR)/man8/posthorn.8 \
	    $(DESTDIR)$(MANDIR)/man5/posthorn.conf.5 \
	    $(DESTDIR)$(MANDIR)/man8/sendmail.8 \
	    $(DESTDIR)$(MANDIR)/man8/newaliases.8 \
	    $(DESTDIR)$(MANDIR)/man1/mailq.1
	rm -f $(DESTDIR)$(SBINDIR)/posthorn $(DESTDIR)/etc/cron.d/posthorn \
	    $(DESTDIR)$(SYSTEMDDIR)/posthorn-flush.service \
	    $(DESTDIR)$(SYSTEMDDIR)/posthorn-flush.timer
	for l in /usr/sbin/sendmail /usr/bin/mailq /usr/bin/newaliases \
	    /usr/lib/sendmail; do \
	    [ "$$(readlink $(DESTDIR)$$l)" = "$(SBINDIR)/posthorn" ] && \
	    rm -f $(DESTDIR)$$l; done; true

clean:
	rm -rf posthorn *.o *.d build-asan build-fuzz $(UNIT) $(FUZZ) tests/fuzz/*.o

.PHONY: install-sendmail uninstall all unit asan fuzz fuzz-build fuzz-corpus check deps deps-check demo install clean

.PRECIOUS: build-asan/%.o build-fuzz/%.o

-include *.d build-asan/*.d build-fuzz/*.d
