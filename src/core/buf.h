/* SPDX-License-Identifier: MIT */
/*
 * Growable byte buffers with a mandatory size cap, and borrowed string slices. A buffer that
 * would pass its cap returns ZH_ETOOBIG and is released, so a hostile input cannot make
 * zhushou allocate without bound. The data is always NUL-terminated for convenience.
 */
#ifndef ZH_BUF_H
#define ZH_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct zh_buf {
	char *data; /* owned; NUL-terminated when not NULL */
	size_t len;
	size_t cap; /* allocated */
	size_t limit; /* maximum len */
};

/* A borrowed slice: not NUL-terminated, never freed. */
typedef struct {
	const char *p;
	size_t n;
} zh_str;

/* Set up an empty buffer that may grow to limit bytes; cannot fail. */
void zh_buf_init(struct zh_buf *b, size_t limit);
/* Free the contents; the buffer is empty (and reusable) afterwards. */
void zh_buf_release(struct zh_buf *b);
/* Append n bytes; ZH_ENOMEM or ZH_ETOOBIG (buffer released) on failure. */
int zh_buf_add(struct zh_buf *b, const void *p, size_t n, struct zh_err *err);
int zh_buf_adds(struct zh_buf *b, const char *s, struct zh_err *err);
int zh_buf_printf(struct zh_buf *b, struct zh_err *err, const char *fmt, ...) ZH_FORMAT(3, 4);
/* Hand the data to the caller (free with zh_free); the buffer is empty afterwards. */
char *zh_buf_take(struct zh_buf *b);

/*
 * zhushou's private binary records (journal blobs): little-endian u32s and u32-length-prefixed
 * byte strings, appended to a buffer and read back with bounds checks.
 */
int zh_buf_add_u32(struct zh_buf *b, uint32_t v, struct zh_err *err);
int zh_buf_add_lp(struct zh_buf *b, const void *p, size_t n, struct zh_err *err);
/* zh_buf_add_lp of a NUL-terminated string (without the NUL). */
int zh_buf_adds_lp(struct zh_buf *b, const char *s, struct zh_err *err);

struct zh_reader {
	const unsigned char *p;
	size_t n;
};

/* 0, or ZH_EPARSE when the data ends too soon. */
int zh_read_u32(struct zh_reader *r, uint32_t *ret);
/* A length-prefixed string: *ret points into the data (not NUL-terminated). */
int zh_read_lp(struct zh_reader *r, const void **ret, size_t *ret_len);

zh_str zh_str_of(const char *s);
int zh_str_eq(zh_str a, zh_str b);

#endif
