/*
 * The LLP capabilities lab's system calls ("Capabilities", Fall 2018, Mark
 * P. Jones), for programs written for the lab: Tessera's lab layer
 * (user/lib/llp, libllp.a; docs/llp.md says how to build).  A lab program
 * includes this file (in place of the lab's user/syscalls.h, or after it)
 * and capio.h, defines cmain(), and runs as a container's pager started
 * with the manifest's `layout lab` (docs/manifest.md).  Tessera's own API
 * (tess.h) is untouched: this layer only translates.
 *
 * As in the lab:
 * - A capability address is the lab's.  Calls that name a slot to fill or
 *   to clear (capmove, capclear, the allocators' `slot`) read it as 0xIICC:
 *   slot CC of the CSpace whose capability is in slot II, through slot 0
 *   when II is 0 (slot 0 must hold a CspaceCap, or the call fails; if it
 *   holds another CSpace than the process's own, 0x00CC still names the
 *   process's own slot CC, where the lab would go through it).  Every
 *   other capability argument is read directly: its low byte is a slot of
 *   the process's own CSpace.  Higher bits are ignored.
 * - Every call returns 1 for success and 0 for failure, except kputc (the
 *   process id, never 0, or 0 if there is no console), remaining (bytes)
 *   and getTicks (ticks).  llpLastError() says why the last call failed.
 * - The lab layout: slot 0 the process's CSpace, 1 the console (CONSOLE),
 *   2 its window (DEFAULT_WINDOW_CAP, rights CAN_setAttr|CAN_putchar as in
 *   the lab's kernel.c), 3 its untyped memory; the rest of the 256 slots
 *   empty, but for a TimerCap where the manifest puts one (`timer SLOT
 *   BITS`).  A second process without a console: `noconsole`.
 * - Addresses are the lab's 32-bit user space: mapPage, mapPageTable,
 *   kmapPage and allocBuffer refuse an address at or above 0xc0000000 (the
 *   lab's KERNEL_SPACE).  mapPage, mapPageTable and kmapPage ignore the
 *   offset bits below the object's span; allocBuffer needs a page address.
 * - What the lab layer hides: the page directories above the lab's user
 *   space are in place (the lab layout makes them), so mapPageTable there
 *   needs only the page table, as with the lab's two-level paging; a lab
 *   process has no IPC buffer until allocBuffer makes it one; mapPage and
 *   mapPageTable map a copy of the capability kept beyond the lab's 256
 *   slots, so the lab's capability keeps no mapping: it can be moved,
 *   copied, cleared or mapped again, and what was mapped stays mapped, as
 *   in the lab; kmapPage takes its pages from a reserve the lab layout
 *   gives (the lab's came from the kernel's own memory).
 *
 * Where Tessera differs from the lab, and the lab layer does not hide it:
 * - mapPage maps read-write and never executable (the lab's i386 paging
 *   had no no-execute bit).
 * - x86_64 paging has four levels: a page table covers 2 MiB, not 4 MiB,
 *   and mapPageTable ignores the low 21 bits, not 22.  In a program
 *   started without the lab layout the upper levels (PD, PDPT) may be
 *   missing, and mapPageTable then fails (E_NOTMAPPED): the lab has no
 *   type code for them (use Tessera's tess_retype and tess_map).
 * - A page table is mapped in one place only: mapping it again elsewhere
 *   fails (E_MAPPED); the lab's demo maps one at two addresses.
 * - allocBuffer fails (E_BUSY) in a program that already has an IPC
 *   buffer: any program started without the lab layout (Tessera gives
 *   its pagers one).
 * - Object sizes: a 256-slot CSpace takes 16 KiB (Tessera's slots are 64
 *   bytes, the lab's 16); the smallest untyped is 4 KiB (bits 12; the lab
 *   allowed 10 and 11), and allocUntyped and retype refuse bits above 31
 *   as the lab does.
 * - Deleting (capclear) the last capability to an object destroys it: a
 *   CSpace's capabilities go with it; its memory comes back only when the
 *   untyped it came from has no objects left.  The lab never freed.
 * - dump() cannot print the kernel's page directory: it prints the
 *   process's capabilities and the mappings the lab layer made (below).
 * - kputc's process id is the Tessera thread id, not a kernel address.
 * - cmain may return: the program then exits with status 0 (the lab's
 *   kernel could not end a process).
 */
#ifndef LLP_H
#define LLP_H

#include <tessera/errors.h>

/* The lab's user/syscalls.h may come first: then its CONSOLE and enum
 * Capmove are used, and the compiler checks that its prototypes agree
 * with these. */
#ifndef SYSCALLS_H
#define CONSOLE 1 /* the console's slot in the lab layout */
enum Capmove { MOVE = 0, COPY = 1 };
#endif

/* Type codes for retype, with the lab's names and numbers (the lab's
 * kernel/caps.h; TimerCap is the lab's Step 4).  They are not Tessera's
 * CAP_* numbers (CAP_PDPT is 5): the lab layer translates. */
enum Captype {
	NullCap = 0,
	ConsoleCap = 1,
	WindowCap = 2,
	CspaceCap = 3,	  /* 256 slots */
	UntypedCap = 4,	  /* 2^bits bytes, bits 12 to 31 */
	PageCap = 5,	  /* 4 KiB */
	PageTableCap = 6, /* a page table (2 MiB of addresses) */
	TimerCap = 7
};

/* The program: the lab layer's main() calls it. */
void cmain(void);

/* No capability needed: map a fresh page at addr (1), or 0 if something
 * is mapped there already or the reserve is used up. */
unsigned kmapPage(unsigned addr);
/* Print the process's capabilities (lab slots 0..255, one line each: type,
 * rights or badge, an untyped's range and use) and the mappings the lab
 * layer made (address, Page or PageTable), on the console in slot CONSOLE
 * if it holds a ConsoleCap, else in the window in slot 2, else nowhere.
 * No Debug capability is needed. */
void dump(void);

/* Print ch on the console; the process id (non-zero), or 0 if `cap` is not
 * a ConsoleCap. */
unsigned kputc(unsigned cap, unsigned ch);

/* Move (MOVE) or copy (any other value) the capability in src into the
 * empty slot dst.  Fails if either address does not resolve, src is
 * empty, dst is not, or it would copy an UntypedCap. */
unsigned capmove(unsigned src, unsigned dst, enum Capmove copy);
/* Empty the slot src; fails if it is empty already. */
unsigned capclear(unsigned src);

/* Make one object from the untyped in ucap, its capability in the empty
 * slot `slot` (0xIICC).  allocUntyped: 2^bits bytes. */
unsigned allocUntyped(unsigned ucap, unsigned slot, unsigned bits);
unsigned allocCspace(unsigned ucap, unsigned slot);
unsigned allocPage(unsigned ucap, unsigned slot);
unsigned allocPageTable(unsigned ucap, unsigned slot);

/* Map the Page (PageTable) in cap at addr in the process's own space: a
 * page table must be there (must not be there) already. */
unsigned mapPage(unsigned cap, unsigned addr);
unsigned mapPageTable(unsigned cap, unsigned addr);

/* Step 4: the ticks since boot (100 a second) with the TimerCap's hidden
 * low bits zero; 0 if tcap is not a TimerCap. */
unsigned getTicks(unsigned tcap);
/* Step 6: the bytes left in the untyped in ucap (at most 0xffffffff); 0 if
 * it is not an UntypedCap. */
unsigned remaining(unsigned ucap);
/* Step 7: a page from the untyped, mapped at the page address addr, as the
 * process's buffer (once); print the NUL-terminated string in the buffer
 * (stopping at the end of its page), or at addr, in the window wcap (it
 * needs CAN_putchar). */
unsigned allocBuffer(unsigned ucap, unsigned addr);
unsigned printBuffer(unsigned wcap);
unsigned printString(unsigned wcap, const char *addr);
/* Step 8: num objects of `type` (enum Captype; bits: an UntypedCap's size)
 * in the empty slots slot, slot+1, ... of one CSpace (the lab's 256). */
unsigned retype(unsigned ucap, unsigned type, unsigned bits, unsigned slot,
		unsigned num);

/* Tessera's addition: why the last lab call failed, as a Tessera error
 * (-E_*, tessera/errors.h; docs/ABI.md), or 0 if it succeeded.  The
 * capio calls (no result in the lab) set it too. */
long llpLastError(void);

#endif
