/* sshtun: text scanning (lines, fields, blanks) over the wire reader; never forms a pointer itself. */
#include "util/text.h"

int text_is_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int text_peek(const struct wire_r *r)
{
	struct wire_r t = *r;
	uint8_t c = 0;

	if (wire_left(&t) == 0 || wire_get_u8(&t, &c)) {
		return -1;
	}
	return c;
}

void text_skip_blanks(struct wire_r *r)
{
	int c;

	while ((c = text_peek(r)) >= 0 && text_is_blank((uint8_t)c)) {
		wire_skip(r, 1);
	}
}

void text_take(struct wire_r *r, int delim, struct wire_view *out)
{
	struct wire_r t = *r;
	size_t n = 0;
	uint8_t c = 0;

	while (wire_left(&t) > 0 && wire_get_u8(&t, &c) == 0 && !text_is_blank(c) && (int)c != delim) {
		n++;
	}
	wire_get_raw(r, n, out);
}

int text_line(struct wire_r *r, struct wire_view *out, int trim_trailing_blanks)
{
	struct wire_r t = *r;
	size_t n = 0, keep = 0;
	uint8_t c = 0;

	out->p = NULL;
	out->n = 0;
	if (wire_left(r) == 0) {
		return 0;
	}
	while (wire_left(&t) > 0 && wire_get_u8(&t, &c) == 0 && c != '\n') {
		n++;
		if (!trim_trailing_blanks || !text_is_blank(c)) {
			keep = n;
		}
	}
	wire_get_raw(r, n, out);
	if (text_peek(r) == '\n') {
		wire_skip(r, 1);
	}
	if (keep < out->n) {
		out->n = keep;	/* only ever shortens the view the reader formed */
	}
	return 1;
}
