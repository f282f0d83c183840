/* tap.h - the smallest test harness: CHECK(cond, name) and tap_done() */
#ifndef POSTHORN_TAP_H
#define POSTHORN_TAP_H

#include <stdio.h>
#include <string.h>

static int	tap_n, tap_failed;

#define CHECK(cond, ...) do {						\
	tap_n++;							\
	if (cond)							\
		printf("ok %d - ", tap_n);				\
	else {								\
		tap_failed++;						\
		printf("not ok %d - %s:%d: ", tap_n, __FILE__, __LINE__);\
	}								\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

#define CHECK_STR(got, want, ...) do {					\
	const char *tap_g = (got), *tap_w = (want);			\
	CHECK(tap_g != NULL && strcmp(tap_g, tap_w) == 0, __VA_ARGS__);	\
	if (tap_g == NULL || strcmp(tap_g, tap_w) != 0)			\
		printf("#   got  [%s]\n#   want [%s]\n",		\
		    tap_g ? tap_g : "(null)", tap_w);			\
} while (0)

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_failed)
		printf("# %d of %d failed\n", tap_failed, tap_n);
	return tap_failed != 0;
}

#endif
