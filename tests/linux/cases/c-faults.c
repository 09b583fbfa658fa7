/*
 * CPU exceptions as signals a handler can catch (SIGSEGV, SIGBUS,
 * SIGILL, SIGFPE, SIGTRAP, with si_code and si_addr), a handler that
 * changes the interrupted registers, an uncaught fault's status, and the
 * registers (general and SSE) kept across signals sent to a running
 * thread.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

static sigjmp_buf back;
static volatile int got_sig, got_code;
static void *volatile got_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	siglongjmp(back, 1);
}

static void catch_all(void (*h)(int, siginfo_t *, void *))
{
	int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 5; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Run `f`; print what it raised, si_addr relative to `base`. */
static void expect(const char *what, void (*f)(void), const char *base)
{
	got_sig = 0;
	if (sigsetjmp(back, 1) == 0) {
		f();
		printf("%s: no signal\n", what);
		return;
	}
	printf("%s: signal %d si_code %d", what, got_sig, got_code);
	if (base)
		printf(" si_addr base%+ld", (long)((char *)got_addr - base));
	printf("\n");
}

static char *page, *file_map;
static volatile int zero;

static volatile uintptr_t low_address = 16;
static void null_write(void)
{
	*(volatile int *)low_address = 1;
}
static void ro_write(void)
{
	((volatile char *)page)[8] = 1;
}
static void none_read(void)
{
	(void)((volatile char *)page)[4096 + 100];
}
static void unmapped_read(void)
{
	(void)((volatile char *)page)[2 * 4096];
}
static void exec_data(void)
{
	((void (*)(void))(page + 4096 * 3))();
}
static void bus_error(void)
{
	(void)((volatile char *)file_map)[4096 + 1];
}
static void divide(void)
{
	volatile int x = 7 / zero;
	(void)x;
}
extern char ud2_at[], int3_after[];
__attribute__((noinline)) static void illegal(void)
{
	__asm__ volatile(".globl ud2_at\nud2_at: ud2");
}
__attribute__((noinline)) static void breakpoint(void)
{
	__asm__ volatile("int3\n.globl int3_after\nint3_after:");
}

/* A handler that skips the 2-byte ud2 and returns. */
static volatile int skipped;
static void skip_ud2(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_RIP] += 2;
	uc->uc_mcontext.gregs[REG_RAX] = 1234;
	skipped++;
}

/* Registers across asynchronous signals: spin with known values in
 * r8-r11 and xmm0-xmm15 until the handler has run `n` times, then store
 * them.  The handler clobbers all of them. */
void spin_with_registers(volatile int *hits, int n, uint64_t *out);
__asm__(".text\n.globl spin_with_registers\n"
	"spin_with_registers:\n"
	"	movabs $0x0101010101010101, %rax\n"
	"	mov %rax, %r8\n	lea 1(%rax), %r9\n	lea 2(%rax), %r10\n"
	"	lea 3(%rax), %r11\n"
	"	movq %rax, %xmm0\n	add %r8, %rax\n	movq %rax, %xmm1\n"
	"	add %r8, %rax\n	movq %rax, %xmm2\n	add %r8, %rax\n"
	"	movq %rax, %xmm3\n	add %r8, %rax\n	movq %rax, %xmm4\n"
	"	add %r8, %rax\n	movq %rax, %xmm5\n	add %r8, %rax\n"
	"	movq %rax, %xmm6\n	add %r8, %rax\n	movq %rax, %xmm7\n"
	"	add %r8, %rax\n	movq %rax, %xmm8\n	add %r8, %rax\n"
	"	movq %rax, %xmm9\n	add %r8, %rax\n	movq %rax, %xmm10\n"
	"	add %r8, %rax\n	movq %rax, %xmm11\n	add %r8, %rax\n"
	"	movq %rax, %xmm12\n	add %r8, %rax\n	movq %rax, %xmm13\n"
	"	add %r8, %rax\n	movq %rax, %xmm14\n	add %r8, %rax\n"
	"	movq %rax, %xmm15\n"
	"1:	cmpl %esi, (%rdi)\n	jl 1b\n"
	"	movq %xmm0, 0(%rdx)\n	movq %xmm1, 8(%rdx)\n"
	"	movq %xmm2, 16(%rdx)\n	movq %xmm3, 24(%rdx)\n"
	"	movq %xmm4, 32(%rdx)\n	movq %xmm5, 40(%rdx)\n"
	"	movq %xmm6, 48(%rdx)\n	movq %xmm7, 56(%rdx)\n"
	"	movq %xmm8, 64(%rdx)\n	movq %xmm9, 72(%rdx)\n"
	"	movq %xmm10, 80(%rdx)\n	movq %xmm11, 88(%rdx)\n"
	"	movq %xmm12, 96(%rdx)\n	movq %xmm13, 104(%rdx)\n"
	"	movq %xmm14, 112(%rdx)\n	movq %xmm15, 120(%rdx)\n"
	"	mov %r8, 128(%rdx)\n	mov %r9, 136(%rdx)\n"
	"	mov %r10, 144(%rdx)\n	mov %r11, 152(%rdx)\n"
	"	ret\n");

static volatile int async_hits;
static void clobber(int sig)
{
	(void)sig;
	__asm__ volatile("pcmpeqd %%xmm0, %%xmm0\n movdqa %%xmm0, %%xmm1\n"
			 "movdqa %%xmm0, %%xmm2\n movdqa %%xmm0, %%xmm3\n"
			 "movdqa %%xmm0, %%xmm4\n movdqa %%xmm0, %%xmm5\n"
			 "movdqa %%xmm0, %%xmm6\n movdqa %%xmm0, %%xmm7\n"
			 "movdqa %%xmm0, %%xmm8\n movdqa %%xmm0, %%xmm9\n"
			 "movdqa %%xmm0, %%xmm10\n movdqa %%xmm0, %%xmm11\n"
			 "movdqa %%xmm0, %%xmm12\n movdqa %%xmm0, %%xmm13\n"
			 "movdqa %%xmm0, %%xmm14\n movdqa %%xmm0, %%xmm15\n"
			 "mov $-1, %%r8\n mov $-1, %%r9\n mov $-1, %%r10\n"
			 "mov $-1, %%r11\n" ::
			     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
			       "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
			       "xmm12", "xmm13", "xmm14", "xmm15", "r8", "r9",
			       "r10", "r11");
	async_hits++;
}

static pthread_t spinner;
static void *sender(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5; i++) {
		int before = async_hits;
		pthread_kill(spinner, SIGUSR1);
		while (async_hits == before)
			sched_yield();
	}
	return NULL;
}

int main(void)
{
	char path[] = "mapped-file";
	int fd, st;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	catch_all(on_fault);
	/* page: RO | PROT_NONE | unmapped | RW (not executable) */
	page =
	    mmap(NULL, 4 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(page + 4096, 4096, PROT_NONE);
	munmap(page + 2 * 4096, 4096);
	mprotect(page + 3 * 4096, 4096, PROT_READ | PROT_WRITE);
	page[3 * 4096] = (char)0xc3; /* ret, were it executable */

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (write(fd, "0123456789", 10) != 10)
		return 1;
	file_map = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	printf("file map: %.10s\n", file_map);

	expect("write to address 16", null_write, NULL);
	printf("  si_addr %p\n", got_addr);
	expect("write to a read-only page", ro_write, page);
	expect("read of a PROT_NONE page", none_read, page);
	expect("read of an unmapped page", unmapped_read, page);
	expect("call into a non-executable page", exec_data, page);
	expect("read past the end of a mapped file", bus_error, file_map);
	expect("integer divide by zero", divide, NULL);
	expect("ud2", illegal, ud2_at);
	expect("int3", breakpoint, NULL);

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = skip_ud2;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGILL, &sa, NULL);
	long rax;
	__asm__ volatile("mov $1, %%rax\n ud2\n mov %%rax, %0"
			 : "=r"(rax)
			 :
			 : "rax");
	printf("handler moved rip past ud2 (%d) and set rax: %ld\n", skipped,
	       rax);

	pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		null_write();
		_exit(0);
	}
	waitpid(pid, &st, 0);
	printf("uncaught fault in a child: %s %d\n",
	       WIFSIGNALED(st) ? "signal" : "exit",
	       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));

	uint64_t out[20];
	pthread_t t;
	signal(SIGUSR1, clobber);
	spinner = pthread_self();
	pthread_create(&t, NULL, sender, NULL);
	spin_with_registers(&async_hits, 5, out);
	pthread_join(t, NULL);
	int kept = 1;
	for (int i = 0; i < 16; i++)
		kept &= out[i] == 0x0101010101010101ull * (uint64_t)(i + 1);
	printf("5 signals to a running thread: xmm0-15 %s",
	       kept ? "kept" : "LOST");
	kept = 1;
	for (int i = 0; i < 4; i++)
		kept &= out[16 + i] == 0x0101010101010101ull + (uint64_t)i;
	printf(", r8-r11 %s\n", kept ? "kept" : "LOST");
	return 0;
}
