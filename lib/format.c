/*
 * printf-style formatting, shared by kernel and user code.
 * See format.h for what is supported.  No floating point.
 */
#include "format.h"

#include <stdint.h>

struct spec {
	int left, zero, plus, space, alt;
	int width, prec; /* prec < 0: not given */
};

static int emit_pad(format_put_fn put, void *ctx, char c, int n)
{
	int i;
	for (i = 0; i < n; i++)
		put(ctx, c);
	return n > 0 ? n : 0;
}

/* Emit a converted number held in digits[] (reversed) with sign/prefix. */
static int emit_number(format_put_fn put, void *ctx, const struct spec *sp,
		       const char *prefix, const char *rdigits, int ndigits)
{
	int plen = 0, zeros = 0, pad, count = 0, i;
	while (prefix[plen])
		plen++;
	if (sp->prec >= 0) {
		if (sp->prec > ndigits)
			zeros = sp->prec - ndigits;
	} else if (sp->zero && !sp->left && sp->width > plen + ndigits) {
		zeros = sp->width - plen - ndigits;
	}
	pad = sp->width - plen - zeros - ndigits;
	if (!sp->left)
		count += emit_pad(put, ctx, ' ', pad);
	for (i = 0; i < plen; i++)
		put(ctx, prefix[i]);
	count += plen;
	count += emit_pad(put, ctx, '0', zeros);
	for (i = ndigits - 1; i >= 0; i--)
		put(ctx, rdigits[i]);
	count += ndigits;
	if (sp->left)
		count += emit_pad(put, ctx, ' ', pad);
	return count;
}

static int format_int(format_put_fn put, void *ctx, const struct spec *sp,
		      uintmax_t v, int negative, unsigned base, int upper,
		      int is_pointer)
{
	const char *digs = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char rd[32];
	const char *prefix = "";
	int n = 0;

	if (!(sp->prec == 0 && v == 0)) {
		do {
			rd[n++] = digs[v % base];
			v /= base;
		} while (v);
	}
	if (negative)
		prefix = "-";
	else if (sp->plus && base == 10 && !is_pointer)
		prefix = "+";
	else if (sp->space && base == 10 && !is_pointer)
		prefix = " ";
	else if ((sp->alt || is_pointer) && base == 16 && n > 0)
		prefix = upper ? "0X" : "0x";
	else if (sp->alt && base == 8 && (n == 0 || rd[n - 1] != '0'))
		prefix = "0";
	return emit_number(put, ctx, sp, prefix, rd, n);
}

int format(format_put_fn put, void *ctx, const char *fmt, va_list ap)
{
	int count = 0;

	while (*fmt) {
		struct spec sp = {0, 0, 0, 0, 0, 0, -1};
		int lng = 0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long */
		const char *start = fmt;

		if (*fmt != '%') {
			put(ctx, *fmt++);
			count++;
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = 1;
			else if (*fmt == '0')
				sp.zero = 1;
			else if (*fmt == '+')
				sp.plus = 1;
			else if (*fmt == ' ')
				sp.space = 1;
			else if (*fmt == '#')
				sp.alt = 1;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = 1;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.prec = sp.prec * 10 + (*fmt++ - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'h')
				lng--;
			else if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j')
				lng = 2;
			else
				break;
		}

		switch (*fmt) {
		case 'd':
		case 'i': {
			intmax_t v;
			if (lng >= 2)
				v = va_arg(ap, long long);
			else if (lng == 1)
				v = va_arg(ap, long);
			else if (lng == -1)
				v = (short)va_arg(ap, int);
			else if (lng <= -2)
				v = (signed char)va_arg(ap, int);
			else
				v = va_arg(ap, int);
			count += format_int(
			    put, ctx, &sp, v < 0 ? -(uintmax_t)v : (uintmax_t)v,
			    v < 0, 10, 0, 0);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			uintmax_t v;
			unsigned base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
			if (lng >= 2)
				v = va_arg(ap, unsigned long long);
			else if (lng == 1)
				v = va_arg(ap, unsigned long);
			else if (lng == -1)
				v = (unsigned short)va_arg(ap, unsigned);
			else if (lng <= -2)
				v = (unsigned char)va_arg(ap, unsigned);
			else
				v = va_arg(ap, unsigned);
			count += format_int(put, ctx, &sp, v, 0, base,
					    *fmt == 'X', 0);
			break;
		}
		case 'p':
			count += format_int(put, ctx, &sp,
					    (uintptr_t)va_arg(ap, void *), 0,
					    16, 0, 1);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			if (!sp.left)
				count += emit_pad(put, ctx, ' ', sp.width - 1);
			put(ctx, c);
			count++;
			if (sp.left)
				count += emit_pad(put, ctx, ' ', sp.width - 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len = 0, i;
			if (!s)
				s = "(null)";
			while (s[len] && (sp.prec < 0 || len < sp.prec))
				len++;
			if (!sp.left)
				count +=
				    emit_pad(put, ctx, ' ', sp.width - len);
			for (i = 0; i < len; i++)
				put(ctx, s[i]);
			count += len;
			if (sp.left)
				count +=
				    emit_pad(put, ctx, ' ', sp.width - len);
			break;
		}
		case '%':
			put(ctx, '%');
			count++;
			break;
		default:
			/* Unknown conversion: print it as written. */
			while (start <= fmt && *start) {
				put(ctx, *start++);
				count++;
			}
			if (!*fmt)
				return count;
			break;
		}
		fmt++;
	}
	return count;
}

struct bufctx {
	char *buf;
	size_t size, pos;
};

static void buf_put(void *ctx, char c)
{
	struct bufctx *b = ctx;
	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int format_buf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct bufctx b = {buf, size, 0};
	int n = format(buf_put, &b, fmt, ap);
	if (size > 0)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}
