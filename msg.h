/* msg.h - read a message from a caller, fix its headers, write spool form */
#ifndef POSTHORN_MSG_H
#define POSTHORN_MSG_H

#include <sys/types.h>
#include <stdio.h>

struct perr;

struct msg_opts {
	int		 dot_ends;	/* a lone "." line ends input (no -i) */
	int		 extract;	/* -t: recipients from the headers */
	const char	*sender;	/* envelope sender, qualified; "" null */
	const char	*from_addr;	/* address for a generated From: */
	/* its display name (NULL for none), asked only when a From: is
	 * generated; fullname may be NULL */
	const char	*(*fullname)(void *arg);
	void		*fullname_arg;
	const char	*hostname;	/* Message-ID, Received */
	const char	*domain;	/* qualifies bare addresses */
	const char	*qid;		/* queue id, for Received */
	uid_t		 uid;
	int		 rewrite_from;	/* from_rewrite: From address := from_addr */
};

struct msg_info {
	char		**rcpts;	/* -t recipients, bare names kept (owned) */
	size_t		 nrcpts;
	char		*msgid;		/* Message-ID value (owned), or NULL */
	char		*from_domain;	/* the From header's domain, or NULL */
	off_t		 size;		/* bytes in spool form */
	off_t		 lines;		/* so wire size = size + lines */
	int		 has_8bit;	/* a byte >= 0x80 anywhere */
	int		 has_long;	/* a line over 998 octets */
	int		 hdr_utf8;	/* 8-bit bytes in the headers */
};

/*
 * Read a message from in (LF, CRLF or CR line ends) and write it to out in
 * spool form (LF line ends, headers fixed per SPEC 3: mbox From_ line
 * dropped, Bcc removed, bare addresses qualified, From/Date/Message-ID
 * added when missing, Received prepended, a blank line before a body that
 * starts without one).  Memory use does not grow with the body.  On bad
 * input (NUL byte, unparsable address where it matters) returns -1 with
 * e->temp 0 and e->msg naming the line; a write error has e->temp 1;
 * mi is then empty (nothing to free).
 */
int	msg_read(FILE *in, FILE *out, const struct msg_opts *o,
	    struct msg_info *mi, struct perr *e);
void	msg_info_free(struct msg_info *mi);

/* An RFC 5322 date for t in the local zone, into buf. */
void	msg_date(char *buf, size_t bufsz, time_t t);

#endif
