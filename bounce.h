/* bounce.h - delivery status notifications (RFC 3464, RFC 3462) */
#ifndef POSTHORN_BOUNCE_H
#define POSTHORN_BOUNCE_H

#include <stdio.h>

struct envelope;
struct perr;

/*
 * Write, in spool form, a multipart/report DSN to env's sender about the
 * recipients in state RCPT_FAILED, quoting orig (the queued message, read
 * from its start): whole as message/rfc822, or only its headers as
 * text/rfc822-headers when env->dsn_ret is "hdrs" (or the message is
 * large).  Returns 0, or -1 with e filled.
 */
int	bounce_write(FILE *out, const struct envelope *env, FILE *orig,
	    const char *hostname, const char *domain, const char *qid,
	    off_t *size, off_t *lines, struct perr *e);

#endif
