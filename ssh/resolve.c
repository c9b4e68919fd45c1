/*
 * sshtun: name resolution that does not stop the event loop. getaddrinfo may wait seconds for a DNS server;
 * sshtun_start and reconnects must not. Each resolution is one detached thread with a job of its own: the host,
 * the answer, an eventfd and a count of two owners (the thread and the connection). The thread writes the
 * eventfd when done; the connection, woken by it in its epoll set, takes the answer. A connection that ends
 * first gives its share up and the thread frees the job when it returns: nothing the thread touches belongs to
 * the handle. glibc's getaddrinfo is thread-safe; the thread blocks every signal, so the program's handlers run
 * on its own thread as before.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ssh/resolve.h"
#include "sshtun_err.h"
#include "util/features.h"

struct resolve_job {
	atomic_int owners;		/* 2 while both the thread and the connection hold it */
	int efd;
	int rc;				/* getaddrinfo's return value */
	struct addrinfo hints;
	struct addrinfo *res;
	char port[16];
	char host[];
};

static void job_put(struct resolve_job *j)
{
	if (atomic_fetch_sub(&j->owners, 1) == 1) {
		if (j->res) {
			freeaddrinfo(j->res);
		}
		if (j->efd >= 0) {
			close(j->efd);
		}
		free(j);
	}
}

static void *run(void *arg)
{
	struct resolve_job *j = arg;
	uint64_t one = 1;

	j->rc = getaddrinfo(j->host, j->port, &j->hints, &j->res);
	/* The write publishes rc and res (a system call is a full barrier); a job given up is freed by job_put. */
	if (write(j->efd, &one, sizeof(one)) < 0) {
		/* cannot happen with a counter this small: the connection would wait for its timeout */
	}
	job_put(j);
	return NULL;
}

#if SSHTUN_SMALL_CODE
/*
 * The smallest builds resolve in place, with no thread (the C library's thread code is 3 KB of a program that must
 * stay small): the event loop waits as long as the DNS servers take, once per connection and reconnect. The
 * answer arrives the same way, through the eventfd, readable when this returns.
 */
static int start(struct resolve_job *j)
{
	run(j);
	return 0;
}
#else
static int start(struct resolve_job *j)
{
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t t;
	int e;

	/* The thread inherits a full signal mask: signals stay the program's main thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	e = pthread_create(&t, &attr, run, j);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return e;
}
#endif

int resolve_start(const char *host, const char *port, const struct addrinfo *hints, struct resolve_job **out, int *efd)
{
	size_t n = strlen(host);
	struct resolve_job *j = calloc(1, sizeof(*j) + n + 1);
	int e;

	*out = NULL;
	if (!j) {
		return SSHTUN_ERR_NOMEM;
	}
	memcpy(j->host, host, n + 1);
	snprintf(j->port, sizeof(j->port), "%s", port);
	j->hints = *hints;
	j->hints.ai_canonname = NULL;
	j->hints.ai_addr = NULL;
	j->hints.ai_next = NULL;
	atomic_init(&j->owners, 2);
	if ((j->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		free(j);
		return SSHTUN_ERR_SYS;
	}
	if ((e = start(j)) != 0) {
		close(j->efd);
		free(j);
		errno = e;
		return SSHTUN_ERR_SYS;
	}
	*out = j;
	*efd = j->efd;
	return 0;
}

int resolve_finish(struct resolve_job *j, struct addrinfo **res)
{
	int rc = j->rc;

	*res = j->res;
	j->res = NULL;
	job_put(j);
	return rc;
}

void resolve_abandon(struct resolve_job *j)
{
	if (j) {
		job_put(j);
	}
}
