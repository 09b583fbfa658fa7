/*
 * How a Linux program starts: the registers at the entry point, the
 * stack (argc, argv, envp, the auxiliary vector), AT_RANDOM, TLS with
 * initial values, and the static-PIE variant (lxt-start-pie is this file
 * built -static-pie: same checks, loaded at another address).
 *
 * The entry point is lxt_entry (below): it saves every register, then
 * jumps to musl's _start.
 */
// lxt-cflags: -Wl,-e,lxt_entry
#include "lxt.h"
#include <elf.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/wait.h>

uint64_t entry_regs[16];
__asm__(".text\n.globl lxt_entry\nlxt_entry:\n"
	"	movq %rax, entry_regs+0(%rip)\n"
	"	movq %rbx, entry_regs+8(%rip)\n"
	"	movq %rcx, entry_regs+16(%rip)\n"
	"	movq %rdx, entry_regs+24(%rip)\n"
	"	movq %rsi, entry_regs+32(%rip)\n"
	"	movq %rdi, entry_regs+40(%rip)\n"
	"	movq %rbp, entry_regs+48(%rip)\n"
	"	movq %rsp, entry_regs+56(%rip)\n"
	"	movq %r8, entry_regs+64(%rip)\n"
	"	movq %r9, entry_regs+72(%rip)\n"
	"	movq %r10, entry_regs+80(%rip)\n"
	"	movq %r11, entry_regs+88(%rip)\n"
	"	movq %r12, entry_regs+96(%rip)\n"
	"	movq %r13, entry_regs+104(%rip)\n"
	"	movq %r14, entry_regs+112(%rip)\n"
	"	movq %r15, entry_regs+120(%rip)\n"
	"	jmp _start\n");

__thread int tls_int = 42;
__thread char tls_str[16] = "tls-init";
__thread int tls_zero;

extern char **environ;

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "random")) {
		/* The child of the AT_RANDOM check: print its 16 bytes. */
		const unsigned char *r =
		    (const unsigned char *)getauxval(AT_RANDOM);
		for (int i = 0; i < 16; i++)
			printf("%02x", r[i]);
		printf("\n");
		return 0;
	}

	int zero = 1;
	for (int i = 0; i < 16; i++)
		if (i != 7 && entry_regs[i])
			zero = 0;
	ok(zero, "every register but rsp is 0 at the entry (rdx too)");
	uint64_t *sp = (uint64_t *)entry_regs[7];
	ok(((uint64_t)sp & 15) == 0, "rsp is 16-byte aligned at the entry");
	ok(sp[0] == (uint64_t)argc, "[rsp] is argc (%d)", argc);
	ok((char **)(sp + 1) == argv, "argv follows it");
	ok(argv[argc] == NULL && (char **)(sp + 2 + argc) == environ,
	   "then NULL and envp");

	ok(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ 4096");
	ok(getauxval(AT_PHENT) == sizeof(Elf64_Phdr), "AT_PHENT");
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long phnum = getauxval(AT_PHNUM);
	int have_load = 0;
	for (unsigned long i = 0; ph && i < phnum; i++)
		have_load |= ph[i].p_type == PT_LOAD;
	ok(ph && phnum && have_load,
	   "AT_PHDR points at the %lu program headers", phnum);
	ok(getauxval(AT_ENTRY) != 0, "AT_ENTRY");
	ok(getauxval(AT_UID) == 0 && getauxval(AT_EUID) == 0 &&
	       getauxval(AT_GID) == 0 && getauxval(AT_EGID) == 0 &&
	       getauxval(AT_SECURE) == 0,
	   "AT_UID, AT_EUID, AT_GID, AT_EGID, AT_SECURE are 0");
	ok(getauxval(AT_CLKTCK) == 100, "AT_CLKTCK 100");
	ok(getauxval(AT_HWCAP) & (1 << 25), "AT_HWCAP has SSE");
	const char *plat = (const char *)getauxval(AT_PLATFORM);
	ok(plat && !strcmp(plat, "x86_64"), "AT_PLATFORM x86_64");
	const char *fn = (const char *)getauxval(AT_EXECFN);
	char path[64];
	snprintf(path, sizeof(path), "/bin/%s", argv[0]);
	ok(fn && !strcmp(fn, path),
	   "AT_EXECFN is the path execve was given (%s)", fn);
	ok(getauxval(AT_SYSINFO_EHDR) == 0, "no vDSO");

	ok(tls_int == 42 && !strcmp(tls_str, "tls-init") && tls_zero == 0,
	   "__thread variables have their initial values");
	tls_int++;
	ok(tls_int == 43, "and can be written");

	/* AT_RANDOM: 16 bytes, not all zero, different in two processes. */
	const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
	int nonzero = 0;
	for (int i = 0; r && i < 16; i++)
		nonzero |= r[i];
	ok(r && nonzero, "AT_RANDOM gives 16 bytes, not all zero");
	char out[2][40];
	for (int k = 0; k < 2; k++) {
		int p[2];
		pipe(p);
		pid_t pid = fork();
		if (pid == 0) {
			dup2(p[1], 1);
			execl("/proc/self/exe", argv[0], "random", NULL);
			_exit(1);
		}
		close(p[1]);
		ssize_t n = read(p[0], out[k], 39);
		out[k][n > 0 ? n : 0] = 0;
		close(p[0]);
		waitpid(pid, NULL, 0);
	}
	ok(strlen(out[0]) == 33 && strcmp(out[0], out[1]),
	   "two programs get different AT_RANDOM bytes");
	return done();
}
