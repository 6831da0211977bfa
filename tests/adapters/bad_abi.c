/*
 * A plug-in built for a future ABI major version (VSRBENCH_ABI_MAJOR + 1) that
 * returns its table whatever the host: the host must refuse it.
 */
#include "vsrbench_adapter.h"

static const struct vsrbench_adapter table = {
	VSRBENCH_ABI_MAJOR + 1, 0, sizeof(struct vsrbench_adapter), "future", 1, 1,
	0, 0, 0, 0, "1",
};

const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major)
{
	(void)host_abi_major;
	return &table;
}
