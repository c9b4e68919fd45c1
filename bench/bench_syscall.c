/* sshtun: the cost of one bare system call on this machine, to weigh batching syscalls on the data path. */
/*
 * Times N getppid() calls made through syscall(2) (no libc caching) on the monotonic clock and prints
 * nanoseconds per call: the entry and exit that any read, write, send or epoll wait pays on top of its
 * own work. Multiply by bench/probe.sh's `syscalls` counts for what batching them could save at most.
 * usage: bench_syscall [calls]   (default 5000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 5000000;
	struct timespec a, b;
	double ns;

	if (n <= 0) {
		fprintf(stderr, "bench_syscall: calls must be a positive number\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		(void)syscall(SYS_getppid);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (double)n;
	printf("%.0f ns per system call (%ld calls of getppid)\n", ns, n);
	return 0;
}
