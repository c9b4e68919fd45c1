/* sshtun: how ssh/ starts another program (ProxyCommand, LocalCommand, TunnelDownCommand, the DNS tools). */
#ifndef SSH_SPAWN_H
#define SSH_SPAWN_H

#include <spawn.h>

/*
 * Initializes at for a program as a fresh process expects it: no signal blocked (the caller may block some, as
 * the sshtun program blocks INT, TERM, HUP and USR1 outside its wait), the usual signals at their default action,
 * and a process group of its own (a signal for the caller's group does not cut it short). 0 or an errno; on
 * success the caller destroys at.
 */
int spawn_attr_init(posix_spawnattr_t *at);

/*
 * Adds to fa the closing of every descriptor from lowfd up in the child (after its dup2 actions), so that a program
 * inherits only 0, 1 and 2 even from a caller whose own descriptors lack O_CLOEXEC. glibc 2.34 on has an action for
 * that; elsewhere (musl) each descriptor open now is named (/proc/self/fd). 0 or an errno.
 */
int spawn_close_from(posix_spawn_file_actions_t *fa, int lowfd);

#endif
