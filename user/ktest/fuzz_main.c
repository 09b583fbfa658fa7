/*
 * The fuzzing campaign (see fuzz.h): ktest's mode when the kernel command
 * line says "fuzz calls=N seed=S [show=K] [trace=1]".
 *
 * It checks the debug_coverage call, builds the world, and then, until N
 * calls have been made: takes a program from the corpus and mutates it
 * (or, one time in ten and while the corpus is empty, generates one),
 * takes back what the last program made, runs it, and keeps it in the
 * corpus if the kernel reached an edge it had never reached.  Every
 * program's pools must come back whole; at the end everything the
 * campaign made is revoked and the arena Untyped must be whole again,
 * and the root task must still work.  A failure of the kernel itself
 * (panic, broken invariant, hang) stops the machine: the runner
 * (tools/fuzz.sh) reports it with the seed.  "show=K" prints program K
 * before it runs, "trace=1" every program (both change the timing, see
 * docs/fuzzing.md).
 */
#include <stddef.h>
#include <stdlib.h>

#include "ktest.h"
#include "fuzz.h"

#define FZ_CORPUS 256
#define FZ_CORPUS_VA 0x00000c0000000000ul
#define FZ_CORPUS_PAGES ((FZ_CORPUS * sizeof(struct fz_prog) + 4095) / 4096)
#define FZ_GENERATE_ONE_IN 10

static struct fz_prog *corpus; /* mapped after the world is built */
static cptr_t corpus_pages[FZ_CORPUS_PAGES];
static unsigned corpus_n;

static uint64_t cmd_number(const char *cmd, const char *key, uint64_t def)
{
	const char *p = strstr(cmd, key);
	if (!p)
		return def;
	return strtoul(p + strlen(key), NULL, 0);
}

/* The corpus lives in pages of our own, mapped after the worker spaces
 * were copied from ours (so they are not copied with them). */
static long corpus_map(void)
{
	long r;
	for (unsigned i = 0; i < FZ_CORPUS_PAGES; i++)
		if ((r = tess_new_page_at(ka, SPACE_SELF,
					  FZ_CORPUS_VA + i * 4096ul,
					  &corpus_pages[i])))
			return r;
	corpus = (struct fz_prog *)FZ_CORPUS_VA;
	return 0;
}

static void corpus_unmap(void)
{
	for (unsigned i = 0; i < FZ_CORPUS_PAGES; i++)
		if (corpus_pages[i])
			tess_delete(ka, corpus_pages[i]);
}

static void corpus_add(struct fz_rng *r, const struct fz_prog *p)
{
	if (corpus_n < FZ_CORPUS)
		corpus[corpus_n++] = *p;
	else
		corpus[fz_below(r, FZ_CORPUS)] = *p;
}

/* COVERAGE_READ's map has as many counters that are not 0 as
 * COVERAGE_EDGES says (give or take the edges of the calls between). */
static int map_agrees(unsigned char *map, long size, const char *what)
{
	long before =
	    tess_debug_coverage(BOOT_SLOT_DEBUG, COVERAGE_EDGES, NULL, 0);
	long n = tess_debug_coverage(BOOT_SLOT_DEBUG, COVERAGE_READ, map, size);
	long after =
	    tess_debug_coverage(BOOT_SLOT_DEBUG, COVERAGE_EDGES, NULL, 0);
	long seen = 0;
	for (long i = 0; i < n; i++)
		seen += map[i] != 0;
	tap_ok(n > 0 && n <= size && seen >= before && seen <= after,
	       "%s (%ld counters, %ld edges)", what, n, seen);
	return 0;
}

/* debug_coverage, on this kernel (kfuzz): 0 if it reports coverage.  The
 * reset comes first: in a `make coverage` build the counters are also
 * gcov's, and what ran before a reset is not counted. */
static int check_coverage_call(void)
{
	unsigned char map[8192];
	long edges =
	    tess_debug_coverage(BOOT_SLOT_DEBUG, COVERAGE_EDGES, NULL, 0);
	if (!tap_ok(edges > 0, "the kernel reports its edges (%ld so far)",
		    edges)) {
		tap_diag("fuzz: this needs the kfuzz kernel (got %s)",
			 tess_strerror(edges));
		return -1;
	}
	tap_eq(tess_debug_coverage(BOOT_SLOT_DEBUG, COVERAGE_RESET, NULL, 0), 0,
	       "COVERAGE_RESET");
	long after =
	    tess_debug_coverage(BOOT_SLOT_DEBUG, COVERAGE_EDGES, NULL, 0);
	tap_ok(after >= 0 && after < edges,
	       "after COVERAGE_RESET the map starts again (%ld edges)", after);
	tap_eq(tess_debug_coverage(BOOT_SLOT_DEBUG, COVERAGE_READ,
				   (void *)0x1000, 16),
	       -E_FAULT, "COVERAGE_READ into unmapped memory is E_FAULT");
	tap_eq(
	    tess_debug_coverage(BOOT_SLOT_DEBUG, COVERAGE_CHECK + 1, NULL, 0),
	    -E_INVAL, "an unknown debug_coverage operation is E_INVAL");
	tap_eq(
	    tess_debug_coverage(BOOT_SLOT_DEBUG, COVERAGE_TRUST, (void *)2, 0),
	    -E_INVAL, "COVERAGE_TRUST takes 0 or 1");
	tap_eq(tess_debug_coverage(BOOT_SLOT_DEBUG, COVERAGE_CHECK, NULL, 0), 0,
	       "COVERAGE_CHECK: the kernel's state holds");
	tap_eq(tess_debug_coverage(BOOT_SLOT_TIMER, COVERAGE_EDGES, NULL, 0),
	       -E_CAPTYPE, "debug_coverage needs the Debug capability");
	return map_agrees(map, sizeof(map),
			  "COVERAGE_READ copies the edge map");
}

/* A program whose call makes the kernel write over the workers' call
 * counts in the control page (time() with its struct there: the count
 * becomes the wall-clock seconds) is counted as the one call it made,
 * and said to have written there.  The campaign once took its count from
 * that page: a count gone back by far printed no progress for many
 * minutes (seed 20261202, docs/fuzzing.md). */
static int check_overwritten(void)
{
	struct fz_prog p;
	int leaked = 0, stuck = 0;
	memset(&p, 0, sizeof(p));
	p.n = 1;
	p.c[0].nr = SYS_time;
	p.c[0].worker = 0;
	p.c[0].val[0] = FZ_CTL_VA + offsetof(struct fz_ctl, calls);
	p.c[0].val[1] = TIME_REALTIME;
	uint64_t calls = fz_world_calls();
	long r = fz_world_run(&p, FZ_CHECK_SEQ, &stuck);
	tap_ok(r == 0 && stuck == 0 && fz_world_calls() == calls + 1 &&
		   fz_world_overwritten() == 1,
	       "a call that writes over the control page's call counts is "
	       "counted once (%lu calls, %lu overwritten)",
	       (unsigned long)(fz_world_calls() - calls),
	       (unsigned long)fz_world_overwritten());
	return tap_eq(fz_world_reset(&p, &leaked) | leaked, 0,
		      "the world is reset after it")
		   ? 0
		   : -1;
}

/* Workers that finished a program are seen to have finished whatever a
 * call wrote over the control page: their word for it is in a page of
 * its own (FZ_RUN_VA).  A getid with its struct on the control page's
 * start once made two finished workers look stuck (seed 20261202,
 * docs/fuzzing.md). */
static int check_done_apart(void)
{
	struct fz_prog p;
	int leaked = 0, stuck = 0;
	memset(&p, 0, sizeof(p));
	p.n = 4;
	p.c[0].nr = p.c[1].nr = p.c[2].nr = SYS_null;
	p.c[0].worker = 0;
	p.c[1].worker = 3;
	p.c[2].worker = 4;
	p.c[3].nr = SYS_getid;
	p.c[3].worker = 5;
	p.c[3].val[0] = FZ_CTL_VA;
	long r = fz_world_run(&p, FZ_CHECK_SEQ - 1, &stuck);
	tap_ok(r == 0 && stuck == 0,
	       "a call that writes over the control page leaves no worker "
	       "looking stuck");
	return tap_eq(fz_world_reset(&p, &leaked) | leaked, 0,
		      "the world is reset after it")
		   ? 0
		   : -1;
}

static void exit_with(uint64_t status, uint64_t a1, uint64_t a2)
{
	tess_exit((int)status);
}

/* What the root task can still do after the campaign: a thread made,
 * run and reaped, and the workers' container id free again. */
static void check_after(void)
{
	static char stack[4096] __attribute__((aligned(16)));
	struct kt_thread t = {0, 0};
	int status = -1;
	cptr_t c;
	tap_ok(kt_spawn(&t, exit_with, stack, sizeof(stack), 7, 0, 0) == 0 &&
		   kt_reap(t.tid, &status) == 0 && status == 7,
	       "the root task makes, runs and reaps a thread afterwards");
	kt_destroy(&t);
	tap_ok(tess_new(ka, CAP_CONTAINER, 0, &c) == 0 &&
		   tess_container_control(CONTAINER_CONFIGURE, c, FZ_CID) == 0,
	       "the workers' container id is free again");
	tess_delete(ka, c);
}

void fuzz_campaign(const char *cmd)
{
	uint64_t want = cmd_number(cmd, "calls=", 20000);
	uint64_t seed = cmd_number(cmd, "seed=", 1);
	uint64_t show = cmd_number(cmd, "show=", 0);
	uint64_t trace = cmd_number(cmd, "trace=", 0);
	uint64_t step = want / 20 < 2000    ? 2000
			: want / 20 > 10000 ? 10000
					    : want / 20;
	uint64_t next_report = step, start_us, calls = 0;
	struct fz_rng rng = {seed * 0x9e3779b97f4a7c15ull +
			     0x632be59bd9b4e019ull};
	struct fz_prog prog, prev;
	int leaked = 0, stuck = 0;
	uint32_t programs = 0, generated = 0;
	long r, edges = 0, edges_start;

	printf("# fuzz: seed %lu, %lu calls, %d workers in %d spaces\n",
	       (unsigned long)seed, (unsigned long)want, FZ_WORKERS, FZ_SPACES);
	if (check_coverage_call())
		return;
	r = fz_world_build();

	if (!tap_eq(r, 0, "the workers, their spaces and their pager are made"))
		return;
	if (!tap_eq(corpus_map(), 0, "room for the corpus")) {
		corpus_unmap();
		return;
	}
	if (check_overwritten() || check_done_apart()) {
		corpus_unmap();
		return;
	}
	/* From here the kernel checks its whole state after every call of
	 * the workers and of the threads they make, and where we ask: after
	 * each reset of the world and at the end.  Our own calls (the
	 * resets, the pager's maps) are left unchecked until then: checked
	 * after each of them, they cost six times the programs. */
	tap_eq(
	    tess_debug_coverage(BOOT_SLOT_DEBUG, COVERAGE_TRUST, (void *)1, 0),
	    0, "the kernel checks its state after the workers' calls");
	edges_start =
	    tess_debug_coverage(BOOT_SLOT_DEBUG, COVERAGE_EDGES, NULL, 0);
	start_us = kt_now_us();
	while (calls < want) {
		if (!corpus_n || fz_below(&rng, FZ_GENERATE_ONE_IN) == 0) {
			fz_generate(&rng, &prog);
			generated++;
		} else {
			prog = corpus[fz_below(&rng, corpus_n)];
			fz_mutate(&rng, &prog,
				  &corpus[fz_below(&rng, corpus_n)]);
		}
		if (programs && (r = fz_world_reset(&prev, &leaked))) {
			tap_diag("the world could not be reset: %s",
				 tess_strerror(r));
			break;
		}
		tess_debug_coverage(BOOT_SLOT_DEBUG, COVERAGE_CHECK, NULL, 0);
		prev = prog;
		programs++;
		if (programs == show || trace) {
			tap_diag("program %u:", programs);
			fz_print(&prog);
		}
		long before = tess_debug_coverage(BOOT_SLOT_DEBUG,
						  COVERAGE_EDGES, NULL, 0);
		int was_stuck = stuck;
		fz_world_run(&prog, programs, &stuck);
		edges = tess_debug_coverage(BOOT_SLOT_DEBUG, COVERAGE_EDGES,
					    NULL, 0);
		if (edges > before)
			corpus_add(&rng, &prog);
		if (stuck != was_stuck) {
			tap_diag("program %u had a worker stuck:", programs);
			fz_print(&prog);
		}
		calls = fz_world_calls();
		if (calls >= next_report || calls >= want) {
			uint64_t us = kt_now_us() - start_us;
			printf(
			    "# fuzz: progress calls %lu programs %u edges %ld "
			    "corpus %u faults %lu restarts %lu rate %lu/s\n",
			    (unsigned long)calls, programs, edges, corpus_n,
			    (unsigned long)fz_world_faults(),
			    (unsigned long)fz_world_restarts(),
			    (unsigned long)(us ? calls * 1000000 / us : 0));
			fflush_stdout();
			while (next_report <= calls)
				next_report += step;
		}
	}
	r = fz_world_reset(programs ? &prev : NULL, &leaked);
	tap_ok(calls >= want && r == 0,
	       "%lu calls in %u programs (%u generated): the kernel "
	       "survived and its invariants held after every call of a "
	       "worker and every reset",
	       (unsigned long)calls, programs, generated);
	tap_ok(edges > edges_start,
	       "the programs reached new edges (%ld, corpus %u)", edges,
	       corpus_n);
	tap_eq(stuck, 0, "no worker stayed stuck in a call");
	{
		unsigned char map[8192];
		map_agrees(
		    map, sizeof(map),
		    "at the end, COVERAGE_READ agrees with COVERAGE_EDGES");
	}
	if (fz_world_overwritten() > 1)
		tap_diag("%lu programs wrote over the control page's call "
			 "counts (not counted from there)",
			 (unsigned long)fz_world_overwritten() - 1);
	tap_eq(leaked, 0,
	       "after every program, revoking what it made gave back "
	       "every byte (%u programs)",
	       programs);
	corpus_unmap();
	cptr_t arena = fz_world_arena();
	r = fz_world_free();
	tap_eq(r, 0, "everything the campaign made is revoked");
	tap_eq(tess_remaining(arena), 1l << FZ_ARENA_BITS,
	       "the campaign's Untyped is whole again");
	tess_delete(ka, arena);
	tap_eq(
	    tess_debug_coverage(BOOT_SLOT_DEBUG, COVERAGE_TRUST, (void *)0, 0),
	    0, "the kernel checks its state after every call again");
	check_after();
}
