/* smtp.h - an SMTP client session: greeting, EHLO, TLS, AUTH, transactions */
#ifndef POSTHORN_SMTP_H
#define POSTHORN_SMTP_H

#include <sys/types.h>
#include <stdio.h>
#include <time.h>

#include "tls.h"

struct perr;
struct smtp;

enum smtp_tls {
	SMTP_TLS_NONE = 0,	/* plaintext */
	SMTP_TLS_STARTTLS,	/* required: no STARTTLS is a failure */
	SMTP_TLS_IMPLICIT,	/* TLS from the first byte (port 465) */
	SMTP_TLS_MAY		/* opportunistic: STARTTLS when offered */
};

struct smtp_params {
	const char	*host;		/* name for TLS checks and logs */
	const char	*ip;		/* address connected to, for logs */
	int		 port;
	enum smtp_tls	 tls_mode;
	struct tls_params tls;
	const char	*helo;		/* our name in EHLO */
	const char	*user;		/* NULL: no AUTH */
	const char	*pass;
	const char	*auth_mech;	/* forced mechanism, or NULL */
	int		 auth_plaintext;	/* AUTH allowed without TLS */
	long		 timeout_cmd_ms;	/* 0: RFC 5321 4.5.3.2 values */
	const struct timespec *deadline;	/* over the whole session */
	int		 verbose;	/* transcript on stderr */
};

enum smtp_status {
	SMTP_OK = 0,
	SMTP_TEMP,
	SMTP_PERM
};

struct smtp_rcpt {
	const char	*addr;
	const char	*orcpt;		/* DSN ORCPT, or NULL */
	const char	*notify;	/* DSN NOTIFY, or NULL */
	enum smtp_status status;	/* out */
	int		 code;		/* out: reply code, 0 if none */
	int		 again;		/* out: 452, send in a new transaction */
	int		 at_rcpt;	/* out: the outcome is the RCPT reply */
	char		 dsn[16];	/* out: "5.1.1" */
	char		 text[512];	/* out: reply or reason, sanitised */
};

struct smtp_msg {
	const char	*from;		/* "" for the null sender */
	FILE		*data;		/* spool form, sent from its start */
	off_t		 size, lines;	/* wire size = size + lines */
	int		 body_8bit;
	int		 smtputf8;	/* an address needs it */
	const char	*ret;		/* DSN RET, or NULL */
	const char	*envid;		/* DSN ENVID, or NULL */
};

/* Why a session could not be opened: the failing reply, if any. */
struct smtp_why {
	int	code;		/* 0 for a network or TLS failure */
	char	dsn[16];	/* its enhanced status code, or "" */
};

/*
 * Open a session on the connected c (which the session then owns):
 * implicit TLS, greeting, EHLO (HELO when EHLO is refused), STARTTLS,
 * AUTH, as p says.  NULL with e and why filled.  c is closed on failure.
 */
struct smtp *smtp_open(struct tls_conn *c, const struct smtp_params *p,
	    struct smtp_why *why, struct perr *e);

/*
 * One transaction: MAIL, RCPT for each of r, DATA, the message.  Returns
 * 0 when the message was accepted for at least one recipient; r[i] says
 * for each.  -1 when no recipient got it: e says why (e->temp), r[i]
 * holds each recipient's outcome.  Afterwards smtp_usable() tells whether
 * the session can carry another transaction.  smtp_reset() sends RSET only
 * when a transaction may still be open (the server's reply to the final
 * dot, whatever it was, ends one: RFC 5321 4.1.1.4), else it does nothing.
 */
int	smtp_send(struct smtp *s, const struct smtp_msg *m,
	    struct smtp_rcpt *r, size_t nr, struct perr *e);

/*
 * smtp_send() in three steps, so that a queue run can pipeline messages
 * (RFC 2920 3.1): smtp_send_begin() writes MAIL, RCPT and DATA (with
 * PIPELINING; without, it runs them in lockstep up to the 354);
 * smtp_send_data() reads their replies, sends the message and the final
 * dot (left buffered: the next smtp_send_begin() or smtp_send_end() sends
 * it) and returns without waiting for its reply; smtp_send_end() reads
 * that reply.  With PIPELINING the next message's smtp_send_begin() may
 * come before this one's smtp_send_end(), never its smtp_send_data().
 * Each returns 0 while the transaction goes on (smtp_send_end(): the
 * message was accepted), -1 once it is over for every recipient, r[i]
 * and e filled as for smtp_send(); r and m must stay valid until the
 * transaction is over.
 */
int	smtp_send_begin(struct smtp *s, const struct smtp_msg *m,
	    struct smtp_rcpt *r, size_t nr, struct perr *e);
int	smtp_send_data(struct smtp *s, const struct smtp_msg *m,
	    struct smtp_rcpt *r, size_t nr, struct perr *e);
int	smtp_send_end(struct smtp *s, struct smtp_rcpt *r, size_t nr,
	    struct perr *e);

/* 1 when the server offered PIPELINING. */
int	smtp_pipelining(const struct smtp *s);
int	smtp_usable(const struct smtp *s);
int	smtp_reset(struct smtp *s, struct perr *e);

/* QUIT (a failure here is no delivery failure) and free. */
void	smtp_close(struct smtp *s);

/* "TLSv1.3" or NULL; "host[ip]:port"; the EHLO keywords. */
const char *smtp_tls_version(const struct smtp *s);
const char *smtp_relay(const struct smtp *s);
const char *smtp_ehlo_text(const struct smtp *s);
struct tls_conn *smtp_conn(const struct smtp *s);

#endif
