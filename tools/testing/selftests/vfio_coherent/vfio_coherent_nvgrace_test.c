// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Grace Hopper layout in the ACPI machine, run twice: against
 * vfio-coherent's nvgrace backend and against the in-tree
 * nvgrace-gpu-vfio-pci driver bound to the same emulated GPU. Where the two
 * differ on purpose, each variant checks its own behaviour.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/prctl.h>
#include <linux/pci_regs.h>

#include "../kselftest_harness.h"
#include "vc_poison.h"

#define REGION_OFF(bar)	((off_t)(bar) << 40)
#define CFG_OFF		REGION_OFF(VFIO_PCI_CONFIG_REGION_INDEX)
#define USEMEM_BAR	4
#define RESMEM_BAR	2

FIXTURE(gpu) {
	struct vc_vfio v;
};

FIXTURE_VARIANT(gpu) {
	const char *driver;
	bool ours;
};

FIXTURE_VARIANT_ADD(gpu, vfio_coherent) {
	.driver = VC_NVGRACE_DRIVER,
	.ours = true,
};

FIXTURE_VARIANT_ADD(gpu, in_tree) {
	.driver = VC_NVGRACE_PEER,
	.ours = false,
};

FIXTURE_SETUP(gpu)
{
	ASSERT_EQ(0, vc_bind(VC_ACPI_GPU, variant->driver));
	ASSERT_EQ(0, vc_vfio_open(VC_ACPI_GPU, &self->v));
}

FIXTURE_TEARDOWN(gpu)
{
	vc_vfio_close(&self->v);
}

static __u64 sparse_size(struct vfio_region_info *info)
{
	struct vfio_region_info_cap_sparse_mmap *sparse;
	struct vfio_info_cap_header *hdr;
	__u32 off = info->cap_offset;

	while (off) {
		hdr = (void *)info + off;
		if (hdr->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
			sparse = (void *)hdr;
			return sparse->nr_areas == 1 && !sparse->areas[0].offset ?
			       sparse->areas[0].size : ~0ULL;
		}
		off = hdr->next;
	}
	return 0;
}

TEST_F(gpu, region_layout)
{
	static const struct { unsigned int bar; __u64 size, mem; } want[] = {
		{ USEMEM_BAR, VC_GPU_USEMEM_BAR_SIZE, VC_GPU_USEMEM_SIZE },
		{ RESMEM_BAR, VC_GPU_RESMEM_SIZE, VC_GPU_RESMEM_SIZE },
	};
	char buf[512];
	struct vfio_region_info *info = (void *)buf;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		memset(buf, 0, sizeof(buf));
		info->argsz = sizeof(buf);
		info->index = want[i].bar;
		ASSERT_EQ(0, ioctl(self->v.device, VFIO_DEVICE_GET_REGION_INFO, info));
		EXPECT_EQ(want[i].size, info->size);
		EXPECT_EQ(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			  VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS,
			  info->flags);
		EXPECT_EQ(want[i].mem, sparse_size(info));
	}
}

static __u32 cfg32(int d, unsigned int off)
{
	__u32 v = 0;

	pread(d, &v, 4, CFG_OFF + off);
	return v;
}

static void cfg32_write(int d, unsigned int off, __u32 v)
{
	pwrite(d, &v, 4, CFG_OFF + off);
}

TEST_F(gpu, config_bar_sizing)
{
	int d = self->v.device;
	unsigned int use = PCI_BASE_ADDRESS_0 + 4 * USEMEM_BAR;
	unsigned int res = PCI_BASE_ADDRESS_0 + 4 * RESMEM_BAR;

	cfg32_write(d, use, 0xffffffff);
	cfg32_write(d, use + 4, 0xffffffff);
	cfg32_write(d, res, 0xffffffff);
	cfg32_write(d, res + 4, 0xffffffff);
	/* 4 GiB and 1 GiB 64-bit prefetchable BARs. */
	EXPECT_EQ(0x0000000c, cfg32(d, use));
	EXPECT_EQ(0xffffffff, cfg32(d, use + 4));
	EXPECT_EQ(0xc000000c, cfg32(d, res));
	EXPECT_EQ(0xffffffff, cfg32(d, res + 4));
}

TEST_F(gpu, rw)
{
	unsigned char out[64], in[64];
	int d = self->v.device;
	unsigned int i;

	for (i = 0; i < sizeof(out); i++)
		out[i] = i * 3 + 1;
	ASSERT_EQ(64, pwrite(d, out, 64, REGION_OFF(USEMEM_BAR) + VC_GPU_USEMEM_SIZE - 64));
	ASSERT_EQ(64, pread(d, in, 64, REGION_OFF(USEMEM_BAR) + VC_GPU_USEMEM_SIZE - 64));
	EXPECT_EQ(0, memcmp(in, out, 64));
	ASSERT_EQ(64, pwrite(d, out, 64, REGION_OFF(RESMEM_BAR) + 4096));
	ASSERT_EQ(64, pread(d, in, 64, REGION_OFF(RESMEM_BAR) + 4096));
	EXPECT_EQ(0, memcmp(in, out, 64));
	/* Past usemem, inside its BAR: all-ones. */
	ASSERT_EQ(4, pread(d, in, 4, REGION_OFF(USEMEM_BAR) + VC_GPU_USEMEM_SIZE));
	EXPECT_EQ(0xff, in[0]);
	EXPECT_EQ(0xff, in[3]);
	/* Past the BAR: refused. */
	EXPECT_EQ(-1, pread(d, in, 4, REGION_OFF(USEMEM_BAR) + VC_GPU_USEMEM_BAR_SIZE));
}

TEST_F(gpu, mmap)
{
	static const char msg[] = "coherent";
	char back[sizeof(msg)] = "";
	char *p;

	p = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, self->v.device,
		 REGION_OFF(USEMEM_BAR));
	ASSERT_NE(MAP_FAILED, p);
	memcpy(p, msg, sizeof(msg));
	ASSERT_EQ(sizeof(msg), pread(self->v.device, back, sizeof(back),
				     REGION_OFF(USEMEM_BAR)));
	EXPECT_STREQ(msg, back);
	munmap(p, 2 << 20);
}

/*
 * Memory disable zaps the mapping with both drivers. Ours maps on fault, so
 * the mapping works again once memory is re-enabled; the in-tree driver
 * populated it at mmap time and has no fault handler: it stays dead.
 */
TEST_F(gpu, mapping_survives_memory_disable)
{
	int d = self->v.device;
	char *p;

	vc_set_memory(d, 1);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, d,
		 REGION_OFF(USEMEM_BAR));
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_FALSE(vc_faults(p));
	vc_set_memory(d, 0);
	EXPECT_TRUE(vc_faults(p));
	vc_set_memory(d, 1);
	EXPECT_EQ(!variant->ours, vc_faults(p));
	munmap(p, 4096);
}

/*
 * A GPU without the _DSD properties: ours refuses to bind (-ENODEV, with a
 * message); the in-tree driver binds it as a plain vfio-pci device without
 * the memory BARs.
 */
TEST_F(gpu, undescribed_gpu)
{
	struct vfio_region_info info;
	struct vc_vfio v;
	int ret;

	ret = vc_bind(VC_ACPI_UNDESCRIBED, variant->driver);
	if (variant->ours) {
		EXPECT_EQ(-ENODEV, ret);
		EXPECT_STREQ("", vc_driver_of(VC_ACPI_UNDESCRIBED));
		return;
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, vc_vfio_open(VC_ACPI_UNDESCRIBED, &v));
	ASSERT_EQ(0, vc_region_info(&v, USEMEM_BAR, &info));
	EXPECT_EQ(0, info.size);
	vc_vfio_close(&v);
	vc_unbind(VC_ACPI_UNDESCRIBED);
}

/*
 * Differential for memory failure: the same injection (hard_offline_page)
 * of a usemem page this early-kill process maps. vfio-coherent registers
 * the memory at open: BUS_MCEERR_AO at once, and a later touch faults. The
 * in-tree 6.12 driver does not: memory_failure() finds no owner, the write
 * fails with ENXIO and the process never hears of it.
 */
TEST_F(gpu, memory_failure_reaches_the_mapping_process)
{
	unsigned long off = (1UL << 30) + 3 * 4096;
	char *map;
	int ret;

	map = mmap(NULL, VC_GPU_USEMEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   self->v.device, REGION_OFF(USEMEM_BAR));
	ASSERT_NE(MAP_FAILED, map);
	vc_peek(map + off);
	vc_bus_catch();
	ASSERT_EQ(0, prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0));
	ret = vc_hard_offline(VC_GPU_BASE + off);
	prctl(PR_MCE_KILL, PR_MCE_KILL_CLEAR, 0, 0, 0);

	if (variant->ours) {
		EXPECT_EQ(0, ret);
		ASSERT_EQ(1, vc_bus.count);
		EXPECT_EQ(BUS_MCEERR_AO, vc_bus.code);
		EXPECT_EQ(map + off, vc_bus.addr);
		EXPECT_EQ(1, vc_bus_touch(map + off, 0));
	} else {
		EXPECT_EQ(-ENXIO, ret);
		EXPECT_EQ(0, vc_bus.count);
		EXPECT_EQ(0, vc_bus_touch(map + off, 0));
	}
	signal(SIGBUS, SIG_DFL);
	munmap(map, VC_GPU_USEMEM_SIZE);
	/* Poison lasts as long as the binding: leave a fresh one. */
	vc_vfio_close(&self->v);
	EXPECT_EQ(0, vc_unbind(VC_ACPI_GPU));
	EXPECT_EQ(0, vc_bind(VC_ACPI_GPU, variant->driver));
}

TEST_HARNESS_MAIN
