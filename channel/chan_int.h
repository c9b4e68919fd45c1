/* sshtun: what the files of channel/ share among themselves. */
#ifndef CHANNEL_CHAN_INT_H
#define CHANNEL_CHAN_INT_H

#include "channel/channel.h"

/* Reserves a free channel slot in state CH_OPENING, or NULL if all are in use. */
struct chan *chan_alloc(struct chan_tab *t, int type);

/*
 * A CHANNEL_REQUEST from the server on a session channel, after its name and want-reply flag: exit-status and
 * exit-signal are taken, others refused when a reply is wanted. 0 or SSHTUN_ERR_PROTOCOL.
 */
int chan_session_request(struct chan_tab *t, struct chan *c, const struct wire_view *name, int want, struct wire_r *r);
/*
 * Sends CHANNEL_OPEN for c (just allocated) of the channel type named, followed by the type-specific data
 * (extra, n bytes, may be empty). On failure c is freed again.
 */
int chan_send_open(struct chan_tab *t, struct chan *c, const char *type, const uint8_t *extra, size_t n);
/* Sends a message of type and channel number only. */
int chan_send_u32(struct chan_tab *t, uint8_t type, uint32_t a);

#endif
