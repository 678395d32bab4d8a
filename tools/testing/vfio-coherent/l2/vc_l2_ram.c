// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest side of the nested test: runs in the VM that QEMU (inside the
 * emulated host) gives the coherent device to. It treats the device's
 * cacheable BAR as memory, the way a guest GPU driver does:
 *
 *  1. maps the head of the BAR write-back (memremap(MEMREMAP_WB)) and uses
 *     it as RAM: unaligned 64-bit loads and stores, load/store exclusive,
 *     LSE atomics and DC ZVA. Each attempt is announced before it is made,
 *     so a fault names the access that took it. On Device memory (host
 *     booted kvm-arm.cacheable_pfnmap=0) the unaligned access is the one
 *     that faults.
 *  2. hands the BAR (or its first online_size bytes) to the page
 *     allocator as driver-managed System RAM of the first
 *     generic-initiator NUMA node (the node QEMU's acpi-generic-initiator
 *     ties to the device), onlined movable by the
 *     memhp_default_state=online_movable boot option.
 *
 * Each check prints "VC-L2-RESULT <name> ok|fail <detail>" for the host's
 * launcher (vc-vmm) to judge. Not for use outside this test.
 */
#include <linux/io.h>
#include <linux/memory_hotplug.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <asm/cpufeature.h>
#include <asm/sysreg.h>

static int bar = 4;
module_param(bar, int, 0444);
static bool online = true;
module_param(online, bool, 0444);
/* How much of the BAR to online: 0 for all of it. */
static ulong online_size;
module_param(online_size, ulong, 0444);

#define WB_LEN	SZ_64K

/* Notices: the guest boots with loglevel=6, its informational messages off. */
static void result(const char *name, bool ok, const char *detail)
{
	pr_notice("VC-L2-RESULT %s %s %s\n", name, ok ? "ok" : "fail", detail);
}

static void announce(const char *what)
{
	/* Printed before the access: if it faults, the console names it. */
	pr_notice("VC-L2-TRY %s\n", what);
}

static bool check_unaligned(void *base)
{
	u64 *p = base + 4096 + 3;	/* a fresh page: first touch in stage 2 */
	u64 v;

	announce("unaligned");
	WRITE_ONCE(*p, 0x0123456789abcdefULL);
	v = READ_ONCE(*(u64 *)(base + 4096 + 3));
	return v == 0x0123456789abcdefULL;
}

static bool check_exclusive(void *base)
{
	u64 *p = base + 2 * 4096;
	u64 old, tmp;
	u32 fail;

	announce("exclusive");
	WRITE_ONCE(*p, 41);
	do {
		asm volatile("ldxr %0, [%3]\n\t"
			     "add %1, %0, #1\n\t"
			     "stxr %w2, %1, [%3]"
			     : "=&r" (old), "=&r" (tmp), "=&r" (fail)
			     : "r" (p) : "memory");
	} while (fail);
	return old == 41 && READ_ONCE(*p) == 42;
}

static bool check_lse(void *base)
{
	u64 isar0 = read_sysreg_s(SYS_ID_AA64ISAR0_EL1);
	u64 *p = base + 3 * 4096;
	u64 old, cmp = 7;

	/* The CPU's own ID register: the kernel may be built without LSE. */
	if (cpuid_feature_extract_unsigned_field(isar0, ID_AA64ISAR0_EL1_ATOMIC_SHIFT) < 2) {
		pr_notice("VC-L2-TRY lse: the CPU has no LSE atomics (ID_AA64ISAR0_EL1 %#llx)\n",
			  isar0);
		return false;
	}
	announce("lse");
	WRITE_ONCE(*p, 5);
	asm volatile(".arch_extension lse\n\t"
		     "ldadd %1, %0, [%2]"
		     : "=&r" (old) : "r" (2ULL), "r" (p) : "memory");
	if (old != 5 || READ_ONCE(*p) != 7)
		return false;
	asm volatile(".arch_extension lse\n\t"
		     "cas %0, %1, [%2]"
		     : "+&r" (cmp) : "r" (100ULL), "r" (p) : "memory");
	return cmp == 7 && READ_ONCE(*p) == 100;
}

static bool check_dc_zva(void *base)
{
	u64 dczid = read_sysreg(dczid_el0);
	size_t block = 4UL << (dczid & 0xf), i;
	u8 *p = base + 4 * 4096;

	if (dczid & BIT(4)) {
		pr_notice("VC-L2-TRY dc-zva: prohibited (DCZID_EL0 %#llx)\n", dczid);
		return false;
	}
	announce("dc-zva");
	memset(p, 0xa5, block);
	asm volatile("dc zva, %0" : : "r" (p) : "memory");
	for (i = 0; i < block; i++)
		if (p[i])
			return false;
	return true;
}

/* In this order: the first access to Device memory that faults is unaligned. */
static const struct {
	const char *name;
	bool (*fn)(void *base);
	const char *detail;
} checks[] = {
	{ "unaligned", check_unaligned, "64-bit store and load at offset 3" },
	{ "exclusive", check_exclusive, "ldxr/stxr increment" },
	{ "lse-atomics", check_lse, "ldadd and cas" },
	{ "dc-zva", check_dc_zva, "one DC ZVA block zeroed" },
};

static int add_as_ram(struct pci_dev *pdev, resource_size_t start,
		      resource_size_t size)
{
	char detail[96];
	int nid, ret;

	nid = first_node(node_states[N_GENERIC_INITIATOR]);
	if (nid >= MAX_NUMNODES) {
		result("add-memory", false, "no generic-initiator node");
		return -ENODEV;
	}
	ret = add_memory_driver_managed(nid, start, size,
					"System RAM (vc-l2-ram)", MHP_NONE);
	snprintf(detail, sizeof(detail), "node=%d start=%pa size=%pa ret=%d",
		 nid, &start, &size, ret);
	result("add-memory", !ret, detail);
	return ret;
}

static int __init vc_l2_ram_init(void)
{
	resource_size_t start, size;
	struct pci_dev *pdev = NULL;
	char detail[64];
	bool ok, all = true;
	void *base;
	size_t i;
	int ret;

	/* The assigned function: the only one that is not a bridge. */
	for_each_pci_dev(pdev)
		if (pdev->class >> 16 != PCI_BASE_CLASS_BRIDGE)
			break;
	if (!pdev) {
		pr_err("vc-l2-ram: no assigned device\n");
		return -ENODEV;
	}
	start = pci_resource_start(pdev, bar);
	size = pci_resource_len(pdev, bar);
	if (!size) {
		pr_err("vc-l2-ram: %s BAR %d not assigned\n", pci_name(pdev), bar);
		ret = -ENODEV;
		goto out;
	}
	/* QEMU maps the BAR into the guest only while memory decoding is on. */
	ret = pci_enable_device_mem(pdev);
	if (ret)
		goto out;
	base = memremap(start, WB_LEN, MEMREMAP_WB);
	snprintf(detail, sizeof(detail), "%s BAR %d at %pa", pci_name(pdev), bar, &start);
	result("memremap-wb", !!base, detail);
	if (!base) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(checks); i++) {
		ok = checks[i].fn(base);
		result(checks[i].name, ok, checks[i].detail);
		all &= ok;
	}
	memunmap(base);

	if (online) {
		ret = add_as_ram(pdev, start, online_size ? min_t(u64, online_size, size) : size);
		if (ret)
			goto out;
	}
	ret = all ? 0 : -EIO;
out:
	pci_dev_put(pdev);
	return ret;
}
module_init(vc_l2_ram_init);

MODULE_DESCRIPTION("vfio-coherent nested test: a guest uses the device's BAR as RAM");
MODULE_LICENSE("GPL");
