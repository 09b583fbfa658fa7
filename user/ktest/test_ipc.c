/* ktest: ipc (to be written). */
#include "ktest.h"

void test_ipc(void)
{
}
