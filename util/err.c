/* sshtun: error code table. */
#include "sshtun_err.h"

struct errinfo {
	int code;
	int cls;
	const char *msg;
	const char *hint;
};

#define ROW(name, val, c, m, h) { (val), SSHTUN_##c, (m), (h) },
static const struct errinfo errtab[] = { SSHTUN_ERRORS(ROW) };
#undef ROW

static const struct errinfo *lookup(int err)
{
	for (unsigned i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++) {
		if (errtab[i].code == err) {
			return &errtab[i];
		}
	}
	return 0;
}

const char *sshtun_strerror(int err)
{
	const struct errinfo *e = lookup(err);
	return e ? e->msg : "unknown error";
}

const char *sshtun_errhint(int err)
{
	const struct errinfo *e = lookup(err);
	return e ? e->hint : "";
}

int sshtun_errclass(int err)
{
	const struct errinfo *e = lookup(err);
	return e ? e->cls : SSHTUN_CLASS_INTERNAL;
}
