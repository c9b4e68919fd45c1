/* sshtun: the server's name resolved off the event loop: getaddrinfo in a thread of its own, its end an eventfd. */
#ifndef SSH_RESOLVE_H
#define SSH_RESOLVE_H

#include <netdb.h>

struct resolve_job;

/*
 * Starts resolving host:port (hints as getaddrinfo takes them) in a detached thread (in place, before this
 * returns, in the smallest builds: SSHTUN_SMALL_CODE). *efd is an eventfd that
 * becomes readable when the answer is in (the caller watches it and calls resolve_finish). 0, or
 * SSHTUN_ERR_NOMEM / SSHTUN_ERR_SYS.
 */
int resolve_start(const char *host, const char *port, const struct addrinfo *hints, struct resolve_job **out, int *efd);
/*
 * Takes the answer: getaddrinfo's return value, *res its list (the caller frees it with freeaddrinfo). The job
 * is released; its fd is closed. Only once the fd was readable.
 */
int resolve_finish(struct resolve_job *job, struct addrinfo **res);
/* Gives the job up (the connection ended first): the thread frees it when getaddrinfo returns. */
void resolve_abandon(struct resolve_job *job);

#endif
