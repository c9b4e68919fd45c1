/* sshtun: every protocol and resource limit, in one place. */
#ifndef UTIL_LIMITS_H
#define UTIL_LIMITS_H

enum {
	/* Wire format (RFC 4251 section 5). */
	WIRE_MAX_STRING = 256 * 1024,	/* longest string field accepted */
	WIRE_MAX_MPINT = 16384 / 8 + 1,	/* 16384-bit numbers plus a sign byte */
	WIRE_MAX_NAMELIST = 64 * 1024,	/* longest name-list */
	WIRE_MAX_NAME = 64,		/* longest algorithm name in a name-list (RFC 4251 6) */
	WIRE_MAX_BUFFER = 16 * 1024 * 1024, /* largest a growable writer may become */

	/* Version exchange (RFC 4253 4.2). */
	TP_MAX_BANNER_LINE = 255,	/* incl. CR LF */
	TP_MAX_PREBANNER_LINES = 1024,	/* lines the server may send before its banner */

	/* Binary packet protocol (RFC 4253 6). */
	TP_MAX_PACKET_IN = 256 * 1024,	/* largest packet_length accepted from the server */
	TP_MAX_PACKET_OUT = 35000 + 1024,	/* largest packet we send, payload 35000 plus framing */
	TP_MAX_PAYLOAD_OUT = 35000,
	TP_MIN_PADDING = 4,
	TP_MAX_PADDING = 255,

	/* Channels (RFC 4254). */
	CHAN_MAX_CHANNELS = 8,		/* we open three at most: the tunnel, TunnelConfigCommand's session, a jump
					   host's direct-tcpip; each slot is cleared per connection (385 bytes) */
	CHAN_WINDOW = 16 * 1024 * 1024,	/* window we grant the server */
	CHAN_MAX_PACKET = 32 * 1024,	/* largest CHANNEL_DATA payload we accept (sshd's datagram limit) */
	CHAN_EXEC_MAX = 1024,		/* longest command run on a session channel (TunnelConfigCommand) */

	/* Tunnel. */
	TUN_MAX_FRAME = 65535 + 18,	/* largest frame read from or written to the device */
	TUN_DEFAULT_MTU = 1500,

	/* Key files, config files, known_hosts. */
	FILE_MAX_SIZE = 4 * 1024 * 1024,
	FILE_MAX_LINE = 16 * 1024,
	CONFIG_MAX_INCLUDE_DEPTH = 16,
	CONFIG_MAX_ARGS = 64,
	AUTH_MAX_TRIES = 32,
};

/* Default bytes before we rekey, by cipher block size (RFC 4344 3.2): 2^(L/4) blocks, capped at 1 GiB. */
#define TP_REKEY_BYTES_DEFAULT (1ULL << 30)
#define TP_REKEY_SECONDS_DEFAULT 3600

#endif
