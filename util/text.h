/* sshtun: scanning text (lines, blank-separated fields) through the bounds-checked wire reader. */
#ifndef UTIL_TEXT_H
#define UTIL_TEXT_H

#include <stdint.h>

#include "util/wire.h"

/*
 * Helpers for the line-oriented text formats sshtun reads (key files,
 * known_hosts, ssh_config). They consume bytes only through the reader of
 * util/wire.h, so every view they return lies inside its buffer. A reader that
 * has failed (sticky error) looks empty to them: nothing is consumed and views
 * come back empty.
 */

/* 1 for the blanks of these formats: space, tab, CR and LF. */
int text_is_blank(uint8_t c);

/* The next byte without consuming it, or -1 at the end (or if the reader has failed). */
int text_peek(const struct wire_r *r);

/* Consumes blanks (text_is_blank) up to the first other byte or the end. */
void text_skip_blanks(struct wire_r *r);

/*
 * Takes the bytes up to (not including) the first blank, or the first byte equal
 * to delim if delim >= 0 (-1: blanks only), as a view (possibly empty). The blank
 * or delimiter is left in the reader.
 */
void text_take(struct wire_r *r, int delim, struct wire_view *out);

/*
 * Takes the next line as a view without its "\n" (which is consumed); the last
 * line need not end with one. With trim_trailing_blanks, blanks at the end of the
 * line (so also the CR of a CRLF) are left out of the view. Returns 1 with a
 * line, or 0 at the end of the text (out is then empty).
 */
int text_line(struct wire_r *r, struct wire_view *out, int trim_trailing_blanks);

#endif
