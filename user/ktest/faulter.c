/*
 * faulter: a root task that takes one exception, chosen by the kernel
 * command line ("fault=pf|ud|gp|de|bp|sys"), to show that a user fault is
 * reported in one log line and does not bring the kernel down.
 */
#include <stdio.h>
#include <string.h>
#include <tess.h>

int main(long arg)
{
	const char *cmd = tess_bootinfo ? tess_bootinfo->cmdline : "";
	const char *f = strstr(cmd, "fault=");
	(void)arg;

	if (!f) {
		printf("faulter: no fault= on the command line\n");
		return 2;
	}
	f += 6;
	printf("faulter: about to take fault '%.3s'\n", f);
	fflush_stdout();
	if (!strncmp(f, "pf", 2)) {
		volatile uintptr_t addr = 0x10;
		*(volatile int *)addr = 1;
	} else if (!strncmp(f, "ud", 2)) {
		__asm__ volatile("ud2");
	} else if (!strncmp(f, "gp", 2)) {
		__asm__ volatile("cli"); /* privileged: #GP in ring 3 */
	} else if (!strncmp(f, "de", 2)) {
		volatile int zero = 0;
		volatile int x = 10 / zero;
		(void)x;
	} else if (!strncmp(f, "bp", 2)) {
		__asm__ volatile("int3");
	} else if (!strncmp(f, "sys", 3)) {
		__asm__ volatile("syscall"
				 :
				 : "a"(39l)
				 : "rcx", "r11", "memory");
	}
	printf("faulter: still running after the fault: wrong\n");
	return 3;
}
