/* sshtun: command-line parsing. */
#ifndef CLI_OPTIONS_H
#define CLI_OPTIONS_H

#include "sshtun.h"

enum { CLI_MAX_LINES = 256 };

/*
 * The command line, applied to a library handle as it is parsed: each option becomes an ssh_config line
 * ("Port 2222") given to sshtun_set_params in command-line order, so the library checks it at once and
 * the first value obtained wins, before any file is read. The CLI uses the public API only.
 */
struct cli_opts {
	struct sshtun *h;		/* the handle the options went into; the caller takes it (or cli_opts_free frees it) */
	char *host;			/* the destination host (without user@) */
	int n_lines;			/* options applied */
	const char *config_file;	/* -F, or NULL for ~/.ssh/config then /etc/ssh/ssh_config */
	int verbose;			/* number of -v */
	int quiet;			/* -q */
	int help;			/* --help / -h */
	int version;			/* -V / --version */
	const char *query;		/* -Q kind: list what is supported */
	int print_config;		/* -G: print the configuration for the host, as ssh -G, and exit */
	int background;			/* -f: to the background once the tunnel is up and configured */
	const char *pidfile;		/* --pidfile FILE: the running process's pid, removed at exit */
	int cleanup;			/* --cleanup: remove what a crashed sshtun left (the kill switch's table) */
	const char *user;		/* --user NAME|UID: the user root becomes after the start (cli/privdrop.h) */
};

/*
 * Parses argv: sshtun [-46CfGhqVv] [-F configfile] [--pidfile file] [--user user] [-i identity_file]
 * [-l login_name] [-o option] [-p port] [-w local_tun[:remote_tun]] [user@]host.
 * On a usage error prints one line to stderr naming the problem and returns
 * SSHTUN_ERR_CONFIG. Sets host, and User from user@.
 */
int cli_parse(struct cli_opts *o, int argc, char **argv);
/* Frees what cli_parse allocated (the handle too, unless the caller took it and set o->h to NULL). */
void cli_opts_free(struct cli_opts *o);
/* Prints the --help text to stdout. */
void cli_usage(void);

#endif
