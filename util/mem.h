/* sshtun: giving the pages of an idle buffer back to the system. */
#ifndef UTIL_MEM_H
#define UTIL_MEM_H

#include <stddef.h>

/*
 * Buffers sized for a transfer (the transport's input and output, the device's offload batches) are mostly
 * untouched while a tunnel is idle, and untouched pages of an allocation are not resident; but pages once written
 * stay so, after a burst too. mem_release gives back the whole pages inside [p, p + n) (madvise MADV_DONTNEED):
 * they read as zeros afterwards and are faulted in again, zeroed, when written. Call it only for bytes whose
 * contents are no longer needed; the allocation itself stays valid, whatever malloc made it from (a mapping of
 * its own or its heap: freeing it would give nothing back in the latter case).
 *
 * Returns how many bytes at the start of p were kept (up to the first page boundary; n if no whole page lies
 * inside): what was written there stays.
 */
size_t mem_release(void *p, size_t n);

#endif
