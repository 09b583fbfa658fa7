/*
 * The LLP capabilities lab's demo program (the lab's user/user.c),
 * reconstructed for Tessera's tests from the lab's text and the public
 * description of the demo (shared/reference/llp-caps.md: the process id
 * from kputc and the branch on it, capmove with MOVE and COPY, capclear,
 * kmapPage, the allocations into slots 12, 14, 21 and 20, one page table
 * mapped at 0x80000000 and again 8 MiB further, dump).  It is lab code and
 * is built unchanged against Tessera's lab layer: addresses in unsigned
 * variables, results unchecked, and it never returns.
 *
 * Run as the lab's first process (with the console) it takes the console
 * branch; as the second (`noconsole`), the other one.  On Tessera the
 * second mapPageTable fails (a page table is mapped in one place only):
 * dump shows one mapping of it.
 */
#include "capio.h"
#include "syscalls.h"

void kputs(unsigned cap, char *s)
{
	while (*s)
		kputc(cap, *s++);
}

void cmain()
{
	int i;

	/* Output: the console through its capability, the window through
	 * capio's. */
	cls();
	unsigned myid = kputc(CONSOLE, '!');
	printf("process id: %x\n", myid);
	puts("running in user mode\n");
	for (i = 0; i < 4; i++) {
		kputs(CONSOLE, "greetings on the kernel console\n");
		puts("greetings in my window\n");
		setAttr(i & 0xf);
	}

	/* Rearranging the cspace: the console moves away, is copied back,
	 * cleared, and moved back again. */
	if (myid) {
		printf("kputc('A') returned %x\n", kputc(CONSOLE, 'A'));
		capmove(1, 4, MOVE);
		printf("kputc('B') returned %x\n", kputc(CONSOLE, 'B'));
		capmove(4, 1, COPY);
		printf("kputc('C') returned %x\n", kputc(CONSOLE, 'C'));
		capclear(1);
		printf("kputc('D') returned %x\n", kputc(CONSOLE, 'D'));
		capmove(4, 1, MOVE);
		printf("kputc('E') returned %x\n", kputc(CONSOLE, 'E'));
	} else {
		printf("no console capability here\n");
	}

	/* Memory without a capability (the kernel's, in the lab). */
	kmapPage(0x600000);
	kmapPage(0x601000);
	kmapPage(0x603000);
	unsigned addr = 0x700000;
	for (int j = 0; j < 8; j++) {
		kmapPage(addr);
		*((unsigned *)addr) = addr;
		addr += (1 << 12);
	}

	/* Memory through capabilities, from the untyped in slot 3. */
	unsigned memoryPool = 3;
	allocPage(memoryPool, 12);
	allocCspace(memoryPool, 14);
	addr = 0x80000000;
	allocPageTable(memoryPool, 21);
	mapPageTable(21, addr);
	mapPageTable(21, addr + 0x800000);
	allocPage(memoryPool, 20);
	mapPage(20, addr);
	dump();

	puts("\n\nthe demo is done; user code does not return\n");
	for (;;) {
	}
}
