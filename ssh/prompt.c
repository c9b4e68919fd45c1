/*
 * sshtun: questions for the user as events. conn_ask() stores one question and calls the program's prompt
 * callback; sshtun_answer() stores the answers and wakes the event fd; the next dispatch hands them to the
 * continuation the asker gave (conn_prompt_run). The protocol never waits on a terminal or a dialog.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "ssh/conn_int.h"

/* Wipes and frees what a question holds, answers included. */
static void prompt_clear(struct conn_prompt *q)
{
	for (unsigned i = 0; i < SSHTUN_PROMPT_MAX; i++) {
		free(q->questions[i]);
		q->questions[i] = NULL;
		if (q->answers[i]) {
			cry_wipe(q->answers[i], strlen(q->answers[i]));
			free(q->answers[i]);
			q->answers[i] = NULL;
		}
	}
	q->pending = q->answered = q->declined = 0;
	q->fn = NULL;
	q->ctx = NULL;
	memset(&q->pub, 0, sizeof(q->pub));
}

void conn_prompt_free(struct sshtun *h)
{
	prompt_clear(&h->prompt);
}

int conn_ask(struct sshtun *h, int kind, const char *name, const char *instruction, unsigned n,
	const char *const *questions, const int *echo, conn_answer_fn fn, void *ctx)
{
	struct conn_prompt *q = &h->prompt;

	if (q->pending || n > SSHTUN_PROMPT_MAX) {
		return SSHTUN_ERR_STATE;
	}
	if (h->cfg.batch_mode == 1 || !h->prompt_cb) {
		LG_D1(&h->log, "not asking %s: %s", n ? questions[0] : name,
			h->cfg.batch_mode == 1 ? "BatchMode is on" : "no prompt callback");
		return SSHTUN_ERR_NO_PROMPT;
	}
	prompt_clear(q);
	lg_sanitize(q->name, sizeof(q->name), (const uint8_t *)name, strlen(name));
	/* Instructions may span lines (keyboard-interactive): keep the line ends, clean the rest. */
	snprintf(q->instruction, sizeof(q->instruction), "%s", instruction);
	for (unsigned i = 0; i < n; i++) {
		q->questions[i] = strdup(questions[i]);
		if (!q->questions[i]) {
			prompt_clear(q);
			return SSHTUN_ERR_NOMEM;
		}
		q->pub.question[i] = q->questions[i];
		q->pub.echo[i] = echo ? echo[i] : 0;
	}
	q->pub.kind = kind;
	q->pub.id = ++q->last_id;
	q->pub.name = q->name;
	q->pub.instruction = q->instruction;
	q->pub.n = n;
	q->fn = fn;
	q->ctx = ctx;
	q->pending = 1;
	h->prompt_cb(h->prompt_ud, &q->pub);
	return SSHTUN_ERR_AGAIN;
}

int conn_prompt_run(struct sshtun *h)
{
	struct conn_prompt *q = &h->prompt;
	conn_answer_fn fn = q->fn;
	void *ctx = q->ctx;
	char *answers[SSHTUN_PROMPT_MAX];
	unsigned n = q->pub.n;
	int declined = q->declined, r;

	if (!q->answered) {
		return 0;
	}
	/* The continuation may ask the next question: hand it the answers and clear the slot first. */
	memcpy(answers, q->answers, sizeof(answers));
	memset(q->answers, 0, sizeof(q->answers));
	prompt_clear(q);
	r = fn(h, ctx, declined ? NULL : (const char *const *)answers, n);
	for (unsigned i = 0; i < SSHTUN_PROMPT_MAX; i++) {
		if (answers[i]) {
			cry_wipe(answers[i], strlen(answers[i]));
			free(answers[i]);
		}
	}
	return r;
}

void sshtun_set_prompt_cb(struct sshtun *h, sshtun_prompt_fn fn, void *ud)
{
	h->prompt_cb = fn;
	h->prompt_ud = ud;
}

const struct sshtun_prompt *sshtun_prompt(const struct sshtun *h)
{
	return h->prompt.pending && !h->prompt.answered ? &h->prompt.pub : NULL;
}

int sshtun_answer(struct sshtun *h, unsigned id, const char *const *answers, unsigned n)
{
	struct conn_prompt *q = &h->prompt;
	uint64_t one = 1;

	if (!q->pending || q->answered || id != q->pub.id) {
		return SSHTUN_ERR_STATE;
	}
	if (answers && n != q->pub.n) {
		return SSHTUN_ERR_INVAL;
	}
	for (unsigned i = 0; answers && i < n; i++) {
		q->answers[i] = strdup(answers[i] ? answers[i] : "");
		if (!q->answers[i]) {
			for (unsigned j = 0; j < i; j++) {
				cry_wipe(q->answers[j], strlen(q->answers[j]));
				free(q->answers[j]);
				q->answers[j] = NULL;
			}
			return SSHTUN_ERR_NOMEM;
		}
	}
	q->declined = answers == NULL;
	q->answered = 1;
	/* The connection goes on in the next dispatch, never inside the caller (who may be the callback). */
	if (h->wakefd >= 0 && write(h->wakefd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
		return SSHTUN_ERR_SYS;
	}
	return 0;
}
