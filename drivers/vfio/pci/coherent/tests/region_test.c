// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the vfio-coherent region arithmetic: virtual BAR register
 * reads (sizing, type bits, address bits) and the clipping of read/write
 * accesses at the end of the memory and of the region.
 */

#include <kunit/test.h>
#include <linux/pci_regs.h>
#include <linux/sizes.h>

#include "../coherent.h"

#define TYPE_BITS	(PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH)

static const struct vfio_coherent_aperture ap_1g = { .size = SZ_1G };
static const struct vfio_coherent_aperture ap_48m = { .size = 48 * SZ_1M };
static const struct vfio_coherent_aperture ap_8g = { .size = 8ULL * SZ_1G };

static void vfio_coherent_region_test_bar_sizing(struct kunit *test)
{
	/* What a VMM reads back after writing all-ones to both dwords. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_dword(&ap_1g, ~0ULL, false),
			0xc0000000U | TYPE_BITS);
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_dword(&ap_1g, ~0ULL, true), 0xffffffffU);
	/* 48 MiB of memory is a 64 MiB BAR. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_dword(&ap_48m, ~0ULL, false),
			0xfc000000U | TYPE_BITS);
	/* Larger than 4 GiB: the mask continues in the high dword. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_dword(&ap_8g, ~0ULL, false), TYPE_BITS);
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_dword(&ap_8g, ~0ULL, true), 0xfffffffeU);
	/* Sizing only the low dword leaves the high one as it was. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_dword(&ap_1g, 0xffffffffULL, true), 0U);
}

static void vfio_coherent_region_test_bar_address(struct kunit *test)
{
	u64 addr = 0x8000000000ULL;

	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_dword(&ap_1g, addr, false), TYPE_BITS);
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_dword(&ap_1g, addr, true), 0x80U);
	/* Bits below the BAR size, type bits included, are not writable. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_dword(&ap_1g, addr | 0x3ffffff3, false),
			TYPE_BITS);
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_dword(&ap_1g, 0x40000000, false),
			0x40000000U | TYPE_BITS);
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_dword(&ap_48m, 0x44000000, false),
			0x44000000U | TYPE_BITS);
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_dword(&ap_48m, 0x42000000, false),
			0x40000000U | TYPE_BITS);
}

static void vfio_coherent_region_test_bar_reset_value(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_dword(&ap_1g, 0, false), TYPE_BITS);
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_dword(&ap_1g, 0, true), 0U);
}

static void check_span(struct kunit *test, const struct vfio_coherent_aperture *ap,
		       u64 offset, size_t count, int err, size_t total, size_t mem)
{
	size_t t = ~0, m = ~0;

	KUNIT_ASSERT_EQ_MSG(test, vfio_coherent_region_span(ap, offset, count, &t, &m),
			    err, "offset %#llx count %#zx", offset, count);
	if (err)
		return;
	KUNIT_EXPECT_EQ_MSG(test, t, total, "offset %#llx count %#zx", offset, count);
	KUNIT_EXPECT_EQ_MSG(test, m, mem, "offset %#llx count %#zx", offset, count);
}

static void vfio_coherent_region_test_span(struct kunit *test)
{
	u64 mem = 48 * SZ_1M, bar = SZ_64M;

	check_span(test, &ap_48m, 0, 4096, 0, 4096, 4096);
	/* Ends exactly at the end of the memory. */
	check_span(test, &ap_48m, mem - 8, 8, 0, 8, 8);
	/* Straddles the end of the memory: 2 real bytes, 2 of all-ones. */
	check_span(test, &ap_48m, mem - 2, 4, 0, 4, 2);
	/* Past the memory, inside the region. */
	check_span(test, &ap_48m, mem, 4, 0, 4, 0);
	check_span(test, &ap_48m, bar - 4, 4, 0, 4, 0);
	/* Straddles the end of the region: clipped. */
	check_span(test, &ap_48m, bar - 1, 4, 0, 1, 0);
	/* At or past the region size. */
	check_span(test, &ap_48m, bar, 1, -EINVAL, 0, 0);
	check_span(test, &ap_48m, bar + 4096, 4, -EINVAL, 0, 0);
	/* A power-of-two aperture has no hole. */
	check_span(test, &ap_1g, SZ_1G - 4, 8, 0, 4, 4);
	check_span(test, &ap_1g, SZ_1G, 4, -EINVAL, 0, 0);
	/* A huge count is clipped, not overflowed. */
	check_span(test, &ap_1g, 4096, SIZE_MAX, 0, SZ_1G - 4096, SZ_1G - 4096);
}

static struct kunit_case vfio_coherent_region_cases[] = {
	KUNIT_CASE(vfio_coherent_region_test_bar_sizing),
	KUNIT_CASE(vfio_coherent_region_test_bar_address),
	KUNIT_CASE(vfio_coherent_region_test_bar_reset_value),
	KUNIT_CASE(vfio_coherent_region_test_span),
	{}
};

static struct kunit_suite vfio_coherent_region_suite = {
	.name = "vfio_coherent_region",
	.test_cases = vfio_coherent_region_cases,
};

kunit_test_suite(vfio_coherent_region_suite);
