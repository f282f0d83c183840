/*
 * ossl.c - load OpenSSL on first use (see ossl.h for why).
 *
 * The library is the one whose headers this was compiled with: libssl's
 * shared-object version comes from <openssl/opensslv.h>, so a libssl of
 * another ABI is never picked up.  It is opened RTLD_LOCAL and never
 * closed; libssl brings libcrypto in as its dependency, and dlsym() on
 * libssl's handle finds both.  A missing library or symbol is a temporary
 * failure: the message stays queued and the log says what to install.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

#include <openssl/opensslv.h>

#include "log.h"
#include "ossl.h"

#define OSSL_STR(x)	#x
#define OSSL_XSTR(x)	OSSL_STR(x)
#define OSSL_LIBSSL	"libssl.so." OSSL_XSTR(OPENSSL_SHLIB_VERSION)

static const struct {
	const char	*name;
	size_t		 off;
} symbols[] = {
#define OSSL_SYMBOL(name)	{ #name, offsetof(struct ossl, name) },
	OSSL_FUNCTIONS(OSSL_SYMBOL)
#undef OSSL_SYMBOL
};

static struct ossl	 loaded;
const struct ossl	*ossl;

int
ossl_load(struct perr *e)
{
	const char	*err;
	void		*h, *sym;
	size_t		 i;

	if (ossl != NULL)
		return 0;
	if ((h = dlopen(OSSL_LIBSSL, RTLD_LAZY | RTLD_LOCAL)) == NULL) {
		err = dlerror();
		return perr_set(e, 1, "TLS needs OpenSSL's %s (Debian: libssl3): "
		    "%s", OSSL_LIBSSL, err != NULL ? err : "cannot load it");
	}
	for (i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		if ((sym = dlsym(h, symbols[i].name)) == NULL)
			return perr_set(e, 1, "%s has no %s: not the OpenSSL "
			    "posthorn was built for", OSSL_LIBSSL,
			    symbols[i].name);
		/* a function pointer stored as POSIX dlsym() promises */
		memcpy((char *)&loaded + symbols[i].off, &sym, sizeof(sym));
	}
	ossl = &loaded;
	return 0;
}
