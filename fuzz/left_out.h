/*
 * sshtun: the harness of a parser this build leaves out (util/features.h): it still links, so that the fuzz
 * targets are the same list in every build, and does nothing.
 */
#ifndef FUZZ_LEFT_OUT_H
#define FUZZ_LEFT_OUT_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_LEFT_OUT()                                                 \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)    \
	{                                                               \
		(void)data;                                             \
		(void)size;                                             \
		return 0;                                               \
	}

#endif
