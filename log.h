/* log.h - error reasons, syslog or file logging; the leaf module */
#ifndef POSTHORN_LOG_H
#define POSTHORN_LOG_H

#include <stddef.h>

/*
 * The reason an operation failed, filled by the callee and read by the
 * caller.  temp is 1 when the failure is worth retrying later.
 */
struct perr {
	int	temp;
	int	errnum;		/* errno of a failed system call, or 0 */
	char	msg[512];
};

/* Fill e (which may be NULL; errnum := 0) and return -1. */
int	perr_set(struct perr *e, int temp, const char *fmt, ...)
	    __attribute__((__format__(printf, 3, 4)));

/* As perr_set, appending ": strerror(errno)" and keeping errno in errnum. */
int	perr_sys(struct perr *e, int temp, const char *fmt, ...)
	    __attribute__((__format__(printf, 3, 4)));

/* snprintf for messages, where cutting a long one short is intended. */
void	str_fmt(char *buf, size_t bufsz, const char *fmt, ...)
	    __attribute__((__format__(printf, 3, 4)));

/*
 * Log to syslog (LOG_MAIL, ident "posthorn") when file is NULL, to stderr
 * when file is "-", else append to file.  May be called again to switch.
 */
void	log_init(const char *file);
void	log_info(const char *fmt, ...) __attribute__((__format__(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((__format__(printf, 1, 2)));
/* log_warn appends ": strerror(errno)". */
void	log_warn(const char *fmt, ...) __attribute__((__format__(printf, 1, 2)));

/*
 * Copy src into dst (of size dstsz, always NUL-terminated), replacing
 * control bytes, DEL and bytes >= 0x80 in peer text by '?', so that what
 * a server or a message says can be logged or printed safely.
 */
void	log_sanitize(char *dst, size_t dstsz, const char *src);

#endif
