/* sshtun: the connection object behind the public handle, shared by the files of ssh/. */
#ifndef SSH_CONN_INT_H
#define SSH_CONN_INT_H

#include <netdb.h>
#include <sys/types.h>

#include "channel/channel.h"
#include "sshtun.h"
#include "ssh/agent.h"
#include "ssh/config.h"
#include "ssh/dns.h"
#include "ssh/killswitch.h"
#include "ssh/key.h"
#include "ssh/netcfg.h"
#include "ssh/rconf.h"
#include "ssh/resolve.h"
#include "transport/transport.h"
#include "transport/userauth.h"
#include "tun/offload.h"
#include "tun/tun.h"
#include "util/features.h"

/* Keys to offer: the agent's, and for each file its certificates (CertificateFile and KEY-cert.pub) and itself. */
enum { CONN_MAX_IDS = 3 * CFG_MAX_IDENTITIES + AGENT_MAX_IDS };

struct sshtun;
/* What an agent identity signs with: the handle, and the certificate it is offered as (or NULL). */
struct conn_agent_ref {
	struct sshtun *h;
	const struct cert *cert;
};

struct sshtun;
/* What to do with the answers to a question (NULL: declined or not askable). Returns 0 or an error that ends the connection. */
typedef int (*conn_answer_fn)(struct sshtun *h, void *ctx, const char *const *answers, unsigned n);

/* An IdentityFile: its key, which stays locked until its passphrase is given (identity.c). */
struct conn_file {
	struct privkey key;	/* key.pub is known at once; the secret once unlocked */
	struct pubkey pub;	/* a locked key's public key, which the unlocked one must match */
	struct sshtun *h;
	const char *path;
	int locked;		/* passphrase-protected and not yet unlocked */
	int tries;		/* passphrases tried */
	int gave_up;		/* no passphrase to be had: the key is skipped */
	int agent_decided;	/* AddKeysToAgent was applied (or asked and answered) for this key */
	int adding;		/* handed to the agent, its answer not yet in */
};

/* The one question that may be waiting (prompt.c). */
struct conn_prompt {
	int pending;		/* asked, not yet handed to fn */
	int answered;		/* sshtun_answer came: fn runs in the next dispatch */
	int declined;
	unsigned last_id;
	struct sshtun_prompt pub;	/* what the program sees; points into the fields below */
	char name[512];
	char instruction[1024];
	char *questions[SSHTUN_PROMPT_MAX];
	char *answers[SSHTUN_PROMPT_MAX];
	conn_answer_fn fn;
	void *ctx;
};

/* TunnelConfigCommand: its session channel and what it printed (remote.c). */
enum { RC_NONE = 0, RC_WAITING, RC_APPLIED };
enum { RC_ERR_TAIL = 600, RC_LINE_MAX = 300, RC_DEFAULT_TIMEOUT_S = 30 };
struct conn_remote {
	int state;
	struct chan *chan;		/* the session; NULL once closed */
	uint64_t deadline_ms;		/* the configuration must be in by then */
	uint8_t *out;			/* stdout so far (RCONF_TEXT_MAX at most), freed once applied */
	size_t len;
	int got_eof;
	int exited;			/* exit-status or exit-signal came */
	int status;			/* exit status, -1 for a signal */
	char signal[32];
	char err[RC_ERR_TAIL];		/* the last stderr lines, for the message when it fails */
	size_t errlen;
	char line[RC_LINE_MAX];		/* the stderr line being collected */
	size_t linelen;
	struct rconf conf;		/* parsed */
};

/*
 * ProxyJump (jump.c). The connection runs over one end of a socketpair, as with ProxyCommand; the other end
 * belongs to a hop: a connection of its own (its own config, authentication and known_hosts) to the last jump
 * host, whose direct-tcpip channel to the server relays that end. A hop may run over a hop in turn.
 */
struct conn_jump {
	struct sshtun *hop;		/* the jump host this connection runs over; NULL none */
	/* In a hop: */
	struct sshtun *parent;		/* the connection it carries (its log and questions go there) */
	unsigned depth;			/* hops between it and the tunnel's connection, 1 for the last jump host */
	char name[300];			/* user@host:port, for messages */
	char *to_host;			/* where the direct-tcpip channel goes: the parent's server */
	int to_port;
	int fd;				/* its end of the socketpair, -1 none */
	uint32_t fd_events;		/* what the fd is watched for (0: not in the epoll set) */
	struct chan *chan;		/* the direct-tcpip channel, NULL until asked for and after it is closed */
	int chan_eof;			/* the server's EOF came: the fd's write side is shut once the buffer is written */
	uint8_t *buf;			/* bytes from the server not yet written to fd (at most the channel's window) */
	size_t off, len, cap;
};

/* What sshtun_set_params and sshtun_read_config were given, in order, so sshtun_reload can do it again. */
struct conn_setting {
	int read;		/* 1: sshtun_read_config(value) (value NULL: the default files); 0: set_params(key, value);
				 * 2: sshtun_read_config_text(key, value) */
	char *key;
	char *value;
};

struct sshtun {
	struct cfg cfg;
	struct conn_setting *settings;
	size_t nsettings;
	struct conn_jump jump;
	struct lg log;
	int status;
	int err;
	char errtext[768];
	sshtun_status_fn status_cb;
	void *status_ud;
	sshtun_prompt_fn prompt_cb;
	void *prompt_ud;
	struct conn_prompt prompt;
	int wakefd;		/* eventfd: an answer came (prompt.c) */

	/* I/O (io.c). */
	int epfd;
	int sock;
	pid_t proxy_pid;	/* ProxyCommand's process, 0 none */
	struct resolve_job *resolving;	/* the server's name being resolved (resolve.c), NULL none */
	int resolve_fd;			/* its eventfd, in the epoll set while resolving */
	struct addrinfo *ai_list;	/* the server's addresses while connecting (io.c), ai_cur the one tried */
	struct addrinfo *ai_cur;
	int ai_errno;		/* the last address's error */
	int attempts_left;	/* ConnectionAttempts still to make after this walk of the list */
	uint64_t retry_at_ms;	/* the next walk, 0 none */
	int timerfd;
	int flushfd;		/* receive coalescing timer (io.c) */
	int coalescing;
	uint64_t rx_frames_mark, rx_bytes_mark;
	uint64_t quiet_mark;	/* bytes on the wire both ways at the last tick */
	unsigned quiet_ticks;	/* ticks in a row with no more than a trickle (io.c judge_shrink) */
	int sock_want_out;	/* EPOLLOUT armed on the socket */
	int tun_paused;		/* tun reads stopped until the transport has room */
	uint64_t deadline_ms;	/* connect timeout, CLOCK_MONOTONIC ms; 0 none */
	uint64_t next_alive_ms;	/* next ServerAlive check */
	unsigned alive_missed;	/* silent ServerAlive intervals in a row */
	uint64_t alive_bytes_in;	/* the transport's byte count at the last check */
	/* ping@openssh.com: PINGs carry our send time (io_now_us, 8 bytes big-endian); the PONG gives the RTT. */
	uint32_t rtt_us;	/* the last round trip measured; 0 none yet */
	uint64_t pings_sent, pongs;

	/* Protocol. */
	struct tp *tp;
	/* Handed to the transport (tp_config.trace): only fuzz/record/record.c sets them, to record a session's messages. */
	void (*trace)(void *trace_ud, int raw, const uint8_t *p, size_t n);
	void *trace_ud;
	struct ua ua;
	struct chan_tab chans;
	struct chan *tun_chan;
	struct ua_identity *ids;	/* the keys to offer, while userauth runs (identity.c) */
	size_t n_ids, ids_cap;
	struct conn_file *files;	/* the IdentityFiles' keys, n_files of them, while userauth runs (identity.c) */
	int n_files;
	struct cert *certs[CONN_MAX_IDS];	/* user certificates offered (files' and the agent's), owned here */
	size_t n_certs;
	struct conn_agent_ref agent_refs[CONN_MAX_IDS];
	struct agent agent;
	int have_agent;
	int agent_watched;	/* the agent's socket is in the epoll set (a request in flight) */
	int agent_listing;	/* the agent's identities are being listed: userauth starts when they are in */
	uint64_t agent_list_deadline;	/* io_now_ms() by which the agent must have answered */
	char hostkey_prefer[128];
	struct pubkey hostkey;		/* the server's key, once trusted: a rekey must present the same */
	int have_hostkey;
	struct pubkey pending_hostkey;	/* the key the user is asked about */
	unsigned hostkey_asks;
	char auth_note[600];	/* why a key of ours could not be used (wrong passphrase ...), for the final line */	/* key types known_hosts holds for the server, asked for first */

	/* Local device. */
	struct tun_dev dev;
	struct tun_nl nl;
	struct net_plan net;		/* addresses, MTU, routes: planned, applied, undone (netcfg.c) */
	int mtu_explicit;		/* TunnelMTU was given */
	int dns_stale;			/* sshtun_reload changed TunnelDNS: set again at the next tunnel up */
	struct conn_remote rc;		/* the server's configuration command (remote.c) */
	struct dns_state dns;		/* the tunnel's DNS, to be undone (dns.c) */
	struct ks_state ks;		/* TunnelKillSwitch's table (killswitch.c) */
	int sandboxed;			/* TunnelSeccomp's filter is installed (seccomp.c) */
	pid_t lc_pid;			/* LocalCommand still running (localcmd.c), 0 none */
	int lc_pidfd;			/* its pidfd in the epoll set, -1 none */
	int local_up_ran;		/* the tunnel was up: TunnelDownCommand runs when it goes down */
	/* TunnelReconnect (reconnect.c). */
	int was_up;			/* a tunnel has been up: the device is configured, a loss may be reconnected */
	int tun_watched;		/* the device is in the epoll set */
	uint64_t up_since_ms;		/* when the tunnel came up (last time); 0 while it is not */
	uint64_t first_up_ms;		/* when it first came up */
	uint64_t reconnect_at_ms;	/* the next attempt, while SSHTUN_RECONNECTING */
	unsigned reconnect_attempt;	/* attempts since the last stable minute */
	unsigned reconnects;		/* times the tunnel came back up */
	char last_loss[768];		/* why the connection was last lost */
	uint64_t dev_drops;
	/* Offloads (d->vnet): a super-packet read from the device and where its splitting stands. */
	uint8_t *gso_buf;
	struct tun_gso gso;
	int gso_active;
	/* Pure TCP ACKs read from the device, held until the batch ends so a later one can replace them. */
	struct tun_ackq ackq;
	/* Frames from the tunnel, coalesced and written to the device once per batch of input. */
	uint8_t *gro_buf;
	struct tun_gro gro;
};

/* conn.c */
void conn_set_status(struct sshtun *h, int status);
/* Ends the connection with err; text is the line for the user (cause and fix). */
void conn_fail(struct sshtun *h, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int conn_protocol_start(struct sshtun *h);
/* Runs the protocol over what the transport has decoded. */
int conn_process(struct sshtun *h);
void conn_teardown_device(struct sshtun *h);
/* Writes the frames batched for the device (io_dispatch does, last in a wakeup); returns the writes made. */
size_t conn_flush_frames(struct sshtun *h);
/* Sets up the offload buffers once the device is open. */
int conn_offload_setup(struct sshtun *h);
/* The offload buffers: a super-packet read from the device with its vnet header; a batch of frames for it. */
enum { GSO_BUF = TUN_VNET_HDR_LEN + TUN_GSO_MAX, GRO_BUF = 2 * 1024 * 1024 };
/*
 * The tunnel has been quiet for a while (io.c): the pages of the buffers a transfer grew go back to the system
 * (the transport's, the offload batches'); the next burst faults them in again.
 */
void conn_shrink(struct sshtun *h);

/*
 * The tunnel is open (and configured by the server where asked): the device is configured (want: the plan with
 * the server's configuration, or NULL for the one made at start) and the tunnel is up. After a reconnect the
 * device is configured already: only what changed is done again (dns_changed: the server's DNS lines did).
 */
int conn_tunnel_ready(struct sshtun *h, const struct net_plan *want, int dns_changed);

/* remote.c */
/* Opens the session for TunnelConfigCommand once the tunnel channel is open. */
int conn_remote_start(struct sshtun *h);
/* Channel events of the session (from conn.c's table). */
void conn_remote_opened(struct sshtun *h, struct chan *c);
void conn_remote_data(struct sshtun *h, struct chan *c, int ext, const uint8_t *p, size_t n);
void conn_remote_eof(struct sshtun *h, struct chan *c);
void conn_remote_exited(struct sshtun *h, struct chan *c, int status, const char *signal);
void conn_remote_reply(struct sshtun *h, struct chan *c, int ok);
void conn_remote_closed(struct sshtun *h, struct chan *c);
/* From the timer: a configuration that did not come in time ends the connection. */
int conn_remote_tick(struct sshtun *h, uint64_t now_ms);
void conn_remote_free(struct sshtun *h);

/* localcmd.c */
/* LocalCommand (PermitLocalCommand yes) once the tunnel is up and configured; not waited for. */
int conn_local_up(struct sshtun *h);
/* LocalCommand ended (its pidfd is readable): reaped, a failure logged. */
void conn_local_reap(struct sshtun *h);
/* TunnelDownCommand while the tunnel is torn down (it had been up), waited for a few seconds at most. */
void conn_local_down(struct sshtun *h);

/* reconnect.c */
/* After a failure: 1 if TunnelReconnect applies (a tunnel was up, and the cause may pass), else 0. */
int conn_should_reconnect(const struct sshtun *h);
/* Drops the connection (the device and its configuration stay) and reconnects after delay_ms (UINT64_MAX: the backoff). */
void conn_reconnect_begin(struct sshtun *h, uint64_t delay_ms);
/* Drops a connection whose tunnel has been up and connects again now; why is the line logged. 0 or SSHTUN_ERR_STATE. */
int conn_reconnect_now(struct sshtun *h, const char *why);
/* From the timer: connects again when it is time; 0 or an error (the caller decides again). */
int conn_reconnect_tick(struct sshtun *h, uint64_t now_ms);

/* api.c: applies one set_params pair or one read_config to c (log for its errors); 0 or an error. */
int conn_apply_setting(struct cfg *c, const struct conn_setting *s, const struct lg *log);

/* jump.c */
#if SSHTUN_JUMP
/*
 * Starts the connection to the last jump host of ProxyJump; *fd is the end of the socketpair the connection
 * runs over (its bytes reach the server once the hop's channel is open). 0 or an error (named with conn_fail).
 */
int conn_jump_start(struct sshtun *h, int *fd);
/* Ends the hop (and its hops) at once. */
void conn_jump_free(struct sshtun *h);
/* The hop's epoll fd is readable: it runs; a hop that failed fails the connection with its cause. */
int conn_jump_dispatch(struct sshtun *h);
/* In a hop: authenticated, so the direct-tcpip channel is asked for. */
int conn_jump_open(struct sshtun *h);
/* In a hop: the direct-tcpip channel's events (from conn.c's table). */
void conn_jump_opened(struct sshtun *h, struct chan *c);
void conn_jump_open_failed(struct sshtun *h, struct chan *c);
void conn_jump_data(struct sshtun *h, struct chan *c, const uint8_t *p, size_t n);
void conn_jump_eof(struct sshtun *h, struct chan *c);
void conn_jump_closed(struct sshtun *h, struct chan *c);
/* In a hop: its end of the socketpair is ready (events EPOLLIN/EPOLLOUT...). */
int conn_jump_io(struct sshtun *h, uint32_t events);
/* In a hop: what its fd should be watched for now (after each dispatch: the window, the output backlog). */
void conn_jump_rearm(struct sshtun *h);
#else
/*
 * A build without ProxyJump (util/features.h): the configuration refuses it, so no connection has a hop or is
 * one. These keep the callers whole; the compiler drops what calls them.
 */
static inline int conn_jump_start(struct sshtun *h, int *fd)
{
	(void)h;
	(void)fd;
	return SSHTUN_ERR_NOT_SUPPORTED;
}
static inline void conn_jump_free(struct sshtun *h) { (void)h; }
static inline int conn_jump_dispatch(struct sshtun *h) { (void)h; return 0; }
static inline int conn_jump_open(struct sshtun *h) { (void)h; return SSHTUN_ERR_NOT_SUPPORTED; }
static inline void conn_jump_opened(struct sshtun *h, struct chan *c) { (void)h; (void)c; }
static inline void conn_jump_open_failed(struct sshtun *h, struct chan *c) { (void)h; (void)c; }
static inline void conn_jump_data(struct sshtun *h, struct chan *c, const uint8_t *p, size_t n)
{
	(void)h;
	(void)c;
	(void)p;
	(void)n;
}
static inline void conn_jump_eof(struct sshtun *h, struct chan *c) { (void)h; (void)c; }
static inline void conn_jump_closed(struct sshtun *h, struct chan *c) { (void)h; (void)c; }
static inline int conn_jump_io(struct sshtun *h, uint32_t events) { (void)h; (void)events; return 0; }
static inline void conn_jump_rearm(struct sshtun *h) { (void)h; }
#endif

/* hostkey.c */
int conn_check_hostkey(void *ud, const struct pubkey *key, const struct cert *cert);
/* The key types known_hosts holds for the server (comma-separated type names; "" if none). */
void conn_known_types(struct sshtun *h, char *out, size_t outlen);

/* identity.c */
enum { AGENT_LIST_TIMEOUT_MS = 5000 };
/*
 * Gathers the keys to offer: 0 done (the caller starts userauth), 1 userauth is started or will be when the
 * agent's list is in (conn_agent_listed), or an error.
 */
int conn_load_identities(struct sshtun *h);
/* The agent's list is in (or it failed or timed out): the rest of the keys, then userauth starts. */
int conn_agent_listed(struct sshtun *h);
/* conn.c: starts userauth once the keys are gathered. */
int conn_auth_start(struct sshtun *h);
/* conn.c: goes on with userauth after a sign() waited (an answer came); 0 or an error that ends the connection. */
int conn_auth_resume(struct sshtun *h);
void conn_free_identities(struct sshtun *h);

/* prompt.c */
/*
 * Asks the user (through the program's callback): SSHTUN_ERR_AGAIN when asked (fn gets the answers in a
 * later dispatch), SSHTUN_ERR_NO_PROMPT when nothing may be asked (BatchMode, no callback: fn is not called).
 */
int conn_ask(struct sshtun *h, int kind, const char *name, const char *instruction, unsigned n,
	const char *const *questions, const int *echo, conn_answer_fn fn, void *ctx);
/* Hands stored answers to their continuation; 0 if there were none. */
int conn_prompt_run(struct sshtun *h);
void conn_prompt_free(struct sshtun *h);

/* io.c */
uint64_t io_now_ms(void);
/* CLOCK_MONOTONIC in microseconds. */
uint64_t io_now_us(void);
/* A PING stamped with the time, when the server announced ping@openssh.com; 0 if sent, else not supported. */
int conn_ping(struct sshtun *h);
int io_setup(struct sshtun *h);
int io_connect(struct sshtun *h);
int io_dispatch(struct sshtun *h, int timeout_ms, const sigset_t *sigmask);
int io_add_tun(struct sshtun *h);
void io_close(struct sshtun *h);
/* Frees the address list of a connect (kept, with a kill switch, for reconnects; force frees it then too). */
void io_free_addrs(struct sshtun *h, int force);
/* Closes the connection's socket (and ends ProxyCommand's process). */
void io_close_sock(struct sshtun *h);
int io_flush(struct sshtun *h);
/* The server's address as connected to (for TunnelRoute default); 0 or SSHTUN_ERR_SYS. */
int io_peer_addr(struct sshtun *h, struct tun_addr *out);
/* A child's pidfd into the epoll set (LocalCommand), and out again. */
int io_watch_child(struct sshtun *h, int pidfd);
void io_unwatch_child(struct sshtun *h, int pidfd);
/* The relay's fd of a hop into the epoll set for events (0: out of it); the hop's epoll fd into its parent's. */
#if SSHTUN_JUMP
int io_watch_relay(struct sshtun *h, int fd, uint32_t events, uint32_t old);
int io_watch_hop(struct sshtun *h, int epfd);
#endif
/* Bytes waiting in the transport for the socket (for the relay's backpressure). */
size_t io_pending_out(struct sshtun *h);
/* Puts the agent's socket into the epoll set for the request in flight, or takes it out when there is none. */
int io_watch_agent(struct sshtun *h);

#endif
