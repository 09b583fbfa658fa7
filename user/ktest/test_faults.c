/* ktest: faults (to be written). */
#include "ktest.h"

void test_faults(void)
{
}
