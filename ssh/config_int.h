/* sshtun: what the ssh_config files share among themselves (private to ssh/config*.c). */
#ifndef SSH_CONFIG_INT_H
#define SSH_CONFIG_INT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "ssh/config.h"
#include "util/limits.h"
#include "util/log.h"

/*
 * The files:
 *   config.c          struct cfg's init/free; reading files and -o lines: Host/Match
 *                     blocks, Include, IgnoreUnknown
 *   config_keywords.c a line as keyword and arguments (ssh's quoting), the keyword table,
 *                     each keyword's handler
 *   config_values.c   the syntax of values (numbers, times, sizes, addresses, algorithm
 *                     lists), the local user, defaults and %-token/~/${VAR} expansion
 *                     (cfg_finish)
 *   config_get.c      a keyword's value as text again (cfg_get: sshtun_get_option, sshtun -G), from a table
 */

/* ---- config_keywords.c ---- */

/* One line split into words: argv[0] is the keyword; the words live in buf. */
struct cfg_toks {
	char buf[FILE_MAX_LINE + 2];
	char *argv[CONFIG_MAX_ARGS];
	int argc;
	/* The arguments as written, quotes kept, blanks at the end dropped (a command: TunnelConfigCommand ...). */
	char rest[FILE_MAX_LINE + 1];
};

/*
 * Splits a line of len bytes as ssh does: "Keyword args" or "Keyword=args";
 * arguments separated by blanks, grouped by double or single quotes; a backslash
 * escapes \ " ' (and a blank outside quotes); an unquoted '#' at the start of a
 * word begins a comment. Returns 0 (t->argc may be 0: nothing but blanks or a
 * comment) or -1 with *why set to a message.
 */
int cfg_tokenize(struct cfg_toks *t, const void *line, size_t len, const char **why);

/*
 * Applies one tokenized line (argv[0] is the keyword). Returns 0,
 * SSHTUN_ERR_CONFIG / SSHTUN_ERR_NOMEM after logging why, or CFG_KW_UNKNOWN
 * (nothing logged) when the keyword is not in the table. apply=0 checks the
 * value without storing it (lines in blocks that do not match). where is
 * "file:line" or "command line", for messages. rest is the arguments as written (cfg_toks.rest).
 */
enum { CFG_KW_UNKNOWN = 1 };
int cfg_kw_set(struct cfg *c, char **argv, int argc, const char *rest, int apply, const char *where, const struct lg *log);

/* ---- config_values.c ---- */

/* Decimal digits only, no sign, value <= max; 0 or -1 (*out = 0). */
int cfg_parse_num(const char *s, int64_t max, int64_t *out);
/* A tun unit: a number below CFG_TUN_ANY - 1, or "any" (CFG_TUN_ANY); n bytes of s. 0 or -1. */
int cfg_parse_tun_unit(const char *s, size_t n, int *out);
/* sshd_config(5) TIME FORMATS: one or more NUMBER[smhdw], a bare number is seconds; 0 or -1. */
int cfg_parse_time(const char *s, int *out);
/* ADDR[/PREFIX] (want_prefix) or ADDR: AF_INET or AF_INET6, or 0 if it does not parse. */
int cfg_parse_addr(const char *s, int want_prefix);
/* 1 if s is not empty and has no control characters (names and paths). */
int cfg_plain(const char *s);
/* 1 if s is an algorithm list as ssh takes it: [+-^]name[,name...], names of [A-Za-z0-9._@-*?]. */
int cfg_algo_list_ok(const char *s);

/* The local user: name and home ($HOME first), "" where unknown. */
struct cfg_who {
	char name[256];
	char home[PATH_MAX];
};

void cfg_get_who(struct cfg_who *w);

#endif
