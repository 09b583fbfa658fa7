/*
 * gcov profiles written as text, for the coverage builds of the kernel
 * and of user programs (`make coverage`).  Such a build is compiled with
 * -fprofile-arcs -fprofile-info-section, linked with libgcov.a, and its
 * linker script gathers the .gcov_info section between __gcov_info_start
 * and __gcov_info_end.  tools/coverage.py reads the text back into gcda
 * files.  Nothing else uses this.
 */
#ifndef LIB_GCOV_H
#define LIB_GCOV_H

/* Where the text goes: one character at a time. */
typedef void (*gcov_put_fn)(char c);

/*
 * Write every instrumented file's profile:
 *     GCOV-BEGIN <who>
 *     GCOV-FILE <path of the gcda file>
 *     GCOV-DATA <up to 32 bytes in hex>     (as many lines as needed)
 *     GCOV-END                              (then the next file)
 *     GCOV-DONE <who>
 */
void gcov_write_all(gcov_put_fn put, const char *who);

#endif
