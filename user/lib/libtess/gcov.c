/*
 * tess_gcov_dump: a coverage build's profile (lib/gcov.h) written to the
 * program's standard output.  Programs compiled with -DTESS_GCOV call it
 * from tess_exit (tess.h); other programs never link it.
 */
#include <stdio.h>
#include <tess.h>
#include "lib/gcov.h"

static void put(char c)
{
	putchar(c);
}

void tess_gcov_dump(void)
{
	fflush_stdout();
	gcov_write_all(put, "user");
	fflush_stdout();
}
