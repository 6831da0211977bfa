/*
 * fuzz_server_queue: srvq_parse (adapters/remote_metrics.c), the reader of a
 * server's Prometheus /metrics (the body of any server vsrbench is pointed
 * at).  Input: the body.  Checks, besides memory safety:
 *  - a queue found is finite and >= 0; none found leaves the output alone;
 *  - lines are read alone: the body twice (joined by a newline) finds a
 *    queue exactly when the body does, and sums twice as much.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../adapters/remote_loop.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	double w = -1, w2 = -1;
	int found, found2;
	char *twice;

	found = srvq_parse((const char *)data, size, &w);
	if (found != 0 && found != 1)
		abort();
	if (found ? !(isfinite(w) && w >= 0) : w != -1)
		abort();
	if (!(twice = malloc(2 * size + 1)))
		abort();
	memcpy(twice, data, size);
	twice[size] = '\n';
	memcpy(twice + size + 1, data, size);
	found2 = srvq_parse(twice, 2 * size + 1, &w2);
	free(twice);
	if (found2 != found)
		abort();
	if (found && fabs(w2 - 2 * w) > 1e-9 * (w2 > 1 ? w2 : 1))
		abort();
	return 0;
}
