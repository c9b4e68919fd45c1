/*
 * sshtun example: libsshtun in a GLib main loop, as a desktop program or a network manager would use it. The
 * handle's one event fd is a GLib source; the status and questions arrive as callbacks; a question is answered
 * later, from the loop (here by an idle callback standing in for a dialog), never inside the callback.
 *
 *   cc -o glib_loop glib_loop.c $(pkg-config --cflags --libs sshtun glib-2.0)
 *   SSHTUN_EXAMPLE_ANSWER=secret ./glib_loop [user@]host [ssh_config line ...]
 *
 * Each question (a key's passphrase, a password, an unknown host key) gets SSHTUN_EXAMPLE_ANSWER as its
 * answer, or is declined when it is unset. SIGINT or SIGTERM stops the tunnel cleanly and quits the loop.
 */
#define _POSIX_C_SOURCE 200809L	/* sigaction, and sigset_t in sshtun.h */
#include <glib.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

#include <sshtun.h>

struct app {
	struct sshtun *h;
	GMainLoop *loop;
	guint fd_source;
	unsigned question;	/* the id of the question waiting for its answer, 0 none */
};

static void done(struct app *a)
{
	if (a->fd_source) {
		g_source_remove(a->fd_source);
		a->fd_source = 0;
	}
	g_main_loop_quit(a->loop);
}

/* The event fd is readable (or a second passed): sshtun does its work. */
static gboolean on_event(gint fd, GIOCondition cond, gpointer ud)
{
	struct app *a = ud;

	(void)fd;
	(void)cond;
	if (sshtun_dispatch_event(a->h) >= SSHTUN_STOPPED) {
		a->fd_source = 0;
		g_main_loop_quit(a->loop);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

/* The handle wakes its fd at least every second; this tick only covers a loop that slept through it. */
static gboolean on_tick(gpointer ud)
{
	struct app *a = ud;

	if (sshtun_status(a->h) >= SSHTUN_STOPPED) {
		return G_SOURCE_REMOVE;
	}
	return on_event(-1, 0, ud);
}

/* The "dialog": answers the question some time after it was asked. */
static gboolean answer_later(gpointer ud)
{
	struct app *a = ud;
	const struct sshtun_prompt *p = sshtun_prompt(a->h);
	const char *answer = getenv("SSHTUN_EXAMPLE_ANSWER");
	const char *answers[SSHTUN_PROMPT_MAX];

	if (!p || p->id != a->question) {
		return G_SOURCE_REMOVE;	/* gone meanwhile */
	}
	for (unsigned i = 0; i < p->n; i++) {
		answers[i] = answer;
	}
	sshtun_answer(a->h, p->id, answer ? answers : NULL, answer ? p->n : 0);
	return G_SOURCE_REMOVE;
}

static void on_prompt(void *ud, const struct sshtun_prompt *p)
{
	struct app *a = ud;

	printf("question %u: %s%s%s\n", p->id, p->name, p->n ? " " : "", p->n ? p->question[0] : "");
	fflush(stdout);
	a->question = p->id;
	g_timeout_add(100, answer_later, a);
}

static void on_status(void *ud, int status)
{
	struct app *a = ud;
	struct sshtun_info info;

	if (status == SSHTUN_UP && sshtun_get_info(a->h, &info, sizeof(info)) == 0) {
		printf("up: %s %s via %s (%s)\n", info.device, info.address, info.server, info.kex);
		fflush(stdout);
	}
}

static void on_log(void *ud, int level, const char *line)
{
	(void)ud;
	g_printerr("%s%s\n", level <= SSHTUN_LOG_WARN ? "sshtun: " : "", line);
}

static gboolean on_signal(gpointer ud)
{
	struct app *a = ud;

	sshtun_stop(a->h);	/* clean: the channel closed, the device removed */
	if (sshtun_status(a->h) >= SSHTUN_STOPPED) {
		done(a);
	}
	return G_SOURCE_CONTINUE;
}

int main(int argc, char **argv)
{
	struct app a = { NULL, NULL, 0, 0 };
	int r;

	if (argc < 2) {
		fprintf(stderr, "usage: glib_loop [user@]host [ssh_config line ...]\n");
		return 2;
	}
	if ((r = sshtun_new(&a.h)) != 0) {
		fprintf(stderr, "glib_loop: %s\n", sshtun_strerror(r));
		return 1;
	}
	a.loop = g_main_loop_new(NULL, FALSE);
	sshtun_set_log(a.h, on_log, &a, SSHTUN_LOG_INFO);
	sshtun_set_status_cb(a.h, on_status, &a);
	sshtun_set_prompt_cb(a.h, on_prompt, &a);
	r = sshtun_set_params(a.h, "Host", argv[1], NULL);
	for (int i = 2; r == 0 && i < argc; i++) {
		r = sshtun_set_params(a.h, "", argv[i], NULL);
	}
	if (r == 0) {
		r = sshtun_read_config(a.h, NULL);
	}
	if (r == 0) {
		r = sshtun_start(a.h);
	}
	if (r == 0) {
		a.fd_source = g_unix_fd_add(sshtun_event_fd(a.h), G_IO_IN, on_event, &a);
		g_timeout_add(sshtun_timeout_ms(a.h) > 0 ? (guint)sshtun_timeout_ms(a.h) : 1000, on_tick, &a);
		g_unix_signal_add(SIGINT, on_signal, &a);
		g_unix_signal_add(SIGTERM, on_signal, &a);
		g_main_loop_run(a.loop);
	}
	r = sshtun_error(a.h);
	if (r != 0) {
		fprintf(stderr, "glib_loop: %s\n", sshtun_error_text(a.h)[0] ? sshtun_error_text(a.h) : sshtun_strerror(r));
	}
	sshtun_del(a.h);
	g_main_loop_unref(a.loop);
	return r != 0;
}
