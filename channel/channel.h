/* sshtun: the connection protocol (RFC 4254): channel table, windows, global requests, the tun@openssh.com channel. */
#ifndef CHANNEL_CHANNEL_H
#define CHANNEL_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "transport/transport.h"
#include "util/limits.h"

enum chan_type { CH_TUN = 1, CH_SESSION = 2, CH_DIRECT = 3 };
enum chan_state { CH_FREE = 0, CH_OPENING, CH_OPEN, CH_CLOSED };
enum chan_tun_mode { CH_TUN_POINTOPOINT = 1, CH_TUN_ETHERNET = 2 };
enum { CH_TUN_ANY = 0x7fffffff };

/* OpenBSD address families as the tunnel carries them (PROTOCOL 2.3). */
enum { SSH_TUN_AF_INET = 2, SSH_TUN_AF_INET6 = 24 };

/* Space before a tunnel frame in an outgoing CHANNEL_DATA payload: type, channel, string length, address family. */
enum { CH_TUN_HEADROOM = 1 + 4 + 4 + 4 };

struct chan {
	int state;
	int type;
	uint32_t local_id;
	uint32_t remote_id;
	uint32_t local_window;		/* bytes the server may still send us */
	uint32_t local_consumed;	/* bytes taken since our last WINDOW_ADJUST */
	uint32_t window_size;		/* the window we grant this channel (topped up when half is used) */
	uint64_t remote_window;		/* bytes we may still send */
	uint32_t remote_maxpkt;
	int sent_eof, got_eof, sent_close, got_close;
	int tun_mode;
	/* Counters: frames carried and dropped, each way. */
	uint64_t tx_frames, rx_frames, tx_bytes, rx_bytes;
	uint64_t drop_window, drop_bad, drop_size;
	/* Session channels: channel requests sent that await their reply. */
	unsigned requests_pending;
	/* Why the server refused to open the channel. */
	uint32_t fail_code;
	char fail_msg[256];
};

/* What the channel layer tells its user. Any may be NULL. */
struct chan_events {
	void (*opened)(void *ud, struct chan *c);
	void (*open_failed)(void *ud, struct chan *c);
	/* One frame (IP packet or Ethernet frame) from the server, already checked; p is valid only during the call. */
	void (*frame)(void *ud, struct chan *c, const uint8_t *p, size_t n);
	void (*closed)(void *ud, struct chan *c);
	/*
	 * Session channels: bytes of the command's stdout (ext 0) or stderr (ext 1); direct-tcpip channels: the
	 * stream (ext 0), whose window its user gives back with chan_stream_consumed. p is valid during the call.
	 */
	void (*data)(void *ud, struct chan *c, int ext, const uint8_t *p, size_t n);
	/* The server's EOF (sshd sends it when the command closed both stdout and stderr, or the TCP peer its side). */
	void (*eof)(void *ud, struct chan *c);
	/* The command ended: its exit status, or -1 and the signal's name (printable, may be ""). */
	void (*exited)(void *ud, struct chan *c, int status, const char *signal);
	/* The reply to a channel request sent with chan_exec: 1 success, 0 failure. */
	void (*reply)(void *ud, struct chan *c, int ok);
};

struct chan_tab {
	struct tp *tp;
	const struct lg *log;
	struct chan_events ev;
	void *ud;
	uint32_t window;		/* initial window we grant */
	/* Keepalives are our only global requests: sent - answered are awaiting an answer. */
	uint64_t keepalives_sent, keepalives_answered;
	struct chan ch[CHAN_MAX_CHANNELS];
};

void chan_init(struct chan_tab *t, struct tp *tp, const struct chan_events *ev, void *ud, const struct lg *log);
/* Handles a connection-protocol message (80-127). 0, or a negative error after which the connection must end. */
int chan_handle(struct chan_tab *t, const struct tp_msg *m);
/* Sends CHANNEL_CLOSE (once); the channel is freed when the server's CLOSE arrives. */
int chan_close(struct chan_tab *t, struct chan *c);
/* Sends a keepalive@openssh.com global request that wants a reply (ServerAliveInterval). */
int chan_keepalive(struct chan_tab *t);

/* Asks the server for a session channel (RFC 4254 6.1); events.opened says when it is open. */
int chan_session_open(struct chan_tab *t, struct chan **out);
/* Runs cmd on an open session channel ("exec", RFC 4254 6.5), wanting a reply (events.reply). */
int chan_exec(struct chan_tab *t, struct chan *c, const char *cmd);

/*
 * Asks the server for a direct-tcpip channel to host:port (RFC 4254 7.2), granting window bytes; events.opened
 * or events.open_failed says how it went. Its data comes through events.data.
 */
int chan_direct_open(struct chan_tab *t, const char *host, uint32_t port, uint32_t window, struct chan **out);
/*
 * Zero-copy send on a stream channel: where up to *max bytes go (*max is cut to what the server's window and
 * maximum packet allow now), or NULL if nothing may be sent now. chan_stream_end sends the n bytes written.
 */
uint8_t *chan_stream_begin(struct chan_tab *t, struct chan *c, size_t *max);
int chan_stream_end(struct chan_tab *t, struct chan *c, size_t n);
/* n bytes the stream's user has passed on: the window they held is given back (WINDOW_ADJUST when half is used). */
int chan_stream_consumed(struct chan_tab *t, struct chan *c, size_t n);

/* Asks the server for a tun@openssh.com channel; mode CH_TUN_*, unit or CH_TUN_ANY. */
int chan_tun_open(struct chan_tab *t, int mode, uint32_t unit, struct chan **out);
/*
 * Zero-copy send: returns where a frame of up to max bytes goes (the headers
 * are written in front of it later), or NULL if the transport has no room now.
 * chan_tun_end sends the n bytes written; a frame over the window or the
 * server's maximum packet is dropped and counted (a datagram is never split).
 */
uint8_t *chan_tun_begin(struct chan_tab *t, struct chan *c, size_t max);
int chan_tun_end(struct chan_tab *t, struct chan *c, size_t n);
/* Copies and sends one frame. */
int chan_tun_send(struct chan_tab *t, struct chan *c, const uint8_t *frame, size_t n);
/* Parses the data of a CHANNEL_DATA on a tunnel channel into the frame; 0 or a negative error (exposed for fuzzing). */
int chan_tun_unframe(int mode, const uint8_t *data, size_t len, const uint8_t **frame, size_t *n);

#endif
