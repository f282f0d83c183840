/*
 * fuzz target: msg_read(), the reading of what a caller pipes into
 * sendmail: line ends, the header section, -t recipients, Bcc removal,
 * qualification, the lone dot.  The first byte picks the options.  The
 * spool form written must hold no CR and end in LF (when not empty).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
fullname(void *arg)
{
	(void)arg;
	return "J\xc3\xbcrgen \"Q\" Example";
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_opts	 o;
	struct msg_info	 mi;
	struct perr	 e;
	FILE		*in, *out;
	char		 buf[4096];
	size_t		 n, total = 0;
	int		 last = '\n', c;

	if (size < 1 || size > 200000)
		return 0;
	if ((in = fmemopen((void *)(data + 1), size - 1, "r")) == NULL)
		return 0;
	if ((out = tmpfile()) == NULL) {
		fclose(in);
		return 0;
	}
	memset(&o, 0, sizeof(o));
	o.dot_ends = data[0] & 1;
	o.extract = (data[0] >> 1) & 1;
	o.rewrite_from = (data[0] >> 2) & 1;
	o.sender = (data[0] & 8) ? "" : "alice@example.org";
	o.from_addr = "alice@example.org";
	o.fullname = (data[0] & 16) ? fullname : NULL;
	o.hostname = "host.example.org";
	o.domain = "example.org";
	o.qid = "0123456789AB";
	o.uid = 1000;
	if (msg_read(in, out, &o, &mi, &e) == 0) {
		rewind(out);
		while ((n = fread(buf, 1, sizeof(buf), out)) > 0) {
			if (memchr(buf, '\r', n) != NULL)
				abort();	/* a CR reached the spool form */
			last = buf[n - 1];
			total += n;
		}
		if (total > 0 && last != '\n')
			abort();
		if ((off_t)total != mi.size)
			abort();	/* the size it reports is wrong */
		(void)c;
		msg_info_free(&mi);
	}
	fclose(in);
	fclose(out);
	return 0;
}
