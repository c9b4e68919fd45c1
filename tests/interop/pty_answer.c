/*
 * sshtun: interop helper: runs a command on a new pseudo-terminal, as a user at a terminal would, and
 * types an answer when a prompt appears.
 *
 *   pty_answer PROMPT ANSWER UNTIL -- COMMAND [ARGS...]
 *
 * Copies everything the command writes to stdout. When its output contains PROMPT, types ANSWER and a
 * newline (once per appearance, at most 5 times); when it contains UNTIL, sends it SIGTERM. Exits with the
 * command's exit status (128 + signal if killed), or 124 after 60 seconds.
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { SEEN_MAX = 65536, TIMEOUT_S = 60, ANSWERS_MAX = 5 };

int main(int argc, char **argv)
{
	static char seen[SEEN_MAX + 1];
	size_t seen_len = 0, prompt_from = 0;
	const char *prompt, *answer, *until;
	int master, status = 0, answered = 0, stopped = 0;
	time_t start = time(NULL);
	pid_t pid;

	if (argc < 6 || strcmp(argv[4], "--") != 0) {
		fprintf(stderr, "usage: pty_answer PROMPT ANSWER UNTIL -- COMMAND [ARGS...]\n");
		return 2;
	}
	prompt = argv[1];
	answer = argv[2];
	until = argv[3];
	pid = forkpty(&master, NULL, NULL, NULL);
	if (pid < 0) {
		perror("forkpty");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[5], argv + 5);
		perror("exec");
		_exit(127);
	}
	for (;;) {
		struct pollfd pfd = { .fd = master, .events = POLLIN, .revents = 0 };
		char buf[4096];
		ssize_t got;

		if (time(NULL) - start > TIMEOUT_S) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			fprintf(stderr, "pty_answer: timed out\n");
			return 124;
		}
		if (poll(&pfd, 1, 200) <= 0) {
			if (waitpid(pid, &status, WNOHANG) == pid) {
				break;
			}
			continue;
		}
		got = read(master, buf, sizeof(buf));
		if (got <= 0) {
			/* EIO once the command has closed its terminal. */
			waitpid(pid, &status, 0);
			break;
		}
		fwrite(buf, 1, (size_t)got, stdout);
		fflush(stdout);
		if (seen_len + (size_t)got > SEEN_MAX) {
			seen_len = prompt_from = 0;
		}
		memcpy(seen + seen_len, buf, (size_t)got);
		seen_len += (size_t)got;
		seen[seen_len] = '\0';
		if (answered < ANSWERS_MAX && strstr(seen + prompt_from, prompt)) {
			/* Typed only once the prompt is out: the terminal is then in no-echo mode and keeps what is typed. */
			if (write(master, answer, strlen(answer)) < 0 || write(master, "\n", 1) < 0) {
				perror("write");
			}
			answered++;
			prompt_from = seen_len;
		}
		if (!stopped && until[0] && strstr(seen, until)) {
			kill(pid, SIGTERM);
			stopped = 1;
		}
	}
	close(master);
	if (WIFSIGNALED(status)) {
		return 128 + WTERMSIG(status);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
