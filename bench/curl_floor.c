/*
 * The libcurl floor for bench/http.sh: what posting the same body N times
 * costs through libcurl's multi-socket interface alone, with the transfer
 * options vsrbench's HTTP loop uses (body streamed by a read callback,
 * 128 KB upload buffer, keep-alive, no signals) and its savings (sockets
 * kept in the epoll set between requests, libcurl's buffers kept in the
 * heap), and nothing else: no suite, no prompts, no JSON, no journal, no
 * reports.  The gap between this row and wrk is libcurl's; the gap between
 * vsrbench and this row is ours.
 *
 *   curl_floor URL BODY REQUESTS IN_FLIGHT
 *
 * BODY is a file, posted every time, or a folder of bodies 000.json,
 * 001.json, ... (one per image of vsrbench's run), posted 36 requests in a
 * row each (vsrbench's 36 templates of an item), in turn: the bytes posted
 * then come from as many buffers as vsrbench's do, not one kept in cache.
 *
 * Prints one line: requests wall_s cpu_s max_rss_kb.
 */
#include <curl/curl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

struct xfer {
	CURL *easy;
	size_t pos;
	const char *body; /* this request's */
	size_t body_len;
};

#define MAX_BODIES 4096
#define IN_A_ROW 36

static char *bodies[MAX_BODIES];
static size_t body_lens[MAX_BODIES];
static size_t n_bodies;

static int epfd;
static unsigned char watched[65536]; /* by fd: 1 + the epoll events' bits, 0 not in the set */
static unsigned char idle[65536];    /* curl let go of it; still in the set */
static long timer_ms = -1;

static size_t on_write(char *data, size_t size, size_t n, void *ctx)
{
	(void)data;
	(void)ctx;
	return size * n;
}

static size_t on_read(char *dst, size_t size, size_t n, void *ctx)
{
	struct xfer *x = ctx;
	size_t k = x->body_len - x->pos;

	if (k > size * n)
		k = size * n;
	memcpy(dst, x->body + x->pos, k);
	x->pos += k;
	return k;
}

static int on_socket(CURL *e, curl_socket_t fd, int what, void *u, void *sp)
{
	struct epoll_event ev = { 0 };
	unsigned char want;

	(void)e;
	(void)u;
	(void)sp;
	if (fd < 0 || fd >= 65536)
		return -1;
	if (what == CURL_POLL_REMOVE) {
		idle[fd] = watched[fd] != 0; /* kept for the connection's next request */
		return 0;
	}
	want = (unsigned char)(1 + ((what & CURL_POLL_IN ? 1 : 0) | (what & CURL_POLL_OUT ? 2 : 0)));
	idle[fd] = 0;
	if (watched[fd] == want)
		return 0;
	ev.data.fd = fd;
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
	epoll_ctl(epfd, watched[fd] ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
	watched[fd] = want;
	return 0;
}

static curl_socket_t on_open(void *u, curlsocktype purpose, struct curl_sockaddr *a)
{
	int fd = socket(a->family, a->socktype, a->protocol);

	(void)u;
	(void)purpose;
	if (fd >= 65536) {
		close(fd);
		return CURL_SOCKET_BAD;
	}
	if (fd >= 0)
		watched[fd] = idle[fd] = 0;
	return fd < 0 ? CURL_SOCKET_BAD : fd;
}

static int on_close(void *u, curl_socket_t fd)
{
	(void)u;
	if (fd >= 0 && fd < 65536)
		watched[fd] = idle[fd] = 0; /* close() takes it out of the set */
	return close(fd);
}

static int on_timer(CURLM *m, long ms, void *u)
{
	(void)m;
	(void)u;
	timer_ms = ms;
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int load(const char *path)
{
	FILE *fp = fopen(path, "rb");
	long len;

	if (n_bodies == MAX_BODIES || !fp || fseek(fp, 0, SEEK_END) || (len = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) || !(bodies[n_bodies] = malloc((size_t)len + 1)) ||
	    fread(bodies[n_bodies], 1, (size_t)len, fp) != (size_t)len) {
		perror(path);
		return -1;
	}
	fclose(fp);
	body_lens[n_bodies++] = (size_t)len;
	return 0;
}

/* The body of request number r (counted from 0). */
static void pick(struct xfer *x, long r)
{
	size_t i = (size_t)(r / IN_A_ROW) % n_bodies;

	x->pos = 0;
	x->body = bodies[i];
	x->body_len = body_lens[i];
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body_len);
}

int main(int argc, char **argv)
{
	long total, started = 0, done = 0;
	int k, running;
	CURLM *multi;
	struct curl_slist *hdr = NULL;
	struct xfer *xs;
	struct rusage ru;
	double t0;
	struct stat sb;

	if (argc != 5) {
		fprintf(stderr, "usage: curl_floor URL BODY_FILE|BODY_FOLDER REQUESTS IN_FLIGHT\n");
		return 2;
	}
	total = atol(argv[3]);
	k = atoi(argv[4]);
	if (stat(argv[2], &sb) == 0 && S_ISDIR(sb.st_mode)) {
		char path[4096];
		for (size_t i = 0;; i++) {
			snprintf(path, sizeof(path), "%s/%03zu.json", argv[2], i);
			if (access(path, R_OK))
				break;
			if (load(path))
				return 2;
		}
	} else if (load(argv[2])) {
		return 2;
	}
	if (!n_bodies) {
		fprintf(stderr, "curl_floor: no body in %s\n", argv[2]);
		return 2;
	}
	/* The same heap settings as vsrbench's HTTP models (adapters/remote.c). */
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	multi = curl_multi_init();
	epfd = epoll_create1(0);
	curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, "Expect:");
	xs = calloc((size_t)k, sizeof(*xs));
	t0 = now();
	for (int i = 0; i < k && started < total; i++, started++) {
		CURL *e = xs[i].easy = curl_easy_init();
		curl_easy_setopt(e, CURLOPT_PRIVATE, &xs[i]);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(e, CURLOPT_READDATA, &xs[i]);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(e, CURLOPT_URL, argv[1]);
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		pick(&xs[i], started);
		curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, 128L * 1024);
		curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open);
		curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, on_close);
		curl_multi_add_handle(multi, e);
	}
	while (done < total) {
		struct epoll_event ev[64];
		CURLMsg *msg;
		int n = epoll_wait(epfd, ev, 64, timer_ms < 0 ? 1000 : (int)timer_ms), q;

		if (n <= 0 || timer_ms == 0) {
			timer_ms = -1;
			curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
		}
		for (int i = 0; i < n; i++) {
			int fd = ev[i].data.fd;
			if (idle[fd]) { /* the server closed an idle connection */
				epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
				watched[fd] = idle[fd] = 0;
				continue;
			}
			curl_multi_socket_action(multi, fd,
						 (ev[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
						 (ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
						 (ev[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0),
						 &running);
		}
		while ((msg = curl_multi_info_read(multi, &q))) {
			struct xfer *x;
			long status = 0;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
			if (msg->data.result || status != 200) {
				fprintf(stderr, "curl_floor: %s, HTTP %ld\n", curl_easy_strerror(msg->data.result), status);
				return 1;
			}
			done++;
			curl_multi_remove_handle(multi, x->easy);
			if (started < total) {
				pick(x, started);
				curl_multi_add_handle(multi, x->easy);
				started++;
			}
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("%ld %.6f %.6f %ld\n", done, now() - t0,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
	       ru.ru_maxrss);
	return 0;
}
