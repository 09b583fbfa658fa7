/* ktest: memory (to be written). */
#include "ktest.h"

void test_memory(void)
{
}
