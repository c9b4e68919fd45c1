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

#endif
