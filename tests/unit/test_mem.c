/* sshtun: unit tests of util/mem.c: the pages of an idle buffer go back to the system. */
#include <sys/mman.h>
#include <unistd.h>

#include "tests/unit/testutil.h"
#include "util/mem.h"

/* Resident pages among the whole pages inside [p, p + n) (mincore). */
static size_t resident(const void *p, size_t n)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1), end = ((uintptr_t)p + n) & ~(page - 1);
	unsigned char vec[1024];
	size_t count = 0;

	assert_true(end > start && (end - start) / page <= sizeof(vec));
	assert_int_equal(mincore((void *)start, end - start, vec), 0);
	for (size_t i = 0; i < (end - start) / page; i++) {
		count += vec[i] & 1;
	}
	return count;
}

static void test_release_gives_pages_back(void **state)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), n = 1024 * 1024 + 100, kept;
	uint8_t *p = malloc(n);

	(void)state;
	assert_non_null(p);
	memset(p, 0xaa, n);
	assert_true(resident(p, n) >= n / page - 1);
	kept = mem_release(p, n);
	assert_true(kept < page);
	assert_true(((uintptr_t)p + kept) % page == 0);
	assert_int_equal(resident(p, n), 0);
	/* What lies before the first boundary and after the last stays; the pages between read as zeros. */
	for (size_t i = 0; i < kept; i++) {
		assert_int_equal(p[i], 0xaa);
	}
	assert_int_equal(p[kept], 0);
	assert_int_equal(p[n / 2], 0);
	assert_int_equal(p[n - 1], 0xaa);
	/* Still the program's memory: written and read again as usual. */
	memset(p, 0x55, n);
	assert_int_equal(p[n / 2], 0x55);
	free(p);
}

static void test_release_small_or_null(void **state)
{
	uint8_t buf[16];

	(void)state;
	memset(buf, 1, sizeof(buf));
	assert_int_equal(mem_release(buf, sizeof(buf)), sizeof(buf));	/* no whole page inside: nothing done */
	assert_int_equal(buf[0], 1);
	assert_int_equal(mem_release(NULL, 4096), 4096);
	assert_int_equal(mem_release(buf, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_release_gives_pages_back),
		cmocka_unit_test(test_release_small_or_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
