/* fuzz_http_openai: a 2xx (or error) response body of -m openai (see http_body.h). */
#include "http_body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_http_body(&http_openai_proto, data, size);
	return 0;
}
