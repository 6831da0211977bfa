/*
 * remote_same: the same bad reply to every request stops the run (see
 * remote_loop.h).  A loop counts the replies no answer came from, in a row
 * by completion, while they are alike (hint_signature: the status and the
 * body, its request ids aside); an answer ends the streak.
 *
 *  - A refusal (a 4xx, not retried): HINT_SAME_4XX in a row stop the run.
 *  - A failure (a 5xx, retried; a 200 without an answer: a body that is
 *    no JSON, such as a stream of events, an error object, a finish_reason
 *    "error", retried; or one of the wrong shape): HINT_SAME_5XX in a row,
 *    the first of them HINT_SAME_5XX_S (or -M give_up, when shorter)
 *    before, stop it.  Before this rule a server out of memory failed each
 *    of 1,000 tasks four times, in 138 s, and the run advised to run it
 *    again.
 *
 * "In a row" is by completion, and a failure comes back faster than an
 * answer: with many requests in flight, the failures of a few tasks arrive
 * together ahead of the answers sent with them.  So the run stops only when
 * the requests in flight when the count was reached have come back alike
 * too; one answer among them ends the streak.
 */
#include <string.h>

#include "remote_hint.h"
#include "remote_loop.h"
#include "remote_msg.h"
#include "../base/util.h" /* last: it includes banned.h */

void same_reset(struct loop *L)
{
	L->same_n = L->same_need = L->same_tasks = 0;
}

/* The first reply of a streak: what it is and its likely fix, for the stop message. */
static void describe(struct loop *L, const struct same_reply *r)
{
	const struct http_state *st = L->st;
	const struct endpoint *ep = &st->eps[r->ep];
	const char *kind = st->proto->kind, *quote;
	struct hint_ctx ctx;
	size_t room;

	if (!r->failure && hint_context_parse(r->body, r->len, &ctx))
		hint_context(&ctx, kind, sched_get_config(L->r.s)->max_tokens, L->same_fix,
			     sizeof(L->same_fix));
	else if (r->failure)
		hint_5xx(r->status, r->body, r->len, r->why, kind, L->same_fix, sizeof(L->same_fix));
	else if (hint_4xx(r->status, r->body, r->len, kind, ep->shown, L->same_fix, sizeof(L->same_fix)) &&
		 st->listed) {
		size_t at = strlen(L->same_fix);
		/* What it does serve, from its own listing (GET /models, /api/tags) at open. */
		remote_msgf(L->same_fix + at, sizeof(L->same_fix) - at, st->key, "; the server lists: %s",
			    st->listed);
	}
	quote = r->why ? r->why : r->excerpt;
	/* Cut (at a character) so that the stop message, of VSR_ERR_MAX bytes, keeps the fix whole. */
	room = strlen(L->same_fix) + strlen(ep->url) + 100;
	room = room + 60 < VSR_ERR_MAX ? VSR_ERR_MAX - room : 60;
	if (strlen(quote) <= room)
		room = strlen(quote);
	else
		while (room && ((unsigned char)quote[room] & 0xC0) == 0x80)
			room--;
	remote_msgf(L->same_msg, sizeof(L->same_msg), st->key, "HTTP %ld replies from %s %s%.*s%s%s",
		    r->status, ep->url, r->why ? "without an answer (" : "(\"", (int)room, quote,
		    room < strlen(quote) ? "..." : "", r->why ? ")" : "\")");
}

int same_reply(struct loop *L, const struct same_reply *r, double now)
{
	double give_up = L->st->give_up, need_s = give_up < HINT_SAME_5XX_S ? give_up : HINT_SAME_5XX_S;
	uint64_t sig = r->status >= 200 && r->status < 300 ? hint_signature_200(r->body, r->len, r->why) :
							     hint_signature(r->status, r->body, r->len);

	if (sig != L->same_sig || !L->same_n) {
		same_reset(L);
		L->same_sig = sig;
		L->same_t0 = now;
		L->same_failure = r->failure;
		describe(L, r);
	}
	L->same_n++;
	if (!L->same_need && (L->same_failure ? L->same_n >= HINT_SAME_5XX && now - L->same_t0 >= need_s :
						L->same_n >= HINT_SAME_4XX))
		L->same_need = L->same_n + L->in_flight;
	if (!L->same_need || L->same_n < L->same_need)
		return 0;
	if (L->same_failure)
		loop_fail(L, "stopped after %zu identical %s over %.0fs, with no answer in between; %s",
		     L->same_n, L->same_msg, now - L->same_t0, L->same_fix);
	else
		loop_fail(L, "stopped after %zu identical %s; %s", L->same_n, L->same_msg, L->same_fix);
	return 1;
}

void same_at_end(struct loop *L, double now)
{
	if (!L->same_n || L->same_tasks != L->n_final)
		return;
	/* A run too short for the stop whose every task met the same reply: no rerun helps either. */
	if (!L->same_failure && L->same_n == 1)
		loop_fail(L, "the run's only request was refused: %s; %s", L->same_msg, L->same_fix);
	else if (!L->same_failure)
		loop_fail(L, "all %zu requests of the run got identical %s; %s", L->same_n, L->same_msg,
		     L->same_fix);
	else if (L->same_tasks == 1)
		loop_fail(L, "the run's only task failed on %zu identical %s over %.0fs; %s", L->same_n,
		     L->same_msg, now - L->same_t0, L->same_fix);
	else
		loop_fail(L, "all %zu tasks of the run failed on identical %s (%zu of them over %.0fs, no "
		     "answer in between); %s", L->same_tasks, L->same_msg, L->same_n, now - L->same_t0,
		     L->same_fix);
}
