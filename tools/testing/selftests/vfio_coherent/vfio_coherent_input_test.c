// SPDX-License-Identifier: GPL-2.0-only
/*
 * Malformed user input, one case per variant: region info argsz and
 * indexes, read/write offsets, lengths and buffers, mmap flags, offsets and
 * lengths, and strings for the debugfs injector. Each must be refused with
 * its precise errno (and, for the injector, a kernel message naming the
 * value), or clipped as the region semantics say; none may change the
 * device. Config writes of every width at every offset of both virtual BARs
 * must land as a BAR register does. Runs in the machine of vc_machine.h.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <linux/pci_regs.h>

#include "../kselftest_harness.h"
#include "vc_util.h"
#include "vc_poison.h"

#define REGION_OFF(bar)	((off_t)(bar) << 40)
#define CFG_OFF		REGION_OFF(VFIO_PCI_CONFIG_REGION_INDEX)
#define PAGE		4096UL
#define ONES		0xffffffffffffffffULL

enum kind { INFO, READ, WRITE, MAP, INJECT };

FIXTURE(input) {
	struct vc_vfio v;
	char inject[128];
};

FIXTURE_VARIANT(input) {
	enum kind kind;
	unsigned int index;	/* region (INFO, READ, WRITE, MAP) */
	__u32 argsz;		/* INFO */
	unsigned long long offset;	/* in the region */
	size_t len;		/* READ, WRITE, MAP */
	int flags;		/* MAP: MAP_SHARED or MAP_PRIVATE */
	int bad_buffer;		/* READ, WRITE: an unmapped user buffer */
	const char *text;	/* INJECT */
	int err;		/* the errno, 0 for success */
	long ret;		/* READ, WRITE: bytes done on success */
	const char *msg;	/* INJECT: in the kernel log */
};

/* VFIO_DEVICE_GET_REGION_INFO */
FIXTURE_VARIANT_ADD(input, info_argsz_0) {
	.kind = INFO,
	.index = VC_USEMEM_BAR,
	.argsz = 0,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(input, info_argsz_below_header) {
	.kind = INFO,
	.index = VC_USEMEM_BAR,
	.argsz = 15,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(input, info_argsz_one_short) {
	.kind = INFO,
	.index = VC_USEMEM_BAR,
	.argsz = sizeof(struct vfio_region_info) - 1,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(input, info_index_past_regions) {
	.kind = INFO,
	.index = VFIO_PCI_NUM_REGIONS,
	.argsz = sizeof(struct vfio_region_info),
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(input, info_index_all_ones) {
	.kind = INFO,
	.index = 0xffffffff,
	.argsz = sizeof(struct vfio_region_info),
	.err = EINVAL,
};

/* read/write */
FIXTURE_VARIANT_ADD(input, read_at_region_end) {
	.kind = READ,
	.index = VC_USEMEM_BAR,
	.offset = VC_USEMEM_SIZE,
	.len = 8,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(input, write_at_region_end) {
	.kind = WRITE,
	.index = VC_RESMEM_BAR,
	.offset = VC_RESMEM_BAR_SIZE,
	.len = 8,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(input, read_far_past_region) {
	.kind = READ,
	.index = VC_RESMEM_BAR,
	.offset = 1ULL << 39,
	.len = 8,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(input, read_across_region_end) {
	.kind = READ,
	.index = VC_RESMEM_BAR,
	.offset = VC_RESMEM_BAR_SIZE - 3,
	.len = 8,
	.ret = 3,
};

FIXTURE_VARIANT_ADD(input, read_past_memory) {
	.kind = READ,
	.index = VC_RESMEM_BAR,
	.offset = VC_RESMEM_SIZE,
	.len = 8,
	.ret = 8,
};

FIXTURE_VARIANT_ADD(input, write_past_memory) {
	.kind = WRITE,
	.index = VC_RESMEM_BAR,
	.offset = VC_RESMEM_SIZE + PAGE,
	.len = 8,
	.ret = 8,
};

FIXTURE_VARIANT_ADD(input, read_to_bad_buffer) {
	.kind = READ,
	.index = VC_USEMEM_BAR,
	.offset = 0,
	.len = 8,
	.bad_buffer = 1,
	.err = EFAULT,
};

FIXTURE_VARIANT_ADD(input, write_from_bad_buffer) {
	.kind = WRITE,
	.index = VC_USEMEM_BAR,
	.offset = 0,
	.len = 8,
	.bad_buffer = 1,
	.err = EFAULT,
};

FIXTURE_VARIANT_ADD(input, read_no_such_region) {
	.kind = READ,
	.index = VFIO_PCI_NUM_REGIONS + 3,
	.offset = 0,
	.len = 8,
	.err = EINVAL,
};

/* mmap */
FIXTURE_VARIANT_ADD(input, map_private) {
	.kind = MAP,
	.index = VC_USEMEM_BAR,
	.len = PAGE,
	.flags = MAP_PRIVATE,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(input, map_past_memory) {
	.kind = MAP,
	.index = VC_RESMEM_BAR,
	.offset = VC_RESMEM_SIZE,
	.len = PAGE,
	.flags = MAP_SHARED,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(input, map_across_memory_end) {
	.kind = MAP,
	.index = VC_RESMEM_BAR,
	.offset = VC_RESMEM_SIZE - PAGE,
	.len = 2 * PAGE,
	.flags = MAP_SHARED,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(input, map_past_region) {
	.kind = MAP,
	.index = VC_USEMEM_BAR,
	.offset = VC_USEMEM_SIZE,
	.len = PAGE,
	.flags = MAP_SHARED,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(input, map_unaligned_offset) {
	.kind = MAP,
	.index = VC_USEMEM_BAR,
	.offset = 1,
	.len = PAGE,
	.flags = MAP_SHARED,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(input, map_zero_length) {
	.kind = MAP,
	.index = VC_USEMEM_BAR,
	.len = 0,
	.flags = MAP_SHARED,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(input, map_config_region) {
	.kind = MAP,
	.index = VFIO_PCI_CONFIG_REGION_INDEX,
	.len = PAGE,
	.flags = MAP_SHARED,
	.err = EINVAL,
};

/* the debugfs injector: "<region> <hex offset> [ar]" */
FIXTURE_VARIANT_ADD(input, inject_empty) {
	.kind = INJECT,
	.text = "\n",
	.err = EINVAL,
	.msg = "want '<index> <offset> [ar]'",
};

FIXTURE_VARIANT_ADD(input, inject_words) {
	.kind = INJECT,
	.text = "poison please",
	.err = EINVAL,
	.msg = "inject: 'poison please': want",
};

FIXTURE_VARIANT_ADD(input, inject_no_offset) {
	.kind = INJECT,
	.text = "4",
	.err = EINVAL,
	.msg = "inject: '4': want",
};

FIXTURE_VARIANT_ADD(input, inject_bad_mode) {
	.kind = INJECT,
	.text = "4 0x1000 now",
	.err = EINVAL,
	.msg = "inject: '4 0x1000 now': want",
};

FIXTURE_VARIANT_ADD(input, inject_not_an_aperture) {
	.kind = INJECT,
	.text = "0 0x0",
	.err = EINVAL,
	.msg = "inject: region 0 is no aperture",
};

FIXTURE_VARIANT_ADD(input, inject_odd_region) {
	.kind = INJECT,
	.text = "3 0x0",
	.err = EINVAL,
	.msg = "inject: region 3 is no aperture",
};

FIXTURE_VARIANT_ADD(input, inject_past_memory) {
	.kind = INJECT,
	.text = "2 0x3000000",
	.err = ERANGE,
	.msg = "inject: offset 0x3000000 past resmem memory (0x3000000)",
};

FIXTURE_VARIANT_ADD(input, inject_far_past) {
	.kind = INJECT,
	.text = "4 0xffffffffffff",
	.err = ERANGE,
	.msg = "inject: offset 0xffffffffffff past usemem memory (0x100000000)",
};

FIXTURE_VARIANT_ADD(input, inject_too_long) {
	.kind = INJECT,
	.text = "4 0x1000 ar 0123456789012345678901234567890123456789012345678901",
	.err = EINVAL,
};

/*
 * Each case opens the function afresh, and vfio-pci resets it at every
 * open and close. What the cases check does not depend on a reset: turn
 * the reset methods off while the function is open, so that none of the
 * cases sees one.
 */
static int quick_open(const char *bdf, struct vc_vfio *v)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset_method", bdf);
	if (vc_write(path, "\n"))
		return -1;
	return vc_vfio_open(bdf, v);
}

static void quick_close(const char *bdf, struct vc_vfio *v)
{
	char path[PATH_MAX];

	vc_vfio_close(v);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset_method", bdf);
	vc_write(path, "default");
}

FIXTURE_SETUP(input)
{
	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, quick_open(VC_DEV_GOOD, &self->v));
	snprintf(self->inject, sizeof(self->inject),
		 "/sys/kernel/debug/vfio-coherent/%s/inject", VC_DEV_GOOD);
}

FIXTURE_TEARDOWN(input)
{
	quick_close(VC_DEV_GOOD, &self->v);
}

/* An address no mapping covers: the page after a freed one. */
static void *unmapped(void)
{
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(p, PAGE);
	return p;
}

TEST_F(input, refused)
{
	unsigned long long word = 0x0123456789abcdefULL, before = 0, after = 0;
	struct vfio_region_info info = { 0 };
	off_t off = REGION_OFF(variant->index) + variant->offset;
	void *buf = variant->bad_buffer ? unmapped() : &word;
	int kmsg, fd, poisoned = vc_poisoned(VC_DEV_GOOD, -1, 0);
	long ret = 0;
	void *map;

	ASSERT_LE(0, poisoned);
	/* The first usemem word, to show a refused access changed nothing. */
	ASSERT_EQ(8, pread(self->v.device, &before, 8, REGION_OFF(VC_USEMEM_BAR)));
	switch (variant->kind) {
	case INFO:
		info.argsz = variant->argsz;
		info.index = variant->index;
		ret = ioctl(self->v.device, VFIO_DEVICE_GET_REGION_INFO, &info);
		break;
	case READ:
		ret = pread(self->v.device, buf, variant->len, off);
		if (ret == 8)
			EXPECT_EQ(ONES, word) TH_LOG("past the memory reads see all-ones");
		break;
	case WRITE:
		ret = pwrite(self->v.device, buf, variant->len, off);
		break;
	case MAP:
		map = mmap(NULL, variant->len, PROT_READ | PROT_WRITE, variant->flags,
			   self->v.device, off);
		ret = map == MAP_FAILED ? -1 : 0;
		if (map != MAP_FAILED)
			munmap(map, variant->len);
		break;
	case INJECT:
		kmsg = vc_kmsg_open();
		fd = open(self->inject, O_WRONLY);
		ASSERT_LE(0, fd) TH_LOG("%s: %s", self->inject, strerror(errno));
		ret = write(fd, variant->text, strlen(variant->text));
		close(fd);
		if (variant->msg)
			EXPECT_TRUE(vc_kmsg_has(kmsg, variant->msg))
				TH_LOG("no '%s' in the kernel log", variant->msg);
		close(kmsg);
		break;
	}
	if (variant->err) {
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(variant->err, errno) TH_LOG("errno %d (%s), want %d", errno,
						      strerror(errno), variant->err);
	} else {
		EXPECT_EQ(variant->kind == MAP || variant->kind == INFO ? 0 : variant->ret, ret)
			TH_LOG("returned %ld: %s", ret, strerror(errno));
	}
	ASSERT_EQ(8, pread(self->v.device, &after, 8, REGION_OFF(VC_USEMEM_BAR)));
	EXPECT_EQ(before, after);
	/* Nothing was failed: no page joined the debugfs list. */
	EXPECT_EQ(poisoned, vc_poisoned(VC_DEV_GOOD, -1, 0));
}

/*
 * Every width at every byte of a 64-bit BAR register pair: what lands is
 * the written bytes, less the bits below the BAR's size and the flags,
 * which read as 64-bit prefetchable memory.
 */
static void bar_widths(struct __test_metadata *_metadata, int device, int bar,
		       unsigned long long size)
{
	unsigned int reg = PCI_BASE_ADDRESS_0 + 4 * bar, o, w;
	unsigned long long mask = ~(size - 1), want, got, ones = ONES, zero = 0;
	__u32 lo, hi;

	for (w = 1; w <= 8; w *= 2) {
		for (o = 0; o < 8; o += w) {
			ASSERT_EQ(8, pwrite(device, &zero, 8, CFG_OFF + reg));
			ASSERT_EQ(w, pwrite(device, &ones, w, CFG_OFF + reg + o))
				TH_LOG("%u-byte write at %#x: %s", w, reg + o, strerror(errno));
			ASSERT_EQ(4, pread(device, &lo, 4, CFG_OFF + reg));
			ASSERT_EQ(4, pread(device, &hi, 4, CFG_OFF + reg + 4));
			want = (w == 8 ? ONES : ((1ULL << (8 * w)) - 1) << (8 * o)) & mask;
			got = ((unsigned long long)hi << 32 | lo) & ~0xfULL;
			EXPECT_EQ(want, got) TH_LOG("BAR %d, %u-byte write of ones at +%u",
						    bar, w, o);
			EXPECT_EQ(PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH,
				  lo & 0xf);
		}
	}
	ASSERT_EQ(8, pwrite(device, &zero, 8, CFG_OFF + reg));
}

FIXTURE(config) {
	struct vc_vfio v;
};

FIXTURE_SETUP(config)
{
	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, quick_open(VC_DEV_GOOD, &self->v));
}

FIXTURE_TEARDOWN(config)
{
	quick_close(VC_DEV_GOOD, &self->v);
}

TEST_F(config, every_width_resmem)
{
	bar_widths(_metadata, self->v.device, VC_RESMEM_BAR, VC_RESMEM_BAR_SIZE);
}

TEST_F(config, every_width_usemem)
{
	bar_widths(_metadata, self->v.device, VC_USEMEM_BAR, VC_USEMEM_SIZE);
}

TEST_HARNESS_MAIN
