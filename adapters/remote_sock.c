/*
 * remote_sock: the sockets a loop's multi handle asks to watch, kept in an
 * epoll set, and its timer (curl's multi-socket interface), so that a
 * round of the loop costs what happened in it and not the number of
 * connections.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "remote_loop.h"
#include "../base/util.h"

/*
 * The epoll set follows what curl wants of each socket, with one saving:
 * curl drops a connection's socket from its watch list after every
 * response and asks for it again with the next request on that
 * connection, which would cost an EPOLL_CTL_DEL and an EPOLL_CTL_ADD per
 * request.  A socket this loop opened (on_open) stays in the set while
 * idle instead; an event on it while idle takes it out then (the server
 * closed the connection), and its close (on_close) forgets it, since
 * closing removes it from the set and its number can come back.  Sockets
 * opened elsewhere (the resolver's) are added and removed eagerly.
 */
enum { FD_IN = 1, FD_OUT = 2, FD_SET = 4, FD_IDLE = 8, FD_OURS = 16 };

static unsigned char *fd_state(struct loop *L, curl_socket_t fd)
{
	size_t i = (size_t)fd;

	if (i >= L->n_fdst) {
		size_t n = L->n_fdst ? L->n_fdst : 64;
		while (n <= i)
			n *= 2;
		L->fdst = xrealloc(L->fdst, n);
		memset(L->fdst + L->n_fdst, 0, n - L->n_fdst);
		L->n_fdst = n;
	}
	return &L->fdst[i];
}

static void fd_unwatch(struct loop *L, curl_socket_t fd, unsigned char *st)
{
	if (*st & FD_SET)
		epoll_ctl(L->epfd, EPOLL_CTL_DEL, fd, NULL);
	*st &= FD_OURS;
}

/* CURLOPT_OPENSOCKETFUNCTION */
static curl_socket_t on_open(void *userp, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct loop *L = userp;
	curl_socket_t fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);

	(void)purpose;
	if (fd != CURL_SOCKET_BAD && fd >= 0)
		*fd_state(L, fd) = FD_OURS;
	return fd < 0 ? CURL_SOCKET_BAD : fd;
}

/* CURLOPT_CLOSESOCKETFUNCTION */
static int on_close(void *userp, curl_socket_t fd)
{
	struct loop *L = userp;

	if (fd >= 0)
		*fd_state(L, fd) = 0; /* close() takes it out of the epoll set */
	return close(fd);
}

/* CURLMOPT_SOCKETFUNCTION: what curl wants to know of a socket. */
static int on_socket(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct loop *L = userp;
	unsigned char *st, want;
	struct epoll_event ev;

	(void)e;
	(void)socketp;
	if (fd < 0)
		return 0;
	st = fd_state(L, fd);
	if (what == CURL_POLL_REMOVE) {
		if ((*st & (FD_OURS | FD_SET)) == (FD_OURS | FD_SET))
			*st |= FD_IDLE;
		else
			fd_unwatch(L, fd, st);
		return 0;
	}
	want = (what & CURL_POLL_IN ? FD_IN : 0) | (what & CURL_POLL_OUT ? FD_OUT : 0);
	/* Only for our own sockets: the state of another may be stale. */
	if ((*st & (FD_OURS | FD_SET)) == (FD_OURS | FD_SET) && (*st & (FD_IN | FD_OUT)) == want) {
		*st &= (unsigned char)~FD_IDLE;
		return 0;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = (want & FD_IN ? EPOLLIN : 0u) | (want & FD_OUT ? EPOLLOUT : 0u);
	ev.data.fd = fd;
	if (epoll_ctl(L->epfd, *st & FD_SET ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev)) {
		/* Out of step with the kernel (a socket closed behind our back): redo. */
		if (epoll_ctl(L->epfd, EPOLL_CTL_MOD, fd, &ev) && errno == ENOENT)
			epoll_ctl(L->epfd, EPOLL_CTL_ADD, fd, &ev);
	}
	*st = (unsigned char)((*st & FD_OURS) | FD_SET | want);
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: when curl wants to be called without socket activity. */
static int on_timer(CURLM *m, long ms, void *userp)
{
	struct loop *L = userp;

	(void)m;
	L->timer_at = ms < 0 ? -1 : wall_seconds() + (double)ms / 1000.0;
	return 0;
}

/* Runs curl's timer when it is due; the transfers just added start so. */
void sock_run_timer(struct loop *L, double now)
{
	int running;

	if (L->timer_at >= 0 && L->timer_at <= now) {
		L->timer_at = -1;
		curl_multi_socket_action(L->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	}
}


int sock_init(struct loop *L)
{
	L->timer_at = -1;
	L->epfd = epoll_create1(EPOLL_CLOEXEC);
	L->multi = L->epfd >= 0 ? curl_multi_init() : NULL;
	if (!L->multi) {
		if (L->epfd >= 0)
			close(L->epfd);
		return -1;
	}
	curl_multi_setopt(L->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(L->multi, CURLMOPT_SOCKETDATA, L);
	curl_multi_setopt(L->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(L->multi, CURLMOPT_TIMERDATA, L);
	return 0;
}

void sock_easy(struct loop *L, CURL *easy)
{
	curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, on_open);
	curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, L);
	curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, on_close);
	curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, L);
}

void sock_wait(struct loop *L, long timeout_ms)
{
	struct epoll_event ev[64];
	int n = epoll_wait(L->epfd, ev, 64, (int)timeout_ms), running;

	for (int i = 0; i < n; i++) {
		unsigned char *fst = fd_state(L, ev[i].data.fd);
		int flags;
		if (*fst & FD_IDLE) {
			/* Not curl's now: an idle connection closed by the server. */
			fd_unwatch(L, ev[i].data.fd, fst);
			continue;
		}
		flags = (ev[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
			(ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
			(ev[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
		curl_multi_socket_action(L->multi, ev[i].data.fd, flags, &running);
	}
}

/* After the easy handles: closing the multi handle's connections calls on_close. */
void sock_release(struct loop *L)
{
	curl_multi_cleanup(L->multi);
	close(L->epfd);
	free(L->fdst);
}
