/* sshtun: libFuzzer target for the text scanning helpers (util/text.c): lines and fields, with invariants. */
#include <stddef.h>
#include <stdint.h>

#include "util/text.h"
#include "util/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every view lies inside the input. */
static void check_inside(const struct wire_view *v, const uint8_t *data, size_t size)
{
	if (v->n > 0 && (v->p < data || v->n > size || v->p > data + (size - v->n))) {
		__builtin_trap();
	}
}

/* Fields of one line: each call consumes something or stops, so the loop ends. */
static void scan_fields(const struct wire_view *line, int delim, const uint8_t *data, size_t size)
{
	struct wire_r r;
	struct wire_view f;
	size_t before;

	wire_r_init(&r, line->p, line->n);
	while (wire_left(&r) > 0) {
		before = wire_left(&r);
		text_skip_blanks(&r);
		text_take(&r, delim, &f);
		check_inside(&f, data, size);
		for (size_t i = 0; i < f.n; i++) {
			if (text_is_blank(f.p[i]) || (int)f.p[i] == delim) {
				__builtin_trap();
			}
		}
		if (delim >= 0 && text_peek(&r) == delim) {
			wire_skip(&r, 1);
		}
		if (wire_err(&r) || wire_left(&r) >= before) {
			__builtin_trap();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_r r;
	struct wire_view line;
	int trim = size > 0 && (data[0] & 1);
	int delim = size > 1 ? (data[1] & 0x80 ? -1 : data[1]) : -1;
	size_t lines = 0, newlines = 0;

	for (size_t i = 0; i < size; i++) {
		newlines += data[i] == '\n';
	}
	wire_r_init(&r, data, size);
	while (text_line(&r, &line, trim)) {
		lines++;
		check_inside(&line, data, size);
		for (size_t i = 0; i < line.n; i++) {
			if (line.p[i] == '\n') {
				__builtin_trap();
			}
		}
		if (trim && line.n > 0 && text_is_blank(line.p[line.n - 1])) {
			__builtin_trap();
		}
		scan_fields(&line, delim, data, size);
	}
	/* As many lines as newlines, plus one for text after the last. */
	if (wire_err(&r) || wire_left(&r) != 0 ||
	    lines != newlines + (size > 0 && data[size - 1] != '\n')) {
		__builtin_trap();
	}
	return 0;
}
