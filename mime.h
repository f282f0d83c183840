/* mime.h - make a message fit SMTP: no line over 998 octets, 7-bit on demand */
#ifndef POSTHORN_MIME_H
#define POSTHORN_MIME_H

#include <stdio.h>
#include <stddef.h>

struct perr;

#define MIME_LINE_MAX	998	/* RFC 5322 2.1.1, octets without CRLF */

#define MIME_FIX_LONG	0x01	/* re-encode parts holding long lines */
#define MIME_7BIT	0x02	/* re-encode 8-bit parts (RFC 6152 3) */

/* Called once per output line, without its line end. */
typedef int	(*mime_put_fn)(void *arg, const char *line, size_t len);

/*
 * What a message needs: has_long is 1 when some line (header or body) is
 * longer than MIME_LINE_MAX, has_8bit when some byte is >= 0x80.
 */
struct mime_info {
	int	has_long;
	int	has_8bit;
};

/*
 * Scan the message in (LF line ends, headers then an empty line then the
 * body; may lack the empty line) from its current position to EOF.
 */
int	mime_scan(FILE *in, struct mime_info *mi, struct perr *e);

/*
 * Write the message in (as for mime_scan; seekable: it is read twice) to
 * put, one line at a time, transformed according to flags:
 * - header lines longer than MIME_LINE_MAX are folded at white space;
 * - each leaf MIME part (the whole body of a single-part message, each leaf
 *   of a multipart, recursively, message/rfc822 left alone) whose
 *   Content-Transfer-Encoding is 7bit, 8bit or absent and that holds a
 *   line over MIME_LINE_MAX (MIME_FIX_LONG), or an 8-bit byte (MIME_7BIT),
 *   is re-encoded as quoted-printable (its CTE header replaced or added;
 *   a single-part message without MIME-Version gets one);
 * - a base64 or quoted-printable part with over-long lines is re-wrapped
 *   (both lossless);
 * - a binary part is left as it is unless it needs fixing (a long line,
 *   or 8-bit bytes under MIME_7BIT): then it becomes base64, as SMTP
 *   without BINARYMIME cannot carry it otherwise.
 * Everything else passes byte for byte.  Returns 0, or -1 with e filled
 * (a put failure returns -1 with whatever put left in e).
 */
int	mime_transform(FILE *in, int flags, mime_put_fn put, void *arg,
	    struct perr *e);

/*
 * Base64 (RFC 4648 4) of n octets into out, NUL-terminated, on one line:
 * 0, or -1 when out (outsz) cannot hold it.
 */
int	mime_b64_encode(const void *in, size_t n, char *out, size_t outsz);

/*
 * Decode in, strict base64 (a multiple of 4 digits, '=' only as padding
 * at the end, no white space) into out: the length, or -1 when in is not
 * base64 or outsz is too small.
 */
int	mime_b64_decode(const char *in, unsigned char *out, size_t outsz);

/*
 * What mime_transform() decides where the comment above is silent:
 * - when mime_scan() found has_long, pass MIME_FIX_LONG: without it a long
 *   line goes out unchanged, and one over MIME_PASS_MAX octets, which put
 *   would need whole in memory, fails (-1, e->temp 0);
 * - message/rfc822 may not be encoded (RFC 2046 5.2.1), so the message it
 *   holds is fixed like any other: header lines folded, leaves encoded (a
 *   single-part one gets MIME-Version);
 * - "left as it is" holds for a binary part only while it fits: binary
 *   cannot travel without BINARYMIME (RFC 3030), so one holding what flags
 *   forbid becomes base64 of its lines joined by CRLF;
 * - an unknown Content-Transfer-Encoding is taken for 8bit; a multipart
 *   claiming quoted-printable or base64 is taken for a leaf;
 * - header text is never encoded: with MIME_7BIT an 8-bit header stays as
 *   it is (it needs SMTPUTF8); a run with no white space to fold at is cut,
 *   and unfolding it gives a space where it was cut;
 * - an encoded last line without LF ends on a soft line break, so that
 *   the part decodes to exactly its octets;
 * - preamble and epilogue lines are encoded one by one when they need it.
 * The output is the input, line for line, when flags ask for nothing
 * mime_scan() found.  Memory stays near 100 KiB whatever the size of the
 * message or of a line; in is left at no particular position.
 */
#define MIME_PASS_MAX	(1024 * 1024)

#endif
