/* sshtun: command-line parsing. */
#ifndef CLI_OPTIONS_H
#define CLI_OPTIONS_H

#include "ssh/config.h"

enum { CLI_MAX_LINES = 256 };

struct cli_opts {
	struct cfg cfg;			/* options from the command line, applied first */
	/* The same options as ssh_config lines ("Port 2222"), in order: what is handed to the library. */
	char *lines[CLI_MAX_LINES];
	int n_lines;
	const char *config_file;	/* -F, or NULL for ~/.ssh/config then /etc/ssh/ssh_config */
	int verbose;			/* number of -v */
	int quiet;			/* -q */
	int help;			/* --help / -h */
	int version;			/* -V / --version */
};

/*
 * Parses argv: sshtun [-46hqVv] [-F configfile] [-i identity_file] [-l login_name]
 * [-o option] [-p port] [-w local_tun[:remote_tun]] [user@]host.
 * On a usage error prints one line to stderr naming the problem and returns
 * SSHTUN_ERR_CONFIG. Sets cfg.host (and cfg.user from user@).
 */
int cli_parse(struct cli_opts *o, int argc, char **argv);
/* Frees what cli_parse allocated. */
void cli_opts_free(struct cli_opts *o);
/* Prints the --help text to stdout. */
void cli_usage(void);

#endif
