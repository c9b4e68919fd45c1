/* sshtun: ACK thinning: a pure TCP ACK made redundant by a later one of its connection in the same batch is not sent on. */
#ifndef TUN_ACKTHIN_H
#define TUN_ACKTHIN_H

#include <stddef.h>
#include <stdint.h>

/*
 * A bulk TCP transfer through the tunnel makes its receiver send a stream of
 * pure ACKs back, often several of one connection in the same batch of frames
 * (one read of the socket, one wakeup's reads of the device). Each costs a
 * write to the device (and the sender's TCP stack a pass) on one side and an
 * SSH packet, a decryption and a device write in sshd on the other. When a
 * later ACK of the same connection in the same batch acknowledges more, it says
 * everything the earlier one did, so the earlier one is dropped and the later
 * one takes its place in the order.
 *
 * Thinnable ("pure"): no payload; flags exactly ACK (no SYN, FIN, RST, PSH, URG,
 * ECE, CWR); TCP options only NOP, EOL and timestamps (no SACK blocks); IPv4
 * without options, not a fragment; IPv6 without extension headers; the IP
 * length matching the frame. An ACK is made redundant by a later pure ACK of
 * the same connection (IP version, addresses, ports) with the same sequence
 * number, the same length and an acknowledgement number strictly after it.
 * So duplicate ACKs (which signal loss), SACKs, ECN echoes, window updates that
 * do not move the ACK and anything carrying data always pass unchanged.
 */
struct tun_ack {
	uint8_t flow[37];	/* IP version, source and destination address, ports */
	uint8_t flowlen;	/* 0: not a TCP packet we can parse */
	uint8_t pure;
	uint32_t seq, ack;
	size_t len;
};

/*
 * Classifies a frame (l2: 0 for tun, 14 for tap). check_csum: 1 for frames from
 * the tunnel (a pure ACK must carry valid IP and TCP checksums), 0 for frames
 * read from the device (the kernel may leave the TCP checksum to be completed).
 */
void tun_ack_parse(struct tun_ack *a, const uint8_t *frame, size_t len, int l2, int check_csum);
/* 1 if newer (later in the batch) makes older redundant, as above. */
int tun_ack_supersedes(const struct tun_ack *newer, const struct tun_ack *older);
/* 1 if both are TCP packets of the same connection and direction. */
int tun_ack_same_flow(const struct tun_ack *a, const struct tun_ack *b);

/*
 * Holding pure ACKs read from the device until the batch ends: the caller
 * offers each pure ACK with tun_ackq_place (a slot to write the frame into, the
 * slot of the ACK it makes redundant if there is one), writes it there and
 * calls tun_ackq_commit. Before sending any other frame, and when the batch
 * ends, the caller sends what is held, oldest first (peek, then pop once sent),
 * so the order of every connection is kept.
 */
enum { TUN_ACKQ_SLOTS = 16, TUN_ACKQ_FRAME = 160 };
struct tun_ackq {
	size_t head, n, pend;
	uint64_t thinned;	/* ACKs dropped as redundant */
	struct {
		struct tun_ack a;
		size_t len;
		uint8_t frame[TUN_ACKQ_FRAME];
	} s[TUN_ACKQ_SLOTS];
};
void tun_ackq_init(struct tun_ackq *q);
/* Where to write a (pure, len <= TUN_ACKQ_FRAME); NULL if it is not pure or no slot is free (send what is held first). */
uint8_t *tun_ackq_place(struct tun_ackq *q, const struct tun_ack *a);
/* The frame (len bytes, 0 to cancel) is in the slot place returned. */
void tun_ackq_commit(struct tun_ackq *q, const struct tun_ack *a, size_t len);
/* Oldest held frame: 1 and *p, *len, or 0 when nothing is held. */
int tun_ackq_peek(const struct tun_ackq *q, const uint8_t **p, size_t *len);
void tun_ackq_pop(struct tun_ackq *q);
/* Number of frames held. */
size_t tun_ackq_held(const struct tun_ackq *q);

#endif
