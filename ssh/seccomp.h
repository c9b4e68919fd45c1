/*
 * sshtun: TunnelSeccomp (issue 15, least privilege). Once set up, the program asks for the whole process to be
 * confined to the system calls its configuration needs (sshtun_sandbox): a seccomp filter, classic BPF written
 * here (no libseccomp), that
 *   - kills the process for a call made under another architecture's numbering (i386's int 0x80, x32),
 *   - lets the allowed calls through, some only with allowed arguments (socket families and netlink protocols,
 *     clone without namespace flags, ioctl requests when no program is run),
 *   - answers clone3 with ENOSYS, so libc falls back to clone, whose flags a filter can see,
 *   - and refuses everything else with SIGSYS (SECCOMP_RET_TRAP): the sshtun program's handler makes the call
 *     fail with EPERM, names it in one line and stops the tunnel cleanly (a program without a handler dies of
 *     SIGSYS, as with SECCOMP_RET_KILL_PROCESS).
 * The allowed calls are groups, measured under strace across whole sessions (see ARCHITECTURE.md): the base
 * (the data path, connecting again, reading key and known_hosts files, the resolver, rtnetlink) and what the
 * configuration adds (SC_*).
 */
#ifndef SSH_SECCOMP_H
#define SSH_SECCOMP_H

#include "ssh/config.h"
#include "util/log.h"

enum {
	/*
	 * Starting programs: LocalCommand and TunnelDownCommand (PermitLocalCommand yes), ProxyCommand, the DNS
	 * tools, the program's own (an askpass). A filter is inherited by every process started and cannot be
	 * lifted, so this also lets through what ordinary programs need (a shell, ip, resolvectl): the list grows
	 * by their calls, ioctl is not limited and the socket families let through include AF_PACKET.
	 */
	SC_SPAWN = 1 << 0,
	/* The DNS given to the system: /etc/resolv.conf replaced and put back (rename, fchmod, fchown, symlink ...). */
	SC_DNS = 1 << 1,
	/* TunnelKillSwitch: libnftables' netlink (NETLINK_NETFILTER) to remove the table at the end. */
	SC_NFT = 1 << 2,
	/* The build's sanitizer runtime (ASan's LeakSanitizer stops the process with ptrace at exit). */
	SC_SANITIZER = 1 << 3
};

/* What a finished configuration (cfg_finish ran) needs, with the program's SSHTUN_SANDBOX_* flags. */
unsigned sc_needs(const struct cfg *c, unsigned flags);

/*
 * Sets no_new_privs and installs the filter for needs (SC_SANITIZER is added in a sanitizer build) on every
 * thread of the process (SECCOMP_FILTER_FLAG_TSYNC). 0, or SSHTUN_ERR_SYS with one line logged (the kernel
 * refused), SSHTUN_ERR_NOT_SUPPORTED in a build without it (SSHTUN_SECCOMP 0).
 */
int sc_install(unsigned needs, const struct lg *log);

/* The number of system calls the filter for needs lets through by number (tests, the log line); 0 if not built. */
int sc_count(unsigned needs);

#endif
