/*
 * Program start and end.  crt0.S calls __libc_start with the one word the
 * kernel or the loader passed in rdi: for the root task, the address of the
 * boot-info page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <tess.h>

const struct bootinfo *tess_bootinfo;

int main(long arg);

void __libc_start(long arg)
{
	const struct bootinfo *bi = (const struct bootinfo *)arg;
	if (arg == (long)BOOTINFO_ADDR && bi->magic == BOOTINFO_MAGIC)
		tess_bootinfo = bi;
	exit(main(arg));
}

void exit(int status)
{
	fflush_stdout();
	tess_exit(status);
}

void abort(void)
{
	printf("abort\n");
	exit(134);
}
