/* sshtun: from root to an ordinary user after the start, CAP_NET_ADMIN kept (cli/privdrop.h). */
#include "cli/privdrop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Built --without-privdrop, all of the change is left out, and with it the C library's passwd and group lookups
 * (getpwnam, getgrouplist); priv_target alone stays, at the end, to refuse what needed it.
 */
#if SSHTUN_HAVE_PRIVDROP

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* Root's groups before priv_assume, for priv_restore: the one process-wide copy, in cli/ where it is allowed. */
static gid_t root_groups[PRIV_GROUPS_MAX];
static int root_ngroups = -1;

static void fail_line(const char *what, int e)
{
	fprintf(stderr, "sshtun: cannot give up root: %s: %s; run sshtun as the user with the file capability "
		"(make install-caps) instead, or with --user root\n", what, strerror(e));
}

/* A uid in decimal, all digits, below the "no uid" value: 0, or -1. */
static int parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (!s[0] || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10) {
		return -1;
	}
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' && *out < (unsigned long)(uid_t)-1 ? 0 : -1;
}

/* The passwd entry of a name, or of a uid given in digits (a name first if one is all digits). */
static int lookup(const char *who, int by_uid, struct passwd *pw, char *buf, size_t len)
{
	struct passwd *res = NULL;
	unsigned long id;

	if (!by_uid && getpwnam_r(who, pw, buf, len, &res) == 0 && res) {
		return 0;
	}
	if (parse_id(who, &id) == 0 && getpwuid_r((uid_t)id, pw, buf, len, &res) == 0 && res) {
		return 0;
	}
	return -1;
}

static int take_groups(struct priv_user *u)
{
	int n = PRIV_GROUPS_MAX;

	if (getgrouplist(u->name, u->gid, u->groups, &n) < 0) {
		fprintf(stderr, "sshtun: %s: %s is in more than %d groups\n", u->from, u->name, PRIV_GROUPS_MAX);
		return -1;
	}
	u->ngroups = n;
	return 0;
}

int priv_target(struct priv_user *u, const char *opt)
{
	char buf[16384];
	const char *sudo = getenv("SUDO_UID"), *sgid = getenv("SUDO_GID");
	struct passwd pw;
	unsigned long id;

	memset(u, 0, sizeof(*u));
	if (opt) {
		u->from = "--user";
		if (lookup(opt, 0, &pw, buf, sizeof(buf)) != 0) {
			fprintf(stderr, "sshtun: --user %.64s: no such user; see sshtun --help\n", opt);
			return -1;
		}
	} else if (sudo && sudo[0] && geteuid() == 0) {
		u->from = "SUDO_UID";
		if (lookup(sudo, 1, &pw, buf, sizeof(buf)) != 0) {
			fprintf(stderr, "sshtun: SUDO_UID=%.32s names no user; give --user NAME (or --user root), or unset "
				"SUDO_UID\n", sudo);
			return -1;
		}
	} else {
		return 0;	/* not run through sudo, no --user: stays who it is */
	}
	if (pw.pw_uid == 0) {
		return 0;	/* --user root, or sudo from root: nothing to give up */
	}
	if (geteuid() != 0) {
		if (pw.pw_uid == getuid()) {
			return 0;	/* that user already */
		}
		fprintf(stderr, "sshtun: --user %.64s: only root can become another user (sshtun runs as uid %u); see "
			"sshtun --help\n", opt, (unsigned)getuid());
		return -1;
	}
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	/* sudo's SUDO_GID is the group the user ran it with. */
	if (!opt && sgid && parse_id(sgid, &id) == 0) {
		u->gid = (gid_t)id;
	}
	if (strlen(pw.pw_name) >= sizeof(u->name) || strlen(pw.pw_dir) >= sizeof(u->home)) {
		fprintf(stderr, "sshtun: %s: the user's name or home directory is too long\n", u->from);
		return -1;
	}
	snprintf(u->name, sizeof(u->name), "%s", pw.pw_name);
	snprintf(u->home, sizeof(u->home), "%s", pw.pw_dir);
	if (take_groups(u) != 0) {
		return -1;
	}
	u->drop = 1;
	return 0;
}

static int cap_get(uint64_t *eff, uint64_t *prm, uint64_t *inh)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &hdr, d) != 0) {
		return -1;
	}
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

static int cap_set(uint64_t eff, uint64_t prm, uint64_t inh)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	d[0].effective = (uint32_t)eff;
	d[1].effective = (uint32_t)(eff >> 32);
	d[0].permitted = (uint32_t)prm;
	d[1].permitted = (uint32_t)(prm >> 32);
	d[0].inheritable = (uint32_t)inh;
	d[1].inheritable = (uint32_t)(inh >> 32);
	return syscall(SYS_capset, &hdr, d) == 0 ? 0 : -1;
}

int priv_assume(const struct priv_user *u)
{
	uint64_t eff, prm, inh;

	root_ngroups = getgroups(PRIV_GROUPS_MAX, root_groups);
	if (root_ngroups < 0) {
		fail_line("getgroups", errno);
		return -1;
	}
	if (setenv("HOME", u->home, 1) != 0 || setenv("USER", u->name, 1) != 0 || setenv("LOGNAME", u->name, 1) != 0) {
		fail_line("setenv", errno);
		return -1;
	}
	if (setgroups((size_t)u->ngroups, u->groups) != 0 || setresgid(u->gid, u->gid, 0) != 0) {
		fail_line("the user's groups", errno);
		return -1;
	}
	/*
	 * The saved uid stays root's, so the permitted set stays whole; the effective set, emptied as the effective
	 * uid leaves 0, is raised again. (The real uid must equal the effective one: libxtables, which libnftables
	 * loads for the kill switch, exits with status 111 in a process where they differ.)
	 */
	if (setresuid(u->uid, u->uid, 0) != 0) {
		fail_line("the user's uid", errno);
		return -1;
	}
	if (cap_get(&eff, &prm, &inh) != 0 || cap_set(prm, prm, inh) != 0) {
		fail_line("root's capabilities under the user's uid", errno);
		return -1;
	}
	return 0;
}

int priv_restore(void)
{
	/* The effective uid back to 0 makes the effective set the permitted one again. */
	if (setresuid(0, 0, 0) != 0 || setresgid(0, 0, 0) != 0 ||
	    (root_ngroups >= 0 && setgroups((size_t)root_ngroups, root_groups) != 0)) {
		fail_line("back to root", errno);
		return -1;
	}
	return 0;
}

int priv_files_begin(void)
{
	uint64_t eff, prm, inh;

	if (cap_get(&eff, &prm, &inh) != 0 || cap_set(0, prm, inh) != 0) {
		fail_line("reading the configuration without root's capabilities", errno);
		return -1;
	}
	return 0;
}

int priv_files_end(void)
{
	uint64_t eff, prm, inh;

	if (cap_get(&eff, &prm, &inh) != 0 || cap_set(prm, prm, inh) != 0) {
		fail_line("root's capabilities back after reading the configuration", errno);
		return -1;
	}
	return 0;
}

/* The ambient set as the kernel reports it, cap by cap (an unknown cap number reads as not set). */
static uint64_t ambient_now(void)
{
	uint64_t a = 0;

	for (int c = 0; c < 64; c++) {
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, (unsigned long)c, 0UL, 0UL) == 1) {
			a |= (uint64_t)1 << c;
		}
	}
	return a;
}

/* What the drop must have done: ids, capabilities, ambient set, and no way back to root. */
static int verify(const struct priv_user *u, uint64_t keep, uint64_t ambient)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	uint64_t eff, prm, inh;
	char want[160], got[160];

	if (getresuid(&r, &e, &s) != 0 || r != u->uid || e != u->uid || s != u->uid ||
	    getresgid(&rg, &eg, &sg) != 0 || rg != u->gid || eg != u->gid || sg != u->gid) {
		fail_line("the user and group ids are not the user's after the change", EPERM);
		return -1;
	}
	if (cap_get(&eff, &prm, &inh) != 0) {
		fail_line("capget", errno);
		return -1;
	}
	if (eff != keep || prm != keep || inh != ambient || ambient_now() != ambient) {
		priv_caps_text(keep, want, sizeof(want));
		priv_caps_text(prm, got, sizeof(got));
		fprintf(stderr, "sshtun: cannot give up root: the capabilities are not %s alone (permitted: %s); run "
			"sshtun as the user with the file capability (make install-caps) instead, or with --user root\n",
			want, got);
		return -1;
	}
	if (setresuid(0, 0, 0) == 0 || setresgid(0, 0, 0) == 0) {
		fail_line("root could be taken back after the change", EPERM);
		return -1;
	}
	return 0;
}

int priv_drop(const struct priv_user *u, uint64_t keep, uint64_t ambient)
{
	if (setgroups((size_t)u->ngroups, u->groups) != 0) {
		fail_line("setgroups", errno);
		return -1;
	}
	if (setresgid(u->gid, u->gid, u->gid) != 0) {
		fail_line("setresgid", errno);
		return -1;
	}
	/* Keep the permitted set across the uid change: it is cut down to keep right after. */
	if (prctl(PR_SET_KEEPCAPS, 1UL, 0UL, 0UL, 0UL) != 0) {
		fail_line("prctl(PR_SET_KEEPCAPS)", errno);
		return -1;
	}
	if (setresuid(u->uid, u->uid, u->uid) != 0) {
		fail_line("setresuid", errno);
		return -1;
	}
	if (cap_set(keep, keep, ambient) != 0) {
		fail_line("capset", errno);
		return -1;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0UL, 0UL, 0UL) != 0) {
		fail_line("prctl(PR_CAP_AMBIENT_CLEAR_ALL)", errno);
		return -1;
	}
	for (int c = 0; c < 64; c++) {
		if ((ambient >> c) & 1 &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)c, 0UL, 0UL) != 0) {
			fail_line("prctl(PR_CAP_AMBIENT_RAISE)", errno);
			return -1;
		}
	}
	if (prctl(PR_SET_KEEPCAPS, 0UL, 0UL, 0UL, 0UL) != 0) {
		fail_line("prctl(PR_SET_KEEPCAPS, 0)", errno);
		return -1;
	}
	return verify(u, keep, ambient);
}

void priv_caps_text(uint64_t caps, char *out, size_t outlen)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = {
		{ CAP_CHOWN, "CAP_CHOWN" }, { CAP_DAC_OVERRIDE, "CAP_DAC_OVERRIDE" }, { CAP_FOWNER, "CAP_FOWNER" },
		{ CAP_NET_ADMIN, "CAP_NET_ADMIN" },
	};
	size_t n = 0;

	out[0] = '\0';
	/* CAP_NET_ADMIN first: it is the one always kept. */
	if ((caps >> CAP_NET_ADMIN) & 1) {
		n += (size_t)snprintf(out + n, outlen - n, "CAP_NET_ADMIN");
	}
	for (int c = 0; c < 64 && n < outlen; c++) {
		const char *name = NULL;
		char num[16];

		if (!((caps >> c) & 1) || c == CAP_NET_ADMIN) {
			continue;
		}
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			if (names[i].bit == c) {
				name = names[i].name;
			}
		}
		if (!name) {
			snprintf(num, sizeof(num), "cap %d", c);
			name = num;
		}
		n += (size_t)snprintf(out + n, outlen - n, "%s%s", n ? " " : "", name);
	}
	if (n == 0) {
		snprintf(out, outlen, "none");
	}
}

void priv_rescue(void)
{
	uint64_t eff, prm, inh;

	if (cap_get(&eff, &prm, &inh) == 0 && eff != prm) {
		(void)cap_set(prm, prm, inh);
	}
}

#else /* !SSHTUN_HAVE_PRIVDROP */

/* "0", "00": uid 0, as parse_id reads it; without the passwd lookup, the one uid known without asking. */
static int names_uid0(const char *s)
{
	return s[0] && strspn(s, "0") == strlen(s);
}

/*
 * The conditions of priv_target above, without anyone to become. --user root (or 0) changes nothing there
 * either, so it is taken (no lookup: it is known without one); any other --user would need the change.
 * Through sudo from a user, the drop would have become that user, and its HOME and ~/.ssh (config, keys,
 * known_hosts) would have been used: staying root would silently trust root's instead, so it is refused
 * unless --user root says that is meant.
 */
int priv_target(struct priv_user *u, const char *opt)
{
	const char *sudo = getenv("SUDO_UID");

	memset(u, 0, sizeof(*u));
	if (opt) {
		if (strcmp(opt, "root") == 0 || names_uid0(opt)) {
			return 0;
		}
		fprintf(stderr, "sshtun: --user %.64s: this build cannot change user (built --without-privdrop); run "
			"sshtun as that user with the file capability (make install-caps) instead, without --user, or "
			"give --user root\n", opt);
		return -1;
	}
	if (sudo && sudo[0] && geteuid() == 0 && !names_uid0(sudo)) {
		fprintf(stderr, "sshtun: run through sudo (SUDO_UID=%.32s), sshtun would become that user and use its "
			"~/.ssh, but this build cannot change user (built --without-privdrop); give --user root to run as "
			"root with root's ~/.ssh, or run sshtun as that user with the file capability (make install-caps)\n",
			sudo);
		return -1;
	}
	return 0;	/* not run through sudo, no --user (or sudo from root): stays who it is, as above */
}

#endif /* SSHTUN_HAVE_PRIVDROP */
