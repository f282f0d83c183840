/*
 * tests/fuzz/aliases.c - libFuzzer target for aliases.c.
 *
 * aliases_load() reads a path, so each input is written to one temporary
 * file per process, mode 0600, rewritten in place every run; "@SELF@" in
 * the input becomes that file's path, so ":include:@SELF@" reaches the
 * include file parser and its loops with the input itself.  The file is
 * loaded, its problems and summary read, and a few names expanded: fixed
 * ones, and the first names the input itself defines, with and without an
 * is_local() that claims "localhost".  What callers rely on is checked,
 * not only the absence of crashes:
 *   - found = 0 gives no address; an error gives no address;
 *   - at most ALIASES_MAX_ADDRS addresses, none twice (ASCII case aside);
 *   - every address is one addr_envelope() accepts unchanged, and one
 *     with a domain is never marked local without is_local();
 *   - every problem and warning is a non-empty line.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "addr.h"
#include "aliases.h"
#include "log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_NAMES	8		/* names taken from the input */
#define FUZZ_NAME_MAX	300		/* longer than any name may be */

static char	fuzz_path[] = "/tmp/fuzz_aliases.XXXXXX";
static int	fuzz_fd = -1;

static void
fuzz_cleanup(void)
{
	if (fuzz_fd != -1)
		(void)unlink(fuzz_path);
}

static int
fuzz_localhost(const char *addr, void *arg)
{
	const char	*d = addr_domain(addr);

	(void)arg;
	if (d == NULL)
		abort();	/* only addresses with a domain are asked */
	return strcasecmp(d, "localhost") == 0;
}

static void
fuzz_line(const char *s)
{
	if (s == NULL || *s == '\0' || strchr(s, '\n') != NULL)
		abort();
}

static void
fuzz_expand(const struct aliases *a, const char *name, int with_local)
{
	struct aliases_result	 r;
	struct perr		 e;
	char			*env;
	size_t			 i, j;
	int			 rc;

	memset(&e, 0, sizeof(e));
	rc = aliases_expand(a, name, with_local ? fuzz_localhost : NULL, NULL,
	    &r, &e);
	if (rc != 0 && rc != -1)
		abort();
	if (rc == -1 && (e.msg[0] == '\0' || r.n != 0 || r.v != NULL))
		abort();
	if (!r.found && (r.n != 0 || rc == -1))
		abort();
	if (r.n > ALIASES_MAX_ADDRS)
		abort();
	for (i = 0; i < r.n; i++) {
		if (r.v[i].addr == NULL)
			abort();
		if (!with_local && !r.v[i].local &&
		    addr_domain(r.v[i].addr) == NULL)
			abort();	/* a bare name is always local */
		if (!with_local && r.v[i].local &&
		    addr_domain(r.v[i].addr) != NULL)
			abort();	/* only is_local() makes those local */
		if ((env = addr_envelope(r.v[i].addr, 0, &e)) == NULL ||
		    strcmp(env, r.v[i].addr) != 0)
			abort();
		free(env);
		for (j = 0; j < i; j++)
			if (strcasecmp(r.v[i].addr, r.v[j].addr) == 0)
				abort();
	}
	for (i = 0; i < r.nwarn; i++)
		fuzz_line(r.warn[i]);
	aliases_result_free(&r);
	if (r.v != NULL || r.warn != NULL || r.n != 0 || r.nwarn != 0)
		abort();
}

/* Up to FUZZ_NAMES names: the text before ':' on lines that start one. */
static size_t
fuzz_names(const uint8_t *data, size_t size, char names[][FUZZ_NAME_MAX + 1])
{
	size_t	pos = 0, n = 0, k;

	while (pos < size && n < FUZZ_NAMES) {
		if (data[pos] != ' ' && data[pos] != '\t' &&
		    data[pos] != '\n' && data[pos] != '#') {
			for (k = 0; pos + k < size && k < FUZZ_NAME_MAX &&
			    data[pos + k] != ':' && data[pos + k] != '\n' &&
			    data[pos + k] != '\0'; k++)
				names[n][k] = (char)data[pos + k];
			names[n][k] = '\0';
			n++;
		}
		while (pos < size && data[pos] != '\n')
			pos++;
		pos++;
	}
	return n;
}

/*
 * Write the input, "@SELF@" replaced, then cut the file to size: a
 * truncation to 0 followed by a write makes ext4 flush the file at close
 * (auto_da_alloc), a disk write per run.
 */
static int
fuzz_write(const uint8_t *data, size_t size)
{
	const uint8_t	*p, *end = data + size;
	off_t		 off = 0;
	size_t		 n, plen = strlen(fuzz_path);

	while (data < end) {
		p = memmem(data, (size_t)(end - data), "@SELF@", 6);
		n = p != NULL ? (size_t)(p - data) : (size_t)(end - data);
		if (n > 0 && pwrite(fuzz_fd, data, n, off) != (ssize_t)n)
			return -1;
		off += (off_t)n;
		data += n;
		if (p == NULL)
			break;
		if (pwrite(fuzz_fd, fuzz_path, plen, off) != (ssize_t)plen)
			return -1;
		off += (off_t)plen;
		data += 6;
	}
	return ftruncate(fuzz_fd, off);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fixed[] = {
		"root", "postmaster", "a", "b", "user+tag", "\"x y\"",
		"Root@localhost", "+", ""
	};
	static char		 names[FUZZ_NAMES][FUZZ_NAME_MAX + 1];
	struct aliases		*a;
	struct perr		 e;
	char			 buf[8192];
	size_t			 i, n;

	if (fuzz_fd == -1) {
		if ((fuzz_fd = mkstemp(fuzz_path)) == -1 ||
		    fchmod(fuzz_fd, 0600) == -1) {
			perror("fuzz_aliases: mkstemp");
			abort();
		}
		atexit(fuzz_cleanup);
	}
	if (fuzz_write(data, size) == -1)
		abort();

	memset(&e, 0, sizeof(e));
	if ((a = aliases_load(fuzz_path, 0, &e)) == NULL) {
		/* Only running out of memory may fail a regular file. */
		if (!e.temp || memchr(e.msg, '\0', sizeof(e.msg)) == NULL)
			abort();
		return 0;
	}
	for (i = 0; i < aliases_nproblems(a); i++)
		fuzz_line(aliases_problem(a, i));
	if (aliases_problem(a, i) != NULL)
		abort();
	if (aliases_summary(a, buf, sizeof(buf)) != 0 ||
	    strncmp(buf, fuzz_path, strlen(fuzz_path)) != 0)
		abort();
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		fuzz_expand(a, fixed[i], i % 2);
	n = fuzz_names(data, size, names);
	for (i = 0; i < n; i++) {
		fuzz_expand(a, names[i], 0);
		fuzz_expand(a, names[i], 1);
	}
	aliases_free(a);
	return 0;
}
