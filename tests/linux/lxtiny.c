/*
 * lxtiny: the smallest ordinary static musl program, which lxbench runs
 * for its fork + exec + wait figure: musl's start-up, then exit 0.
 */
int main(void)
{
	return 0;
}
