/* A plug-in claiming a table smaller than ABI 2.0 requires. */
#include "vsrbench_adapter.h"

static const struct vsrbench_adapter table = {
	VSRBENCH_ABI_MAJOR, 0, 16, "short", 1, 1, 0, 0, 0, 0, 0,
};

const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major)
{
	(void)host_abi_major;
	return &table;
}
