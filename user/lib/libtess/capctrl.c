/* Helpers over capability_control (see tess.h). */
#include <string.h>
#include <tess.h>

long tess_cap_find(uint32_t type, struct capability *out)
{
	struct capability caps[64];
	long n = tess_capability_control(CAP_CONTROL_READ, 64, caps);
	if (n < 0)
		return n;
	for (long i = 0; i < n; i++)
		if (caps[i].type == type) {
			*out = caps[i];
			return 0;
		}
	return -E_NOCAP;
}

long tess_cap_share_copy(uint32_t type, unsigned share_to, uint32_t *capid)
{
	struct capability c;
	long r = tess_cap_find(type, &c);
	if (r)
		return r;
	r = tess_capability_control(CAP_CONTROL_REPLICATE, 0, &c);
	if (r)
		return r;
	r = tess_capability_control(CAP_CONTROL_SHARE, share_to, &c);
	if (r) {
		tess_capability_control(CAP_CONTROL_DESTROY, 0, &c);
		return r;
	}
	if (capid)
		*capid = c.capid;
	return 0;
}
