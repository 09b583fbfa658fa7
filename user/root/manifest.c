/*
 * The boot manifest: which containers to start, and how.  The format is in
 * docs/manifest.md; in short, a block per container:
 *
 *	container demo
 *		id 2
 *		pager demo
 *		memory 4M
 *		window 2
 *		caps ipc
 *		input yes
 *
 * The manifest is untrusted text: every line is checked, and anything the
 * parser does not understand is an error naming the line, never a guess.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "root.h"

#define LINE_MAX_LEN 320
#define MAX_WORDS 16
#define NUM_WINDOWS (BOOT_SLOT_WINDOW2 - BOOT_SLOT_WINDOW0 + 1)

const char *const scope_names[SK_COUNT] = {"ipc", "tctrl", "exregs", "capctrl",
					   "mutex"};
const uint32_t scope_types[SK_COUNT] = {CAP_IPC, CAP_TCTRL, CAP_EXREGS,
					CAP_CAPCTRL, CAP_MUTEX};

/* One line, split into words; `rest` is the text after the first word. */
struct line {
	unsigned no;
	char buf[LINE_MAX_LEN];
	char raw[LINE_MAX_LEN];
	char *word[MAX_WORDS];
	unsigned n;
	const char *rest;
};

static int bad(unsigned line, const char *fmt, ...) PRINTF_LIKE(2, 3);

static int bad(unsigned line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		root_log("manifest line %u: %s", line, msg);
	else
		root_log("manifest: %s", msg);
	return -1;
}

/* ------------------------------------------------------------ values */

/* A number, decimal or 0x hexadecimal, at most `max`.  0 or -1. */
static int parse_number(const char *s, uint64_t max, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2]) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -1;
		if (d > max || v > (max - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* A size: a number with an optional K, M or G; a power of two. */
static int parse_size(const char *s, unsigned *bits)
{
	char num[24];
	size_t len = strlen(s);
	unsigned shift = 0;
	uint64_t v;

	if (len == 0 || len >= sizeof(num))
		return -1;
	switch (s[len - 1]) {
	case 'K':
	case 'k':
		shift = 10;
		len--;
		break;
	case 'M':
	case 'm':
		shift = 20;
		len--;
		break;
	case 'G':
	case 'g':
		shift = 30;
		len--;
		break;
	}
	memcpy(num, s, len);
	num[len] = '\0';
	if (parse_number(num, 1ull << (UNTYPED_MAX_BITS - shift), &v) ||
	    v == 0 || (v & (v - 1)))
		return -1;
	*bits = (unsigned)__builtin_ctzll(v) + shift;
	return 0;
}

static int good_name(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		      *s == '.'))
			return 0;
	return 1;
}

/* ------------------------------------------------------------ keys */

static int one_word(const struct line *l)
{
	if (l->n != 2)
		return bad(l->no, "'%s' takes one value, not %u", l->word[0],
			   l->n - 1);
	return 0;
}

static int key_id(struct container_spec *c, const struct line *l)
{
	uint64_t v;
	if (one_word(l))
		return -1;
	if (parse_number(l->word[1], ~0ull, &v) || v < 1 || v > CID_MAX)
		return bad(l->no,
			   "container id '%s' is not a number from 1 to %d "
			   "(0 is the root's)",
			   l->word[1], CID_MAX);
	c->cid = (uint32_t)v;
	return 0;
}

static int key_pager(struct container_spec *c, const struct line *l)
{
	if (one_word(l))
		return -1;
	if (strlen(l->word[1]) >= sizeof(c->pager))
		return bad(l->no, "module name '%s' is too long", l->word[1]);
	strcpy(c->pager, l->word[1]);
	return 0;
}

static int key_memory(struct container_spec *c, const struct line *l)
{
	if (one_word(l))
		return -1;
	if (parse_size(l->word[1], &c->mem_bits) ||
	    c->mem_bits < UNTYPED_MIN_BITS)
		return bad(l->no,
			   "memory '%s' is not a power of two from 4K to "
			   "2^%d bytes (e.g. 64M)",
			   l->word[1], UNTYPED_MAX_BITS);
	return 0;
}

static int key_window(struct container_spec *c, const struct line *l)
{
	uint64_t v;
	if (one_word(l))
		return -1;
	if (parse_number(l->word[1], ~0ull, &v) || v >= NUM_WINDOWS)
		return bad(l->no, "window '%s' is not 0, 1 or 2", l->word[1]);
	c->window = (int)v;
	return 0;
}

/* `caps KIND KIND@CID ...`: KIND over the container's own id, KIND@CID
 * over container CID; granted in this order. */
static int key_caps(struct container_spec *c, const struct line *l)
{
	if (l->n < 2)
		return bad(l->no,
			   "'caps' names no capability (leave the line out "
			   "for none)");
	if (l->n - 1 > ROOT_MAX_CAPS)
		return bad(l->no, "%u capabilities; at most %d", l->n - 1,
			   ROOT_MAX_CAPS);
	for (unsigned i = 1; i < l->n; i++) {
		char name[16];
		const char *at = strchr(l->word[i], '@');
		size_t len =
		    at ? (size_t)(at - l->word[i]) : strlen(l->word[i]);
		uint32_t cid = CAPS_OWN;
		unsigned k = 0;
		if (len < sizeof(name)) {
			memcpy(name, l->word[i], len);
			name[len] = '\0';
			while (k < SK_COUNT && strcmp(name, scope_names[k]))
				k++;
		} else {
			k = SK_COUNT;
		}
		if (k == SK_COUNT)
			return bad(l->no,
				   "unknown capability '%s' (ipc tctrl exregs "
				   "capctrl mutex, each optionally @ID)",
				   l->word[i]);
		if (at) {
			uint64_t v;
			if (parse_number(at + 1, CID_MAX, &v))
				return bad(l->no,
					   "'%s': the container id after '@' "
					   "is not 0 to %d",
					   l->word[i], CID_MAX);
			cid = (uint32_t)v;
		}
		for (unsigned j = 0; j < c->n_caps; j++)
			if (c->cap_list[j].kind == k &&
			    c->cap_list[j].cid == cid)
				return bad(l->no, "capability '%s' named twice",
					   l->word[i]);
		c->cap_list[c->n_caps++] = (struct cap_entry){k, cid};
		if (cid == CAPS_OWN)
			c->caps |= 1u << k;
	}
	return 0;
}

static int key_modules(struct container_spec *c, const struct line *l)
{
	if (l->n < 2)
		return bad(l->no, "'%s' names no module", l->word[0]);
	if (l->n - 1 > PAGER_MAX_MODULES)
		return bad(l->no, "%u modules; a pager takes at most %d",
			   l->n - 1, PAGER_MAX_MODULES);
	for (unsigned i = 1; i < l->n; i++) {
		if (strlen(l->word[i]) >= sizeof(c->modules[0]))
			return bad(l->no, "module name '%s' is too long",
				   l->word[i]);
		for (unsigned j = 0; j < c->n_modules; j++)
			if (!strcmp(c->modules[j], l->word[i]))
				return bad(l->no, "module '%s' named twice",
					   l->word[i]);
		strcpy(c->modules[c->n_modules++], l->word[i]);
	}
	return 0;
}

static int key_args(struct container_spec *c, const struct line *l)
{
	size_t len = strlen(l->rest);
	if (len >= sizeof(c->args))
		return bad(l->no, "args is %zu bytes long; at most %zu", len,
			   sizeof(c->args) - 1);
	memcpy(c->args, l->rest, len + 1);
	return 0;
}

static int key_priority(struct container_spec *c, const struct line *l)
{
	uint64_t v;
	if (one_word(l))
		return -1;
	if (parse_number(l->word[1], ~0ull, &v) || v > 255)
		return bad(l->no, "priority '%s' is not a number from 0 to 255",
			   l->word[1]);
	c->prio = (uint32_t)v;
	return 0;
}

static int key_input(struct container_spec *c, const struct line *l)
{
	if (one_word(l))
		return -1;
	if (strcmp(l->word[1], "yes") && strcmp(l->word[1], "no"))
		return bad(l->no, "input '%s' is not yes or no", l->word[1]);
	c->input = !strcmp(l->word[1], "yes");
	return 0;
}

static int key_colour(struct container_spec *c, const struct line *l)
{
	uint64_t v;
	if (one_word(l))
		return -1;
	if (parse_number(l->word[1], ~0ull, &v) || v < 1 || v > 255)
		return bad(l->no,
			   "colour '%s' is not a VGA attribute from 1 to 255",
			   l->word[1]);
	c->colour = (uint8_t)v;
	return 0;
}

/* The options of `layout lab`: each at most once, with its values. */
enum { LAB_NOCONSOLE, LAB_PERMS, LAB_TIMER, LAB_OPTIONS };
static const struct {
	const char *name;
	unsigned values;
} lab_options[LAB_OPTIONS] = {
    {"noconsole", 0},
    {"perms", 1},
    {"timer", 2},
};

static int lab_option(struct lab_layout *lab, unsigned opt,
		      const struct line *l, unsigned i)
{
	uint64_t v, bits;

	switch (opt) {
	case LAB_NOCONSOLE:
		lab->noconsole = 1;
		return 0;
	case LAB_PERMS:
		if (parse_number(l->word[i], ~0ull, &v) || v < 1 ||
		    v > RIGHT_WINDOW_ALL)
			return bad(l->no,
				   "window perms '%s' are not 1 to 7 "
				   "(CAN_putchar 1, CAN_setAttr 2, CAN_cls 4)",
				   l->word[i]);
		lab->perms = (unsigned)v;
		return 0;
	default:
		if (parse_number(l->word[i], ~0ull, &v) ||
		    v <= LAB_SLOT_UNTYPED || v >= LAB_SLOTS)
			return bad(l->no, "timer slot '%s' is not 4 to 255",
				   l->word[i]);
		if (parse_number(l->word[i + 1], ~0ull, &bits) || bits > 63)
			return bad(l->no, "timer bits '%s' are not 0 to 63",
				   l->word[i + 1]);
		lab->timer_slot = (unsigned)v;
		lab->timer_bits = (unsigned)bits;
		return 0;
	}
}

/* layout tessera | lab [noconsole] [perms N] [timer SLOT BITS]: the
 * capability slots its pager finds (pager.h: PAGER_* or LAB_*). */
static int key_layout(struct container_spec *c, const struct line *l)
{
	struct lab_layout *lab = &c->lab;
	unsigned seen = 0;

	if (l->n == 2 && !strcmp(l->word[1], "tessera"))
		return 0;
	if (l->n < 2 || strcmp(l->word[1], "lab"))
		return bad(l->no, "layout is 'tessera' or 'lab [noconsole] "
				  "[perms N] [timer SLOT BITS]'");
	lab->on = 1;
	lab->perms = CAN_setAttr | CAN_putchar;
	for (unsigned i = 2; i < l->n;) {
		unsigned opt = 0;
		while (opt < LAB_OPTIONS &&
		       strcmp(l->word[i], lab_options[opt].name))
			opt++;
		if (opt == LAB_OPTIONS || (seen & (1u << opt)) ||
		    i + lab_options[opt].values >= l->n)
			return bad(l->no,
				   "layout lab: '%s' is not 'noconsole', "
				   "'perms N' or 'timer SLOT BITS' (each at "
				   "most once)",
				   l->word[i]);
		seen |= 1u << opt;
		if (lab_option(lab, opt, l, i + 1))
			return -1;
		i += 1 + lab_options[opt].values;
	}
	return 0;
}

/* The keys; the required ones (id, pager, memory) first, in this order:
 * end_block checks their bits in `given`. */
static const struct {
	const char *name;
	int (*parse)(struct container_spec *c, const struct line *l);
} keys[] = {
    {"id", key_id},	    {"pager", key_pager},
    {"memory", key_memory}, {"window", key_window},
    {"caps", key_caps},	    {"modules", key_modules},
    {"args", key_args},	    {"priority", key_priority},
    {"colour", key_colour}, {"layout", key_layout},
    {"input", key_input},
};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))
#define N_REQUIRED 3

/* ------------------------------------------------------------ blocks */

static int start_block(struct manifest *m, const struct line *l)
{
	struct container_spec *c;

	if (l->n != 2)
		return bad(l->no, "expected 'container NAME'");
	if (strlen(l->word[1]) >= sizeof(c->name) || !good_name(l->word[1]))
		return bad(l->no,
			   "container name '%s': use at most %zu letters, "
			   "digits, '_', '-' or '.'",
			   l->word[1], sizeof(c->name) - 1);
	if (m->n == ROOT_MAX_CONTAINERS)
		return bad(l->no, "more than %d containers",
			   ROOT_MAX_CONTAINERS);
	c = &m->c[m->n++];
	memset(c, 0, sizeof(*c));
	strcpy(c->name, l->word[1]);
	c->line = l->no;
	c->window = -1;
	c->prio = ROOT_DEFAULT_PRIO;
	return 0;
}

/* The last block is complete: required keys given, nothing shared with
 * an earlier block that must be unique. */
static int end_block(struct manifest *m)
{
	static const uint8_t colours[] = {0x0b, 0x0e, 0x0a, 0x0d,
					  0x0c, 0x09, 0x0f};
	struct container_spec *c = &m->c[m->n - 1];

	for (unsigned k = 0; k < N_REQUIRED; k++)
		if (!(c->given & (1u << k)))
			return bad(c->line, "container %s has no '%s' line",
				   c->name, keys[k].name);
	for (unsigned i = 0; i + 1 < m->n; i++) {
		const struct container_spec *o = &m->c[i];
		if (!strcmp(o->name, c->name))
			return bad(c->line, "a second container named %s",
				   c->name);
		if (o->cid == c->cid)
			return bad(c->line,
				   "containers %s and %s both have id %u",
				   o->name, c->name, c->cid);
		if (c->window >= 0 && o->window == c->window)
			return bad(c->line,
				   "containers %s and %s both have window %d",
				   o->name, c->name, c->window);
		if (c->input && o->input)
			return bad(c->line,
				   "containers %s and %s both have the input",
				   o->name, c->name);
	}
	if (c->input && c->lab.on)
		return bad(c->line,
			   "container %s: the lab layout has no slot for the "
			   "input",
			   c->name);
	if (!c->colour)
		c->colour = colours[(c->cid - 1) % sizeof(colours)];
	return 0;
}

static int do_key(struct manifest *m, const struct line *l)
{
	/* "module" is another spelling of "modules" */
	const char *key = strcmp(l->word[0], "module") ? l->word[0] : "modules";
	struct container_spec *c;
	unsigned k = 0;

	while (k < N_KEYS && strcmp(key, keys[k].name))
		k++;
	if (k == N_KEYS)
		return bad(l->no, "unknown key '%s'", l->word[0]);
	if (m->n == 0)
		return bad(l->no, "'%s' before the first 'container' line",
			   l->word[0]);
	c = &m->c[m->n - 1];
	if (c->given & (1u << k))
		return bad(l->no, "a second '%s' line for container %s",
			   l->word[0], c->name);
	c->given |= 1u << k;
	return keys[k].parse(c, l);
}

/* ------------------------------------------------------------ lines */

/* Copy line `no` ([s, s+len)) into `l` and split it into words. */
static int split(const char *s, size_t len, unsigned no, struct line *l)
{
	char *p;

	if (len && s[len - 1] == '\r')
		len--;
	if (len >= LINE_MAX_LEN)
		return bad(no, "longer than %d characters", LINE_MAX_LEN - 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return bad(no, "control character 0x%02x", ch);
	}
	l->no = no;
	memcpy(l->buf, s, len);
	l->buf[len] = '\0';
	memcpy(l->raw, l->buf, len + 1);
	l->n = 0;
	p = l->buf;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (l->n == MAX_WORDS)
			return bad(no, "more than %d words", MAX_WORDS);
		l->word[l->n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	/* rest: the raw text after the first word, blanks trimmed */
	if (l->n) {
		char *r = l->raw + (l->word[0] - l->buf) + strlen(l->word[0]);
		char *e = l->raw + len;
		while (*r == ' ' || *r == '\t')
			r++;
		while (e > r && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		l->rest = r;
	}
	return 0;
}

/* A NUL anywhere means this is no text file: say so before anything
 * else (a binary file's "lines" would give stranger complaints). */
static int check_text(const char *text, uint64_t size)
{
	const char *nul = memchr(text, '\0', size);
	unsigned no = 1;

	if (!nul)
		return 0;
	for (const char *p = text; p < nul; p++)
		no += *p == '\n';
	return bad(no, "a NUL byte: the manifest must be text");
}

int manifest_parse(const char *text, uint64_t size, struct manifest *m)
{
	static struct line l;
	uint64_t pos = 0;
	unsigned no = 0;

	memset(m, 0, sizeof(*m));
	if (check_text(text, size))
		return -1;
	while (pos < size) {
		uint64_t end = pos;
		while (end < size && text[end] != '\n')
			end++;
		if (split(text + pos, end - pos, ++no, &l))
			return -1;
		pos = end + 1;
		if (l.n == 0 || l.word[0][0] == '#')
			continue;
		if (!strcmp(l.word[0], "container")) {
			if ((m->n && end_block(m)) || start_block(m, &l))
				return -1;
		} else if (do_key(m, &l)) {
			return -1;
		}
	}
	if (m->n == 0)
		return bad(0, "no container: nothing to start");
	return end_block(m);
}
