/* sshtun: giving the pages of an idle buffer back to the system (see mem.h). */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/mem.h"

size_t mem_release(void *p, size_t n)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), start, end;

	if (!p || n == 0 || page == 0 || page == (uintptr_t)-1) {
		return n;
	}
	start = ((uintptr_t)p + page - 1) & ~(page - 1);
	end = ((uintptr_t)p + n) & ~(page - 1);
	if (end <= start) {
		return n;
	}
	if (madvise((void *)start, end - start, MADV_DONTNEED) != 0) {
		return n;	/* nothing given back: what was written stays */
	}
	return start - (uintptr_t)p;
}
