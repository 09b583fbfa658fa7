/* ktest: devices (to be written). */
#include "ktest.h"

void test_devices(void)
{
}
