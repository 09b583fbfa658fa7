/* Names for the kernel's error codes (include/tessera/errors.h). */
#include <tess.h>

static const char *const names[E_ERROR_MAX] = {
    [E_OK] = "ok",
    [E_INVAL] = "invalid argument",
    [E_BADCAP] = "no capability at that address",
    [E_CAPTYPE] = "wrong capability type",
    [E_RIGHTS] = "insufficient rights",
    [E_OCCUPIED] = "slot occupied",
    [E_EMPTY] = "slot empty",
    [E_NOMEM] = "out of untyped memory",
    [E_RANGE] = "out of range",
    [E_ALIGN] = "misaligned",
    [E_MAPPED] = "already mapped",
    [E_NOTMAPPED] = "not mapped",
    [E_REVOKEFIRST] = "revoke first",
    [E_FAULT] = "bad address",
    [E_NOSYS] = "no such operation",
    [E_NOCAP] = "no capability authorizes this",
    [E_NOTHREAD] = "no such thread",
    [E_BUSY] = "busy",
    [E_PERM] = "not permitted",
    [E_ACTIVE] = "thread is active",
    [E_LIMIT] = "kernel table full",
    [E_ABORTED] = "aborted",
    [E_NOCHILD] = "no child",
    [E_TOOBIG] = "too big",
    [E_SELF] = "may not name itself",
    [E_WOULDBLOCK] = "would block",
    [E_EXISTS] = "already exists",
    [E_NOBUF] = "no IPC buffer",
    [E_TIMEOUT] = "timed out",
};

const char *tess_strerror(long err)
{
	if (err < 0)
		err = -err;
	if (err < E_ERROR_MAX && names[err])
		return names[err];
	return "unknown error";
}
