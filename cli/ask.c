/* sshtun: the command line's answers to the library's questions: the terminal, or SSH_ASKPASS as ssh uses it. */
#include "cli/ask.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

enum { ANSWER_MAX = 1024 };

static const sigset_t *ask_sigmask;	/* the mask to wait with: our signals unblocked */

void cli_ask_set_sigmask(const void *sigmask)
{
	ask_sigmask = sigmask;
}

/* Wipes a buffer so the compiler keeps the stores. */
static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--) {
		*v++ = 0;
	}
}

/* Reads one line from the terminal, echo off unless echo; 0, or -1 (no terminal, EOF, a signal). */
static int ask_tty(const char *instruction, const char *question, int echo, char *out, size_t outlen)
{
	struct termios old, quiet;
	sigset_t saved;
	size_t len = 0;
	int fd, have_old, r = -1;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	have_old = tcgetattr(fd, &old) == 0;
	if (have_old && !echo) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	if (instruction[0] && write(fd, instruction, strlen(instruction)) < 0) {
		goto out;
	}
	if (write(fd, question, strlen(question)) < 0) {
		goto out;
	}
	/* While asking, our signals are let through, so Ctrl-C ends the question (and then the program). */
	if (ask_sigmask) {
		sigprocmask(SIG_SETMASK, ask_sigmask, &saved);
	}
	for (;;) {
		char c;
		ssize_t got = read(fd, &c, 1);

		if (got <= 0 || c == '\n' || c == '\r') {
			r = got > 0 ? 0 : -1;
			break;
		}
		if (len + 1 < outlen) {
			out[len++] = c;
		}
	}
	if (ask_sigmask) {
		sigprocmask(SIG_SETMASK, &saved, NULL);
	}
	out[len] = '\0';
	if (!echo && write(fd, "\n", 1) < 0) {
		r = -1;
	}
out:
	if (have_old) {
		tcsetattr(fd, TCSAFLUSH, &old);
	}
	close(fd);
	return r;
}

/* Runs the askpass program with the question as its argument; its first line of output is the answer. */
static int ask_program(const char *prog, const char *question, int confirm, char *out, size_t outlen)
{
	int pipefd[2], status = 0;
	size_t len = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		if (confirm) {
			setenv("SSH_ASKPASS_PROMPT", "confirm", 1);
		}
		execlp(prog, prog, question, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		ssize_t got = read(pipefd[0], out + len, outlen - 1 - len);

		if (got < 0 && errno == EINTR) {
			continue;
		}
		if (got <= 0) {
			break;
		}
		len += (size_t)got;
		if (len + 1 >= outlen) {
			break;
		}
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	out[len] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		wipe(out, outlen);
		return -1;
	}
	return 0;
}

/* ssh's rules for choosing the askpass program over the terminal; sets *prog. */
static int use_askpass(const char **prog)
{
	const char *req = getenv("SSH_ASKPASS_REQUIRE"), *d = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
	int allow = (d && *d) || (w && *w), use = 0;

	*prog = getenv("SSH_ASKPASS");
	if (!*prog || !**prog) {
		*prog = "/usr/bin/ssh-askpass";
	}
	if (req && strcasecmp(req, "force") == 0) {
		use = allow = 1;
	} else if (req && strcasecmp(req, "prefer") == 0) {
		use = allow;
	} else if (req && strcasecmp(req, "never") == 0) {
		allow = 0;
	}
	if (!use && !isatty(STDIN_FILENO)) {
		use = 1;
	}
	return use && allow;
}

int cli_ask_may_spawn(void)
{
	const char *prog;

	return use_askpass(&prog);
}

void cli_ask(void *ud, const struct sshtun_prompt *p)
{
	struct sshtun *h = ud;
	static char answers[SSHTUN_PROMPT_MAX][ANSWER_MAX];
	const char *ptrs[SSHTUN_PROMPT_MAX];
	const char *prog = NULL;
	int askpass = use_askpass(&prog), ok = 1;

	for (unsigned i = 0; i < p->n && ok; i++) {
		const char *instruction = i == 0 ? p->instruction : "";
		char question[2048];

		if (askpass) {
			snprintf(question, sizeof(question), "%s%s", instruction, p->question[i]);
			ok = ask_program(prog, question, p->kind == SSHTUN_PROMPT_HOSTKEY || p->kind == SSHTUN_PROMPT_CONFIRM,
				answers[i], ANSWER_MAX) == 0;
		} else {
			ok = ask_tty(instruction, p->question[i], p->echo[i], answers[i], ANSWER_MAX) == 0;
		}
		ptrs[i] = answers[i];
	}
	if (!ok) {
		static const char *const what[] = { "question", "passphrase", "host key question", "password", "new password",
			"keyboard-interactive question", "question" };

		fprintf(stderr, "sshtun: %s not answered (%s)\n", what[p->kind >= 1 && p->kind <= 6 ? p->kind : 0],
			askpass ? "the askpass program failed" : "no terminal: set SSH_ASKPASS and DISPLAY, or SSH_ASKPASS_REQUIRE=force");
	}
	sshtun_answer(h, p->id, ok ? ptrs : NULL, p->n);
	wipe(answers, sizeof(answers));
}
