/* ktest: caps (to be written). */
#include "ktest.h"

void test_caps(void)
{
}
