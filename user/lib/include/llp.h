/*
 * The LLP capabilities lab's names for Tessera's calls.  The lab's calls
 * returned 1 or 0; these return Tessera's 0 (success; remaining() a byte
 * count) or a negative E_* code, which says why.  `slot` arguments are
 * capability addresses (see tessera/caps.h): two-level addresses 0xIICC
 * of the lab read as 0x00II00CC here (16-bit digits).
 */
#ifndef LLP_H
#define LLP_H

#include <tess.h>

#define CONSOLE BOOT_SLOT_CONSOLE

static inline long kputc(cptr_t cap, int ch)
{
	return tess_console_putc(cap, ch);
}
static inline long capputchar(cptr_t w, int ch)
{
	return tess_window_putc(w, ch);
}
static inline long capcls(cptr_t w)
{
	return tess_window_cls(w);
}
static inline long capsetAttr(cptr_t w, unsigned a)
{
	return tess_window_set_attr(w, a);
}
static inline long capmove(cptr_t src, cptr_t dst)
{
	return tess_cap_move(src, dst);
}
static inline long capcopy(cptr_t src, cptr_t dst)
{
	return tess_cap_copy(src, dst);
}
static inline long capclear(cptr_t slot)
{
	return tess_cap_delete(slot);
}
static inline long retype(cptr_t ucap, unsigned type, unsigned bits,
			  cptr_t slot, unsigned num)
{
	return tess_retype(ucap, type, bits, slot, num);
}
static inline long allocCspace(cptr_t ucap, cptr_t slot, unsigned bits)
{
	return tess_retype(ucap, CAP_CSPACE, bits, slot, 1);
}
static inline long allocUntyped(cptr_t ucap, cptr_t slot, unsigned bits)
{
	return tess_retype(ucap, CAP_UNTYPED, bits, slot, 1);
}
static inline long allocPage(cptr_t ucap, cptr_t slot)
{
	return tess_retype(ucap, CAP_PAGE, 0, slot, 1);
}
static inline long allocPageTable(cptr_t ucap, cptr_t slot)
{
	return tess_retype(ucap, CAP_PT, 0, slot, 1);
}
static inline long allocPageDirectory(cptr_t ucap, cptr_t slot)
{
	return tess_retype(ucap, CAP_PD, 0, slot, 1);
}
static inline long allocPDPT(cptr_t ucap, cptr_t slot)
{
	return tess_retype(ucap, CAP_PDPT, 0, slot, 1);
}
static inline long mapPage(cptr_t cap, uintptr_t addr)
{
	return tess_map(cap, SPACE_SELF, addr,
			RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
}
static inline long mapPageTable(cptr_t cap, uintptr_t addr)
{
	return tess_map(cap, SPACE_SELF, addr, 0);
}
static inline long remaining(cptr_t ucap)
{
	return tess_remaining(ucap);
}
static inline long allocBuffer(cptr_t ucap, uintptr_t addr)
{
	return tess_alloc_buffer(ucap, addr);
}
static inline long printBuffer(cptr_t w)
{
	return tess_print_buffer(w);
}
static inline long printString(cptr_t w, const char *s)
{
	return tess_print_string(w, s);
}
static inline long getTicks(cptr_t t)
{
	return tess_timer_ticks(t);
}

#endif
