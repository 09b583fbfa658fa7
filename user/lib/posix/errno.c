/* perror: errno's meaning, for messages. */
#include <errno.h>
#include <stdio.h>

static const char *const messages[] = {
    [EPERM] = "operation not permitted",
    [ENOENT] = "no such file or directory",
    [ESRCH] = "no such process",
    [EINTR] = "interrupted",
    [EIO] = "I/O error",
    [E2BIG] = "argument list too long",
    [ENOEXEC] = "exec format error",
    [EBADF] = "bad file descriptor",
    [ECHILD] = "no child processes",
    [EAGAIN] = "try again",
    [ENOMEM] = "out of memory",
    [EACCES] = "permission denied",
    [EFAULT] = "bad address",
    [EBUSY] = "busy",
    [EEXIST] = "file exists",
    [ENOTDIR] = "not a directory",
    [EISDIR] = "is a directory",
    [EINVAL] = "invalid argument",
    [EMFILE] = "too many open files",
    [ETXTBSY] = "text file busy",
    [ENOSPC] = "no space left",
    [ESPIPE] = "illegal seek",
    [ERANGE] = "out of range",
    [ENAMETOOLONG] = "file name too long",
    [ENOSYS] = "function not implemented",
    [ENOTEMPTY] = "directory not empty",
};

void perror(const char *s)
{
	const char *m = NULL;
	if (errno > 0 && errno < (int)(sizeof(messages) / sizeof(messages[0])))
		m = messages[errno];
	if (s && *s)
		printf("%s: ", s);
	if (m)
		printf("%s\n", m);
	else
		printf("error %d\n", errno);
}
