/*
 * sshtun: a stand-in for systemd's notify socket in the tests: binds a datagram socket at argv[1] and prints each
 * message on one line (its newlines as " | "), flushed, until it is killed or argv[2] seconds pass.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa;
	char buf[4096];
	int fd, secs = argc > 2 ? atoi(argv[2]) : 120;
	time_t end = time(NULL) + secs;

	if (argc < 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: notify_listen PATH [SECONDS]\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, argv[1]);
	unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror("notify_listen");
		return 1;
	}
	while (time(NULL) < end) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, 200) <= 0) {
			continue;
		}
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0) {
			continue;
		}
		buf[n] = '\0';
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				fputs(" | ", stdout);
			} else {
				putchar(buf[i]);
			}
		}
		putchar('\n');
		fflush(stdout);
	}
	unlink(argv[1]);
	return 0;
}
