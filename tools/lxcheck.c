/*
 * lxcheck: compare two runs of the Linux conformance suite's runner
 * (tests/linux/lxrun.c), on the build machine, and print TAP.
 *
 *	lxcheck EXPECTED ACTUAL
 *
 * Both files are logs holding lxrun's "@lx ..." lines among anything else
 * (kernel and pager messages, "[wN] " window tags and the '\r' of a serial
 * console are ignored).  EXPECTED is the host's run, the oracle; ACTUAL the
 * run to judge.  For each case of EXPECTED, in its order, one line
 *
 *	ok N - NAME
 *	not ok N - NAME: what differs
 *
 * where the case must have the same stdout and stderr, byte for byte, and
 * the same status; a failure is followed by a short diff as "# " lines.
 * Then one line for the run as a whole (it printed "@lx done N" with the
 * same N), one for each case ACTUAL has and EXPECTED has not, and the plan
 * "1..N" last.  Exit status 0 if everything matched, 1 if not, 2 if
 * EXPECTED itself is unusable (no case, no "@lx done": the oracle did not
 * finish) or a file cannot be read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CASES 512
#define NAME_LEN 256
#define CONTEXT_LINES 3

struct buf {
	char *data;
	size_t len, cap;
};

struct result {
	char name[NAME_LEN];
	struct buf stream[2]; /* stdout, stderr, decoded */
	char status[64];      /* "exit 0", "signal 11", ... or "" */
	int bad_escape;	      /* a TEXT that does not decode */
};

struct run {
	struct result cases[MAX_CASES];
	int n;
	int done; /* the N of "@lx done N", or -1 */
};

static struct run expected, actual;
static int test_no, failures;

static void die(const char *what, const char *file)
{
	fprintf(stderr, "lxcheck: %s: %s\n", file, what);
	exit(2);
}

static void append(struct buf *b, char c)
{
	if (b->len == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 256;
		b->data = realloc(b->data, b->cap);
		if (!b->data)
			die("out of memory", "");
	}
	b->data[b->len++] = c;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Undo lxrun's escaping; 0, or -1 for a malformed TEXT. */
static int decode(const char *s, struct buf *out)
{
	while (*s) {
		if (*s != '\\') {
			append(out, *s++);
			continue;
		}
		if (s[1] == '\\' || s[1] == 'n') {
			append(out, s[1] == 'n' ? '\n' : '\\');
			s += 2;
		} else if (s[1] == 'x' && hexval(s[2]) >= 0 &&
			   hexval(s[3]) >= 0) {
			append(out, (char)(hexval(s[2]) << 4 | hexval(s[3])));
			s += 4;
		} else {
			return -1;
		}
	}
	return 0;
}

static void load(const char *file, struct run *r)
{
	FILE *f = fopen(file, "r");
	char *line = NULL, *p;
	size_t cap = 0;
	ssize_t n;
	struct result *cur = NULL;

	if (!f)
		die(strerror(errno), file);
	r->done = -1;
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		p = line;
		if (!strncmp(p, "[w", 2) && p[2] && !strncmp(p + 3, "] ", 2))
			p += 5;
		if (strncmp(p, "@lx ", 4))
			continue;
		p += 4;
		if (!strncmp(p, "case ", 5)) {
			if (r->n == MAX_CASES)
				die("too many cases", file);
			cur = &r->cases[r->n++];
			memset(cur, 0, sizeof(*cur));
			snprintf(cur->name, sizeof(cur->name), "%s", p + 5);
		} else if ((p[0] == '1' || p[0] == '2') && p[1] == ' ' && cur) {
			if (decode(p + 2, &cur->stream[p[0] - '1']))
				cur->bad_escape = 1;
		} else if (!strncmp(p, "status ", 7) && cur) {
			snprintf(cur->status, sizeof(cur->status), "%s", p + 7);
		} else if (!strncmp(p, "done ", 5)) {
			r->done = atoi(p + 5);
		}
	}
	free(line);
	fclose(f);
}

static const struct result *find(const struct run *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->cases[i].name, name))
			return &r->cases[i];
	return NULL;
}

/* ------------------------------------------------------------ diffs */

/* Line `k` (from 0) of `b`: its start and length, or -1 past the end. */
static long line_at(const struct buf *b, long k, size_t *len)
{
	size_t i = 0;

	for (; k > 0; k--) {
		const char *nl = memchr(b->data + i, '\n', b->len - i);
		if (!nl)
			return -1;
		i = (size_t)(nl - b->data) + 1;
	}
	if (i >= b->len && !(i == 0 && b->len))
		return -1;
	const char *nl = memchr(b->data + i, '\n', b->len - i);
	*len = nl ? (size_t)(nl - b->data) - i + 1 : b->len - i;
	return (long)i;
}

static void show(const char *label, const struct buf *b, long k)
{
	size_t len = 0;
	long at = line_at(b, k, &len);

	printf("#   %s ", label);
	if (at < 0) {
		printf("(no line)\n");
		return;
	}
	putchar('"');
	for (size_t i = 0; i < len && i < 160; i++) {
		unsigned char c = (unsigned char)b->data[at + (long)i];
		if (c == '\n')
			printf("\\n");
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	printf(len > 160 ? "\"...\n" : "\"\n");
}

/* The first differing line of a stream and a few after it. */
static void diff_stream(const char *what, const struct buf *want,
			const struct buf *got)
{
	size_t i = 0;
	long line = 0;

	while (i < want->len && i < got->len && want->data[i] == got->data[i]) {
		if (want->data[i] == '\n')
			line++;
		i++;
	}
	printf("# %s differs from line %ld (%zu bytes expected, %zu got):\n",
	       what, line + 1, want->len, got->len);
	for (long k = line; k < line + CONTEXT_LINES; k++) {
		size_t a, b;
		if (line_at(want, k, &a) < 0 && line_at(got, k, &b) < 0)
			break;
		printf("#  line %ld\n", k + 1);
		show("expected", want, k);
		show("     got", got, k);
	}
}

static int same(const struct buf *a, const struct buf *b)
{
	return a->len == b->len &&
	       (!a->len || !memcmp(a->data, b->data, a->len));
}

static void result(int ok, const char *name, const char *why)
{
	test_no++;
	if (ok) {
		printf("ok %d - %s\n", test_no, name);
	} else {
		failures++;
		printf("not ok %d - %s: %s\n", test_no, name, why);
	}
}

static void check_case(const struct result *want)
{
	const struct result *got = find(&actual, want->name);
	static const char *const names[2] = {"stdout", "stderr"};
	char why[128];
	int ok_out, ok_err, ok_status;

	if (!got) {
		result(0, want->name, "not run (the run ended before it)");
		return;
	}
	if (got->bad_escape) {
		result(0, want->name, "garbled output lines");
		return;
	}
	if (!got->status[0]) {
		result(0, want->name,
		       "no status: the run stopped in this case");
		return;
	}
	ok_out = same(&want->stream[0], &got->stream[0]);
	ok_err = same(&want->stream[1], &got->stream[1]);
	ok_status = !strcmp(want->status, got->status);
	if (ok_out && ok_err && ok_status) {
		result(1, want->name, NULL);
		return;
	}
	why[0] = '\0';
	if (!ok_out)
		strcat(why, ", stdout");
	if (!ok_err)
		strcat(why, ", stderr");
	if (!ok_status)
		strcat(why, ", status");
	strcat(why,
	       !ok_out + !ok_err + !ok_status > 1 ? " differ" : " differs");
	memmove(why, why + 2, strlen(why + 2) + 1);
	result(0, want->name, why);
	for (int s = 0; s < 2; s++)
		if (!same(&want->stream[s], &got->stream[s]))
			diff_stream(names[s], &want->stream[s],
				    &got->stream[s]);
	if (!ok_status)
		printf("# status: expected %s, got %s\n", want->status,
		       got->status);
}

int main(int argc, char **argv)
{
	char why[128];

	if (argc != 3) {
		fprintf(stderr, "usage: lxcheck EXPECTED ACTUAL\n");
		return 2;
	}
	load(argv[1], &expected);
	if (expected.n == 0 || expected.done != expected.n)
		die("the expected run is incomplete (no cases, or no "
		    "\"@lx done N\" for all of them)",
		    argv[1]);
	for (int i = 0; i < expected.n; i++)
		if (expected.cases[i].bad_escape ||
		    !expected.cases[i].status[0])
			die("the expected run has a garbled case", argv[1]);
	load(argv[2], &actual);
	for (int i = 0; i < expected.n; i++)
		check_case(&expected.cases[i]);
	snprintf(why, sizeof(why), "%s",
		 actual.done < 0 ? "no \"@lx done\" line: it did not finish"
				 : "it ran a different number of cases");
	result(actual.done == expected.n, "the runner finished every case",
	       why);
	for (int i = 0; i < actual.n; i++)
		if (!find(&expected, actual.cases[i].name))
			result(0, actual.cases[i].name,
			       "a case the expected run does not have");
	printf("1..%d\n", test_no);
	return failures ? 1 : 0;
}
