/*
 * The LLP capabilities lab's user/syscalls.h, reconstructed for Tessera's
 * tests from the lab's text and its public description
 * (shared/reference/llp-caps.md): the C prototypes of the system calls the
 * lab's demo uses, as the lab gives them.  Tessera's lab layer (llp.h,
 * libllp) implements them; the lab's userlib.s stubs are not needed.
 */
#ifndef SYSCALLS_H
#define SYSCALLS_H

/* Calls that need no capability. */
extern unsigned kmapPage(unsigned addr);
extern void dump();

/* The console. */
#define CONSOLE 1 /* its slot in the lab's layout */
extern unsigned kputc(unsigned cap, unsigned ch);

/* Rearranging capability spaces. */
enum Capmove { MOVE = 0, COPY = 1 };
extern unsigned capmove(unsigned src, unsigned dst, enum Capmove copy);
extern unsigned capclear(unsigned src);

/* Objects from untyped memory. */
extern unsigned allocUntyped(unsigned ucap, unsigned slot, unsigned bits);
extern unsigned allocCspace(unsigned ucap, unsigned slot);
extern unsigned allocPage(unsigned ucap, unsigned slot);
extern unsigned allocPageTable(unsigned ucap, unsigned slot);

/* Adding them to the address space. */
extern unsigned mapPage(unsigned cap, unsigned addr);
extern unsigned mapPageTable(unsigned cap, unsigned addr);

#endif
