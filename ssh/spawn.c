/* sshtun: the attributes every program ssh/ starts gets (ssh/spawn.h). */
#include "ssh/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>

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

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
int spawn_close_from(posix_spawn_file_actions_t *fa, int lowfd)
{
	return posix_spawn_file_actions_addclosefrom_np(fa, lowfd);
}
#else
/* A descriptor closed again before the spawn makes the child's close fail, which musl's posix_spawn ignores. */
int spawn_close_from(posix_spawn_file_actions_t *fa, int lowfd)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e = NULL;
	int rc = 0;

	if (!d) {
		return errno;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char *end = NULL;
		long fd = strtol(e->d_name, &end, 10);

		if (end == e->d_name || *end != '\0' || fd < lowfd || fd > INT_MAX || fd == dirfd(d)) {
			continue;
		}
		rc = posix_spawn_file_actions_addclose(fa, (int)fd);
	}
	closedir(d);
	return rc;
}
#endif
