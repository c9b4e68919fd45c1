/* sshtun: what the files of channel/ share among themselves. */
#ifndef CHANNEL_CHAN_INT_H
#define CHANNEL_CHAN_INT_H

#include "channel/channel.h"

/* Reserves a free channel slot in state CH_OPENING, or NULL if all are in use. */
struct chan *chan_alloc(struct chan_tab *t, int type);

#endif
