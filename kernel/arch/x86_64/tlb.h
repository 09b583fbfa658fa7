/*
 * The TLB and process-context identifiers (tlb.c): loading a space's page
 * tables, and the rules that flush what the TLB may still hold of a
 * mapping that is gone.
 */
#ifndef ARCH_TLB_H
#define ARCH_TLB_H

#include "core/kernel.h"
#include "core/space.h"
#include "arch.h"
#include "cpu.h"
#include "space_arch.h"

/* CR3 bit 63 with CR4.PCIDE: load the tables, keep the PCID's entries. */
#define CR3_NOFLUSH (1ull << 63)
#define CR3_PCID_MASK 0xfffull
#define INVPCID_ADDRESS 0 /* one address of one PCID */
#define INVPCID_CONTEXT 1 /* everything of one PCID but global entries */

/* cpu_init: find PCID and INVPCID; the CR4 bits to turn on (PCIDE). */
u64 tlb_init(void);
/* Use PCIDs (and INVPCID) or not (tlb_init; the host tests). */
void tlb_configure(bool pcid, bool invpcid);
bool tlb_has_pcid(void);
bool tlb_has_invpcid(void);

/* arch_space_init: the CR3 value of a new space, whose first load flushes
 * its PCID (a destroyed space may have left entries under it). */
void tlb_space_init(struct space *s);

/* The instructions, which the host tests (tests/host/test_tlb.c) replace
 * with a model of the CPU's TLB. */
#ifdef HOST_TEST
void tlb_cpu_write_cr3(u64 cr3);
void tlb_cpu_invlpg(vaddr_t va);
void tlb_cpu_invpcid(u64 type, u64 pcid, vaddr_t va);
#else
static inline void tlb_cpu_write_cr3(u64 cr3)
{
	write_cr3(cr3);
}
static inline void tlb_cpu_invlpg(vaddr_t va)
{
	invlpg(va);
}
static inline void tlb_cpu_invpcid(u64 type, u64 pcid, vaddr_t va)
{
	struct {
		u64 pcid, va;
	} d = {pcid, va};
	__asm__ volatile("invpcid %0, %1" : : "m"(d), "r"(type) : "memory");
}
#endif

/* Load CR3.  Every load goes through here (the bench kernel counts). */
static inline __attribute__((always_inline)) void tlb_write_cr3(u64 cr3)
{
	BENCH_COUNT(cr3_writes);
	if (!(cr3 & CR3_NOFLUSH))
		BENCH_COUNT(tlb_flushes);
	tlb_cpu_write_cr3(cr3);
}

/*
 * Make `s`'s tables the loaded ones, unless they are: a load that keeps
 * its PCID's entries, or a flushing one when it is marked stale.  (On the
 * fast path of every switch between spaces.)
 */
static inline __attribute__((always_inline)) void
tlb_load_space(struct space *s)
{
	struct cpu *c = this_cpu();
	if (s == c->space)
		return;
	c->space = s;
	u64 cr3 = space_arch(s)->cr3;
	if (unlikely(space_arch(s)->tlb_stale)) {
		space_arch(s)->tlb_stale = false;
		cr3 &= ~CR3_NOFLUSH;
	}
	tlb_write_cr3(cr3);
}

#endif
