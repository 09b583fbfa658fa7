/*
 * exit0: the smallest POSIX program, for the fork+exec+wait benchmark
 * (user/posix/posixbench): it exits with status 0 at once.
 */
int main(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	return 0;
}
