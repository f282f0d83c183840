/* tls.h - the byte pipe to a server: connect, TLS, reads and writes with deadlines */
#ifndef POSTHORN_TLS_H
#define POSTHORN_TLS_H

#include <sys/types.h>
#include <sys/socket.h>
#include <stddef.h>
#include <time.h>

struct perr;
struct tls_conn;

enum tls_verify {
	TLS_VERIFY_NONE = 0,	/* opportunistic: encrypt, accept any cert */
	TLS_VERIFY_CA,		/* chain to the CA store + host name */
	TLS_VERIFY_PIN		/* SHA-256 of the leaf certificate */
};

struct tls_params {
	enum tls_verify	 verify;
	const char	*servername;	/* SNI and the name checked */
	const char	*ca_file;	/* NULL: the system store */
	const unsigned char *pin;	/* 32 bytes with TLS_VERIFY_PIN */
	const char	*cert, *key;	/* client certificate, or NULL */
	int		 min_version;	/* 10, 12 or 13 */
};

/* Milliseconds from now to deadline (<= 0: passed). */
long	tls_ms_until(const struct timespec *deadline);
/* now + ms, on CLOCK_MONOTONIC. */
void	tls_deadline(struct timespec *ts, long ms);
/* The earlier of two deadlines into *a (b may be NULL). */
void	tls_deadline_min(struct timespec *a, const struct timespec *b);

/*
 * Connect to host:port (a name through getaddrinfo, or an address),
 * trying each address in turn until deadline.  family: AF_UNSPEC, AF_INET
 * or AF_INET6; bind_addr NULL or a local address.  The peer's address goes
 * to ip (of size ipsz).  NULL with e filled (e->temp 1).
 */
struct tls_conn *tls_connect(const char *host, int port, int family,
	    const char *bind_addr, const struct timespec *deadline,
	    char *ip, size_t ipsz, struct perr *e);
/* Connect to one address (direct delivery tries them one by one). */
struct tls_conn *tls_connect_addr(const struct sockaddr *sa,
	    socklen_t salen, const char *bind_addr,
	    const struct timespec *deadline, struct perr *e);

/*
 * TLS handshake as a client on an open connection, then verification per
 * p.  On -1 (e filled, e->temp 1; e->msg says why the certificate or the
 * handshake failed) the connection must be closed.
 */
int	tls_start(struct tls_conn *c, const struct tls_params *p,
	    const struct timespec *deadline, struct perr *e);

/*
 * Read one line (without CR LF) into buf; a longer line is an error.
 * Returns its length, or -1 with e filled (timeout, EOF, TLS error).
 */
ssize_t	tls_getline(struct tls_conn *c, char *buf, size_t bufsz,
	    const struct timespec *deadline, struct perr *e);
/* 1 when received bytes are waiting (pipelining trouble check). */
int	tls_pending(struct tls_conn *c);

/* Buffer n bytes for sending; flushes when the buffer fills. */
int	tls_write(struct tls_conn *c, const void *p, size_t n,
	    const struct timespec *deadline, struct perr *e);
int	tls_flush(struct tls_conn *c, const struct timespec *deadline,
	    struct perr *e);

/* "TLSv1.3" when TLS is up, else NULL; cipher name likewise. */
const char *tls_version(const struct tls_conn *c);
const char *tls_cipher(const struct tls_conn *c);
/* One line about the peer certificate (subject, issuer, verification). */
void	tls_describe(const struct tls_conn *c, char *buf, size_t bufsz);

void	tls_close(struct tls_conn *c);

#endif
