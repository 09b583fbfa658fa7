/* ktest: mutex (to be written). */
#include "ktest.h"

void test_mutex(void)
{
}
