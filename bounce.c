/*
 * bounce.c - the non-delivery report sent to an envelope sender.
 *
 * RFC 3464 multipart/report; report-type=delivery-status: a short human
 * part, the machine-readable message/delivery-status part (one block per
 * failed recipient, with the server's reply as Diagnostic-Code), and the
 * original message, or only its headers (RET=HDRS, -R hdrs).  The report
 * is written in spool form and queued like any message, from the null
 * sender, so it can never be bounced in turn (RFC 5321 4.5.5).
 */
#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "msg.h"
#include "spool.h"
#include "bounce.h"

/* Past this, only the headers of the original go back. */
#define BOUNCE_FULL_MAX	(10 * 1024 * 1024)

struct wr {
	FILE	*fp;
	off_t	 size, lines;
	int	 err;
};

static void
wr_puts(struct wr *w, const char *s)
{
	size_t	n = strlen(s);

	if (fwrite(s, 1, n, w->fp) != n)
		w->err = 1;
	w->size += n;
	for (; *s != '\0'; s++)
		if (*s == '\n')
			w->lines++;
}

static void
wr_printf(struct wr *w, const char *fmt, ...)
    __attribute__((__format__(printf, 2, 3)));

static void
wr_printf(struct wr *w, const char *fmt, ...)
{
	char	buf[2048];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	wr_puts(w, buf);
}

/* The status code of a reply text ("550 5.1.1 ..." -> "5.1.1"). */
static void
status_of(const char *reply, char *buf, size_t bufsz)
{
	const char	*p;
	size_t		 n;

	(void)strlcpy(buf, "5.0.0", bufsz);
	if (reply == NULL)
		return;
	for (p = reply; *p != '\0'; p++) {
		if (*p == '5' && p[1] == '.' && p[2] >= '0' && p[2] <= '9' &&
		    (p == reply || p[-1] == ' ')) {
			n = strspn(p, "0123456789.");
			if (n < bufsz && n >= 5 && (p[n] == ' ' || p[n] == '\0')) {
				memcpy(buf, p, n);
				buf[n] = '\0';
				return;
			}
		}
	}
}

int
bounce_write(FILE *out, const struct envelope *env, FILE *orig,
    const char *hostname, const char *domain, const char *qid, off_t *size,
    off_t *lines, struct perr *e)
{
	struct wr	 w = { out, 0, 0, 0 };
	char		 date[64], arrival[64], boundary[64], st[16], r[600];
	char		*line = NULL;
	size_t		 cap = 0, i;
	ssize_t		 len;
	int		 hdrs_only;

	hdrs_only = (env->dsn_ret != NULL &&
	    strcasecmp(env->dsn_ret, "hdrs") == 0) || env->size >
	    BOUNCE_FULL_MAX;
	msg_date(date, sizeof(date), time(NULL));
	msg_date(arrival, sizeof(arrival), env->created);
	(void)snprintf(boundary, sizeof(boundary), "%s.%08X/%s", qid,
	    arc4random(), hostname);

	wr_printf(&w, "Received: by %s (posthorn)\n\tid %s; %s\n", hostname,
	    qid, date);
	wr_printf(&w, "From: Mail Delivery System <MAILER-DAEMON@%s>\n",
	    domain);
	wr_printf(&w, "To: <%s>\n", env->sender);
	wr_puts(&w, "Subject: Undelivered Mail Returned to Sender\n");
	wr_printf(&w, "Date: %s\n", date);
	wr_printf(&w, "Message-ID: <%s.%08X@%s>\n", qid, arc4random(),
	    hostname);
	wr_puts(&w, "Auto-Submitted: auto-replied\nMIME-Version: 1.0\n");
	wr_printf(&w, "Content-Type: multipart/report; "
	    "report-type=delivery-status;\n\tboundary=\"%s\"\n", boundary);
	wr_puts(&w, "Content-Transfer-Encoding: 8bit\n\n");
	wr_puts(&w, "This is a MIME-encapsulated message.\n\n");

	wr_printf(&w, "--%s\nContent-Description: Notification\n"
	    "Content-Type: text/plain; charset=us-ascii\n\n", boundary);
	wr_printf(&w, "This is the mail system at host %s.\n\n"
	    "I'm sorry to have to inform you that your message could not\n"
	    "be delivered to one or more recipients. It's attached below.\n\n",
	    hostname);
	for (i = 0; i < env->nrcpts; i++) {
		if (env->rcpts[i].state != RCPT_FAILED)
			continue;
		log_sanitize(r, sizeof(r), env->rcpts[i].reply ?
		    env->rcpts[i].reply : "failed");
		wr_printf(&w, "<%s>: %s\n\n", env->rcpts[i].addr, r);
	}

	wr_printf(&w, "--%s\nContent-Description: Delivery report\n"
	    "Content-Type: message/delivery-status\n\n", boundary);
	wr_printf(&w, "Reporting-MTA: dns; %s\nX-Posthorn-Queue-ID: %s\n",
	    hostname, env->qid);
	if (env->dsn_envid != NULL)
		wr_printf(&w, "Original-Envelope-Id: %s\n", env->dsn_envid);
	wr_printf(&w, "Arrival-Date: %s\n", arrival);
	for (i = 0; i < env->nrcpts; i++) {
		if (env->rcpts[i].state != RCPT_FAILED)
			continue;
		log_sanitize(r, sizeof(r), env->rcpts[i].reply ?
		    env->rcpts[i].reply : "failed");
		status_of(r, st, sizeof(st));
		wr_printf(&w, "\nFinal-Recipient: rfc822; %s\n",
		    env->rcpts[i].addr);
		if (env->rcpts[i].orcpt != NULL)
			wr_printf(&w, "Original-Recipient: rfc822; %s\n",
			    env->rcpts[i].orcpt);
		wr_printf(&w, "Action: failed\nStatus: %s\n", st);
		wr_printf(&w, "Diagnostic-Code: smtp; %s\n", r);
	}
	wr_puts(&w, "\n");

	wr_printf(&w, "--%s\nContent-Description: %s\nContent-Type: %s\n\n",
	    boundary, hdrs_only ? "Undelivered Message Headers" :
	    "Undelivered Message", hdrs_only ? "text/rfc822-headers" :
	    "message/rfc822");
	if (fseeko(orig, 0, SEEK_SET) == -1) {
		free(line);
		return perr_sys(e, 1, "rewind the queued message");
	}
	while ((len = getline(&line, &cap, orig)) != -1) {
		if (len == 1 && line[0] == '\n' && hdrs_only)
			break;
		if (len > 0 && line[len - 1] != '\n') {
			wr_puts(&w, line);
			wr_puts(&w, "\n");
		} else
			wr_puts(&w, line);
	}
	free(line);
	if (ferror(orig))
		return perr_sys(e, 1, "read the queued message");
	wr_printf(&w, "\n--%s--\n", boundary);
	if (fflush(out) == EOF || w.err)
		return perr_sys(e, 1, "write the bounce");
	*size = w.size;
	*lines = w.lines;
	return 0;
}
