/* sshtun: the attributes every program ssh/ starts gets (ssh/spawn.h). */
#include "ssh/spawn.h"

#include <signal.h>

int spawn_attr_init(posix_spawnattr_t *at)
{
	static const int deflt[] = { SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2 };
	sigset_t mask, def;
	int rc = posix_spawnattr_init(at);

	if (rc != 0) {
		return rc;
	}
	sigemptyset(&mask);
	sigemptyset(&def);
	for (size_t i = 0; i < sizeof(deflt) / sizeof(deflt[0]); i++) {
		sigaddset(&def, deflt[i]);
	}
	rc = posix_spawnattr_setsigmask(at, &mask);
	rc = rc ? rc : posix_spawnattr_setsigdefault(at, &def);
	rc = rc ? rc : posix_spawnattr_setpgroup(at, 0);
	rc = rc ? rc : posix_spawnattr_setflags(at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	if (rc != 0) {
		posix_spawnattr_destroy(at);
	}
	return rc;
}
