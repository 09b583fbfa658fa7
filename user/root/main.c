/*
 * The root task: the first user program.  It finds the boot modules, reads
 * the boot manifest (docs/manifest.md), starts one container per block of
 * it with its pager (container.c), serves as the pagers' pager
 * (faults.c), and waits for every pager to finish.  Its exit powers the
 * machine off: status 0 if every container finished with status 0, else 1.
 *
 * Everything that can be checked is checked before the first container
 * starts: a bad manifest, a missing module or a bad pager image starts
 * nothing.  A container that fails while being built is taken down and
 * counted as failed; the others still run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "root.h"

static int check_all(const struct manifest *m)
{
	for (unsigned i = 0; i < m->n; i++)
		if (container_check(&containers[i], &m->c[i]))
			return -1;
	n_containers = m->n;
	return 0;
}

/* Carve each container's memory, largest first, so that aligning the big
 * blocks wastes as little of the root's untyped as can be. */
static int carve_all(void)
{
	int done[ROOT_MAX_CONTAINERS] = {0};

	for (unsigned k = 0; k < n_containers; k++) {
		struct container *c = NULL;
		long r;
		unsigned best = 0;
		for (unsigned i = 0; i < n_containers; i++)
			if (!done[i] && (!c || containers[i].spec->mem_bits >
						   c->spec->mem_bits)) {
				c = &containers[i];
				best = i;
			}
		done[best] = 1;
		if ((r = container_carve_memory(c))) {
			cptr_t u = tess_alloc_default()->untyped;
			long left = tess_remaining(u);
			root_log("container %s: its 2^%u bytes of memory: %s "
				 "(no boot untyped has room; the root's own "
				 "has %ld bytes left)",
				 c->spec->name, c->spec->mem_bits,
				 tess_strerror(r), left);
			return -1;
		}
	}
	return 0;
}

/* printf at buf[*n], never past `size`. */
static void append(char *buf, size_t size, size_t *n, const char *fmt, ...)
    PRINTF_LIKE(4, 5);

static void append(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;
	if (*n >= size)
		return;
	va_start(ap, fmt);
	*n += vsnprintf(buf + *n, size - *n, fmt, ap);
	va_end(ap);
}

static void describe(const struct container *c, char *buf, size_t size)
{
	const struct container_spec *s = c->spec;
	size_t n = 0;

	append(buf, size, &n, "pager %s, memory 2^%u, window ", s->pager,
	       s->mem_bits);
	if (s->window >= 0)
		append(buf, size, &n, "%d", s->window);
	else
		append(buf, size, &n, "none");
	append(buf, size, &n, ", caps");
	for (unsigned i = 0; i < s->n_caps; i++) {
		append(buf, size, &n, " %s", scope_names[s->cap_list[i].kind]);
		if (s->cap_list[i].cid != CAPS_OWN)
			append(buf, size, &n, "@%u", s->cap_list[i].cid);
	}
	if (!s->n_caps)
		append(buf, size, &n, " none");
	if (s->input)
		append(buf, size, &n, ", input");
	append(buf, size, &n, ", priority %u", s->prio);
	if (s->lab.on)
		append(buf, size, &n, ", layout lab");
}

static void start_all(uint32_t fault_tid)
{
	for (unsigned i = 0; i < n_containers; i++) {
		struct container *c = &containers[i];
		char what[160];
		describe(c, what, sizeof(what));
		if (container_start(c, fault_tid) == 0)
			root_log("container %s (id %u) started: thread 0x%x; "
				 "%s",
				 c->spec->name, c->spec->cid, c->tid, what);
		else
			root_log("container %s (id %u) not started",
				 c->spec->name, c->spec->cid);
	}
}

/* The priority of the least urgent running pager (the root's default if
 * none runs). */
static uint32_t lowest_prio(void)
{
	uint32_t prio = ROOT_DEFAULT_PRIO;
	int any = 0;

	for (unsigned i = 0; i < n_containers; i++)
		if (containers[i].state == CS_RUNNING &&
		    (!any || containers[i].spec->prio < prio)) {
			prio = containers[i].spec->prio;
			any = 1;
		}
	return prio;
}

/* Reap the pagers as they finish.  1 if any failed or did not start. */
static int wait_all(uint32_t fault_tid)
{
	unsigned running = 0;
	int failed = 0;

	for (unsigned i = 0; i < n_containers; i++) {
		if (containers[i].state == CS_RUNNING)
			running++;
		else
			failed = 1;
	}
	while (running) {
		struct task_ids ids;
		struct container *c;
		long r;

		memset(&ids, 0, sizeof(ids));
		ids.tid = TID_ANY;
		if ((r = tess_thread_control(THREAD_WAIT, &ids, NULL))) {
			root_log("waiting for the pagers: %s",
				 tess_strerror(r));
			return 1;
		}
		c = container_by_tid(ids.tid);
		if (!c) {
			if (ids.tid == fault_tid)
				root_log("the fault thread stopped (%d)",
					 ids.status);
			continue;
		}
		c->state = CS_FINISHED;
		c->status = ids.status;
		running--;
		root_log("container %s finished with status %d", c->spec->name,
			 ids.status);
		if (ids.status)
			failed = 1;
	}
	root_log("all containers finished");
	return failed;
}

int main(long arg)
{
	static struct manifest m;
	const struct bootinfo *bi = tess_bootinfo;
	const struct module *mf;
	uint32_t fault_tid;
	long r;

	(void)arg;
	if (!bi) {
		tess_console_write(BOOT_SLOT_CONSOLE, "root: no boot info\n",
				   19);
		return 1;
	}
	modules_init(bi);
	modules_list();
	mf = module_find("manifest");
	if (!mf) {
		root_log("no boot module named \"manifest\": nothing to start");
		return 1;
	}
	if (manifest_parse((const char *)mf->data, mf->size, &m) ||
	    check_all(&m)) {
		root_log("no container started");
		return 1;
	}
	if (carve_all()) {
		root_log("no container started");
		return 1;
	}
	if ((r = faults_start(&fault_tid))) {
		root_log("starting the fault thread: %s", tess_strerror(r));
		return 1;
	}
	start_all(fault_tid);
	if (captree_requested(bi) && (r = captree_start(lowest_prio())))
		root_log("captree: starting its thread: %s", tess_strerror(r));
	return wait_all(fault_tid);
}
