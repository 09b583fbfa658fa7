/* ktest: capctrl (to be written). */
#include "ktest.h"

void test_capctrl(void)
{
}
