/* ktest: threads (to be written). */
#include "ktest.h"

void test_threads(void)
{
}
