/* sshtun: tun offloads (IFF_VNET_HDR): splitting TSO super-packets read from the device, coalescing TCP segments written to it. */
#ifndef TUN_OFFLOAD_H
#define TUN_OFFLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "tun/ackthin.h"

/*
 * With IFF_VNET_HDR every read from and write to the tun fd starts with a
 * 10-byte struct virtio_net_hdr (fields in host byte order: the tun is used
 * without TUNSETVNETLE/BE on a little-endian host). We enable TUN_F_CSUM,
 * TUN_F_TSO4 and TUN_F_TSO6 only (no ECN, no UFO/USO), so reads are either
 * plain packets (maybe with a checksum to complete) or TCP super-packets.
 */
enum {
	TUN_VNET_HDR_LEN = 10,
	TUN_VNET_F_NEEDS_CSUM = 1,
	TUN_VNET_GSO_NONE = 0,
	TUN_VNET_GSO_TCPV4 = 1,
	TUN_VNET_GSO_TCPV6 = 4,
	TUN_GSO_MAX = 65536 + 64	/* largest super-packet the kernel hands us, plus header room */
};

struct tun_vnet {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
};

/* Reads the header at p (n >= TUN_VNET_HDR_LEN) through the wire reader. */
int tun_vnet_parse(struct tun_vnet *v, const uint8_t *p, size_t n);
/* Writes the header into out[TUN_VNET_HDR_LEN]. */
void tun_vnet_put(uint8_t *out, const struct tun_vnet *v);

/*
 * Splitting. l2 is the offset of the IP header in a frame: 0 for tun (layer 3),
 * 14 for tap (Ethernet, ethertype 0x0800 or 0x86dd, no VLAN tag).
 * tun_gso_init takes a frame as read (after the vnet header). For GSO_NONE the
 * frame is yielded once, its checksum completed if NEEDS_CSUM; for TCPV4/TCPV6
 * it is yielded as segments of at most gso_size payload bytes, each a complete
 * packet: IP total/payload length, IPv4 ID (+1 per segment) and header
 * checksum, TCP sequence number, FIN and PSH only on the last segment, CWR only
 * on the first, and a full TCP checksum. SSHTUN_ERR_BAD_FORMAT if the header
 * and the packet disagree (the caller drops the frame).
 */
struct tun_gso {
	struct tun_vnet v;
	const uint8_t *frame;
	size_t len;
	int l2;
	size_t hdrs;		/* l2 + IP + TCP header bytes, copied in front of each segment */
	size_t off;		/* offset in frame of the next segment's payload */
	unsigned n;		/* segments yielded so far */
	int done;
};
int tun_gso_init(struct tun_gso *g, const struct tun_vnet *v, const uint8_t *frame, size_t len, int l2);
/* Length of the next segment, or 0 when every segment was yielded. */
size_t tun_gso_next_len(const struct tun_gso *g);
/* Writes the next segment into out; returns its length, or 0 when done or when outmax < tun_gso_next_len (then nothing advances). */
size_t tun_gso_next(struct tun_gso *g, uint8_t *out, size_t outmax);

/*
 * Coalescing: frames received from the tunnel are added to a batch held in
 * caller memory; a TCP segment that continues a flow already in the batch
 * (same addresses, ports, IP version, TTL/hop limit, TOS/traffic class, TCP
 * header length and options, ACK number and window; seq right after the
 * previous segment; only ACK/PSH flags; all segments but the last of equal size;
 * total under 64 KiB; checksums verified) is appended to it. Everything else is
 * kept as a packet of its own, in arrival order. tun_gro_next then yields each
 * item as vnet header + packet, ready for one write(): a coalesced item carries
 * GSO_TCPV4/6 with gso_size and NEEDS_CSUM with the TCP checksum field holding
 * the pseudo-header sum, as the kernel expects; a single packet carries a
 * zeroed header. A pure ACK that a later one of its connection in the batch
 * makes redundant (tun/ackthin.h) is replaced by it in place, unless thin is 0.
 */
enum { TUN_GRO_MAX_ITEMS = 256 };
struct tun_gro_item {
	size_t off;		/* in buf: vnet header, then the packet */
	size_t len;		/* packet length (without the vnet header) */
	size_t cap;		/* bytes reserved for it in buf */
	uint16_t mss;
	uint16_t segs;
	int tcp;		/* a candidate for appending */
	uint32_t next_seq;
	struct tun_ack ak;	/* its first packet's connection; pure if it is a thinnable ACK */
};
struct tun_gro {
	uint8_t *buf;
	size_t cap, used;
	int l2;
	size_t n;
	size_t iter;
	int thin;		/* ACK thinning (tun/ackthin.h) on: tun_gro_init sets it */
	uint64_t thinned;	/* ACKs dropped as redundant */
	struct tun_gro_item items[TUN_GRO_MAX_ITEMS];
};
void tun_gro_init(struct tun_gro *g, uint8_t *buf, size_t cap, int l2);
/*
 * Adds a copy of frame; SSHTUN_ERR_LIMIT when the batch has no room (yield and reset, then add again),
 * SSHTUN_ERR_TOO_LONG if it could not fit even an empty batch, SSHTUN_ERR_INVAL for an empty frame.
 * An item that can still grow reserves 10 + l2 + 65535 bytes: give the batch a few times 64 KiB so
 * interleaved connections coalesce.
 */
int tun_gro_add(struct tun_gro *g, const uint8_t *frame, size_t len);
/* Next item: p points at its vnet header, *len counts header + packet. 0 when none is left. */
int tun_gro_next(struct tun_gro *g, const uint8_t **p, size_t *len);
/* Empties the batch. */
void tun_gro_reset(struct tun_gro *g);

#endif
