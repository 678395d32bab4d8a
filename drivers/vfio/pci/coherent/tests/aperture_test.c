// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites for the vfio-coherent core: aperture validation, virtual BAR
 * assignment, resource claiming and the discovery loop.
 *
 * Test apertures sit at 128 GiB, which nothing on the test machines (QEMU
 * "virt" with up to 5 GiB of RAM) uses; RAM cases use real RAM found at run
 * time.
 */

#include <kunit/device.h>
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/ioport.h>
#include <linux/memory-failure.h>
#include <linux/mm.h>
#include <linux/sizes.h>

#include "helpers.h"

#define FREE_BASE	(128ULL * SZ_1G)

/* A device per test, for messages and devres-managed claims. */
static int test_init(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "vfio-coherent-test");

	if (IS_ERR(dev))
		return PTR_ERR(dev);
	test->priv = dev;
	return 0;
}

static struct device *test_dev(struct kunit *test)
{
	return test->priv;
}

static struct vfio_coherent_aperture ap_at(phys_addr_t base, u64 size, int bar)
{
	return (struct vfio_coherent_aperture) {
		.base = base, .size = size, .bar = bar,
		.type = VFIO_COHERENT_MEM_CACHEABLE,
	};
}

static int validate(struct kunit *test, struct vfio_coherent_aperture *ap,
		    const struct vfio_coherent_aperture *prev,
		    unsigned int nr_prev, unsigned long used)
{
	return vfio_coherent_validate(test_dev(test), ap, prev, nr_prev, used);
}

static void vfio_coherent_aperture_test_valid(struct kunit *test)
{
	struct vfio_coherent_aperture ap = ap_at(FREE_BASE, SZ_1G, 4);

	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0x3), 0);
	KUNIT_EXPECT_EQ(test, ap.bar, 4);
	ap.type = VFIO_COHERENT_MEM_WC;
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0x3), 0);
}

static void vfio_coherent_aperture_test_bad_type(struct kunit *test)
{
	struct vfio_coherent_aperture ap = ap_at(FREE_BASE, SZ_1G, 4);

	ap.type = VFIO_COHERENT_MEM_WC + 1;
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0), -EINVAL);
}

static void vfio_coherent_aperture_test_zero_size(struct kunit *test)
{
	struct vfio_coherent_aperture ap = ap_at(FREE_BASE, 0, 4);

	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0), -EINVAL);
}

static void vfio_coherent_aperture_test_unaligned(struct kunit *test)
{
	struct vfio_coherent_aperture ap = ap_at(FREE_BASE + SZ_2K, SZ_1G, 4);

	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0), -EINVAL);
	ap = ap_at(FREE_BASE, SZ_1G + 1, 4);
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0), -EINVAL);
	ap = ap_at(FREE_BASE, SZ_1G - PAGE_SIZE / 2, 4);
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0), -EINVAL);
}

static void vfio_coherent_aperture_test_overflow(struct kunit *test)
{
	phys_addr_t last = PHYS_ADDR_MAX - PAGE_SIZE + 1;
	struct vfio_coherent_aperture ap = ap_at(last, 2 * PAGE_SIZE, 4);

	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0), -EOVERFLOW);
	/* Sizes up to 1 TiB only (see _too_large): wrap with one of 2 GiB. */
	ap = ap_at(PHYS_ADDR_MAX - SZ_1G + 1, SZ_2G, 4);
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0), -EOVERFLOW);
	/* The very last page of the address space does not overflow. */
	ap = ap_at(last, PAGE_SIZE, 4);
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0), 0);
}

static void vfio_coherent_aperture_test_ram(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);
	struct vfio_coherent_aperture ap;

	KUNIT_ASSERT_NOT_NULL(test, page);
	ap = ap_at(page_to_phys(page), PAGE_SIZE, 4);
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0), -EBUSY);
	__free_page(page);
}

static int last_ram_end(struct resource *res, void *arg)
{
	resource_size_t *end = arg;

	*end = max(*end, res->end);
	return 0;
}

static void vfio_coherent_aperture_test_ram_partial(struct kunit *test)
{
	resource_size_t end = 0;
	struct vfio_coherent_aperture ap;

	walk_iomem_res_desc(IORES_DESC_NONE,
			    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0, -1,
			    &end, last_ram_end);
	KUNIT_ASSERT_NE(test, end, 0);

	/* One page of RAM, one page past it. */
	ap = ap_at(end + 1 - PAGE_SIZE, 2 * PAGE_SIZE, 4);
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0), -EBUSY);
	/* Right after RAM is fine. */
	ap = ap_at(end + 1, PAGE_SIZE, 4);
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0), 0);
}

static void vfio_coherent_aperture_test_bar_range(struct kunit *test)
{
	static const int bad[] = { 5, 6, -2, 100, INT_MIN };
	struct vfio_coherent_aperture ap;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ap = ap_at(FREE_BASE, SZ_1G, bad[i]);
		KUNIT_EXPECT_EQ_MSG(test, validate(test, &ap, NULL, 0, 0), -EINVAL,
				    "BAR %d", bad[i]);
	}
	/* An odd start is a valid 64-bit BAR (slots 1 and 2). */
	ap = ap_at(FREE_BASE, SZ_1G, 1);
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, BIT(0)), 0);
}

static void vfio_coherent_aperture_test_bar_implemented(struct kunit *test)
{
	struct vfio_coherent_aperture ap = ap_at(FREE_BASE, SZ_1G, 0);

	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, BIT(0)), -EBUSY);
	/* The upper half of the virtual BAR is implemented. */
	ap = ap_at(FREE_BASE, SZ_1G, 2);
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, BIT(3)), -EBUSY);
	ap = ap_at(FREE_BASE, SZ_1G, 4);
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, BIT(3)), 0);
}

static void vfio_coherent_aperture_test_bar_auto(struct kunit *test)
{
	struct vfio_coherent_aperture ap = ap_at(FREE_BASE, SZ_1G,
						 VFIO_COHERENT_BAR_AUTO);

	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, ap.bar, 0);

	/* A 32-bit BAR at 0 and an I/O BAR at 1, as QEMU's pci-testdev. */
	ap.bar = VFIO_COHERENT_BAR_AUTO;
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0x3), 0);
	KUNIT_EXPECT_EQ(test, ap.bar, 2);

	/* Slot 2 taken: the pair 2/3 is not free, 4/5 is. */
	ap.bar = VFIO_COHERENT_BAR_AUTO;
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0x7), 0);
	KUNIT_EXPECT_EQ(test, ap.bar, 4);

	ap.bar = VFIO_COHERENT_BAR_AUTO;
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0x3f), -ENOSPC);
}

static void vfio_coherent_aperture_test_bar_taken_by_prev(struct kunit *test)
{
	struct vfio_coherent_aperture prev = ap_at(FREE_BASE, SZ_1G, 2);
	struct vfio_coherent_aperture ap = ap_at(FREE_BASE + SZ_1G, SZ_1G, 2);

	KUNIT_EXPECT_EQ(test, validate(test, &ap, &prev, 1, 0), -EBUSY);
	ap.bar = 3;
	KUNIT_EXPECT_EQ(test, validate(test, &ap, &prev, 1, 0), -EBUSY);
	ap.bar = 1;
	KUNIT_EXPECT_EQ(test, validate(test, &ap, &prev, 1, 0), -EBUSY);
	ap.bar = VFIO_COHERENT_BAR_AUTO;
	KUNIT_EXPECT_EQ(test, validate(test, &ap, &prev, 1, 0x3), 0);
	KUNIT_EXPECT_EQ(test, ap.bar, 4);
}

static void vfio_coherent_aperture_test_overlap(struct kunit *test)
{
	struct vfio_coherent_aperture prev = ap_at(FREE_BASE, SZ_1G, 2);
	struct vfio_coherent_aperture ap;

	/* Straddles the end of prev. */
	ap = ap_at(FREE_BASE + SZ_1G - PAGE_SIZE, 2 * PAGE_SIZE, 4);
	KUNIT_EXPECT_EQ(test, validate(test, &ap, &prev, 1, 0), -EINVAL);
	/* Straddles its start. */
	ap = ap_at(FREE_BASE - PAGE_SIZE, 2 * PAGE_SIZE, 4);
	KUNIT_EXPECT_EQ(test, validate(test, &ap, &prev, 1, 0), -EINVAL);
	/* Covers it. */
	ap = ap_at(FREE_BASE - SZ_1G, 4ULL * SZ_1G, 4);
	KUNIT_EXPECT_EQ(test, validate(test, &ap, &prev, 1, 0), -EINVAL);
	/* Adjacent on either side is fine. */
	ap = ap_at(FREE_BASE + SZ_1G, PAGE_SIZE, 4);
	KUNIT_EXPECT_EQ(test, validate(test, &ap, &prev, 1, 0), 0);
	ap = ap_at(FREE_BASE - PAGE_SIZE, PAGE_SIZE, 4);
	KUNIT_EXPECT_EQ(test, validate(test, &ap, &prev, 1, 0), 0);
}

static void vfio_coherent_aperture_test_claim(struct kunit *test)
{
	struct vfio_coherent_aperture ap = ap_at(FREE_BASE, SZ_1G, 4);
	struct vfio_coherent_aperture part = ap_at(FREE_BASE + SZ_1G - PAGE_SIZE,
						   2 * PAGE_SIZE, 4);
	struct device *a = test_dev(test);
	struct device *b = kunit_device_register(test, "vfio-coherent-test-b");

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);

	KUNIT_ASSERT_EQ(test, vfio_coherent_claim(a, &ap), 0);
	/* Claimed means claimed: for another device and for anyone else. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_claim(b, &ap), -EBUSY);
	KUNIT_EXPECT_EQ(test, vfio_coherent_claim(b, &part), -EBUSY);
	KUNIT_EXPECT_NULL(test, request_mem_region(FREE_BASE, PAGE_SIZE, "test"));
}

static void vfio_coherent_aperture_test_claim_existing(struct kunit *test)
{
	struct vfio_coherent_aperture ap = ap_at(FREE_BASE, SZ_1G, 4);
	struct resource *res;

	res = request_mem_region(FREE_BASE + SZ_512M, PAGE_SIZE, "other-driver");
	KUNIT_ASSERT_NOT_NULL(test, res);
	KUNIT_EXPECT_EQ(test, vfio_coherent_claim(test_dev(test), &ap), -EBUSY);
	release_mem_region(FREE_BASE + SZ_512M, PAGE_SIZE);
	/* The same claim succeeds once the other owner is gone. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_claim(test_dev(test), &ap), 0);
}

static void vfio_coherent_aperture_test_bar_size(struct kunit *test)
{
	struct vfio_coherent_aperture ap = ap_at(FREE_BASE, SZ_1G, 4);

	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_size(&ap), (u64)SZ_1G);
	ap.size = SZ_1G + PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_size(&ap), (u64)SZ_2G);
	ap.size = 48 * SZ_1M;
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_size(&ap), (u64)SZ_64M);
	ap.size = PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_size(&ap), (u64)PAGE_SIZE);
}

/* A VFIO region holds 1 TiB at most: larger is refused, not wrapped. */
static void vfio_coherent_aperture_test_too_large(struct kunit *test)
{
	struct vfio_coherent_aperture ap = ap_at(FREE_BASE, 1ULL << 40, 4);

	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0), 0);
	ap.size += PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0), -EINVAL);
	ap.size = 1ULL << 63;
	KUNIT_EXPECT_EQ(test, validate(test, &ap, NULL, 0, 0), -EINVAL);
}

static void release_test_resource(void *res)
{
	release_resource(res);
}

/*
 * An aperture inside a memory resource that is not busy (a host bridge
 * window, a BAR) is refused: request_mem_region() alone would nest in it.
 */
static void vfio_coherent_aperture_test_claim_nested(struct kunit *test)
{
	struct vfio_coherent_aperture ap = ap_at(FREE_BASE + SZ_1M, SZ_1M, 4);
	struct resource *window = kunit_kzalloc(test, sizeof(*window), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, window);
	window->name = "test bridge window";
	window->start = FREE_BASE;
	window->end = FREE_BASE + SZ_16M - 1;
	window->flags = IORESOURCE_MEM;
	KUNIT_ASSERT_EQ(test, insert_resource(&iomem_resource, window), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, release_test_resource,
							window), 0);

	KUNIT_EXPECT_EQ(test, vfio_coherent_claim(test_dev(test), &ap), -EBUSY);
	/* Straddling its end too. */
	ap = ap_at(FREE_BASE + SZ_16M - PAGE_SIZE, SZ_1M, 4);
	KUNIT_EXPECT_EQ(test, vfio_coherent_claim(test_dev(test), &ap), -EBUSY);
	/* Right after it is free. */
	ap = ap_at(FREE_BASE + SZ_16M, SZ_1M, 4);
	KUNIT_EXPECT_EQ(test, vfio_coherent_claim(test_dev(test), &ap), 0);
}

/*
 * pfn_range_has_struct_page(), which validation relies on to refuse memory
 * the kernel manages, on a page of RAM, on a range from PFN 0 up to it (some
 * PFN at or below it is found, subsection by subsection), and above the
 * physical address limit, where nothing can be.
 */
static void vfio_coherent_aperture_test_struct_page_walk(struct kunit *test)
{
	unsigned long beyond = PHYS_PFN(1ULL << MAX_PHYSMEM_BITS);
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned long pfn, found = 0;

	KUNIT_ASSERT_NOT_NULL(test, page);
	pfn = page_to_pfn(page);
	KUNIT_EXPECT_TRUE(test, pfn_range_has_struct_page(pfn, pfn, &found));
	KUNIT_EXPECT_EQ(test, found, pfn);
	found = ULONG_MAX;
	KUNIT_EXPECT_TRUE(test, pfn_range_has_struct_page(0, pfn, &found));
	KUNIT_EXPECT_TRUE(test, pfn_valid(found));
	KUNIT_EXPECT_LE(test, found, pfn);
	KUNIT_EXPECT_FALSE(test, pfn_range_has_struct_page(beyond, beyond + (1UL << 20),
							   &found));
	KUNIT_EXPECT_FALSE(test, pfn_range_has_struct_page(ULONG_MAX, ULONG_MAX, &found));
	__free_page(page);
}

static struct kunit_case vfio_coherent_aperture_cases[] = {
	KUNIT_CASE(vfio_coherent_aperture_test_valid),
	KUNIT_CASE(vfio_coherent_aperture_test_bad_type),
	KUNIT_CASE(vfio_coherent_aperture_test_zero_size),
	KUNIT_CASE(vfio_coherent_aperture_test_unaligned),
	KUNIT_CASE(vfio_coherent_aperture_test_overflow),
	KUNIT_CASE(vfio_coherent_aperture_test_ram),
	KUNIT_CASE(vfio_coherent_aperture_test_ram_partial),
	KUNIT_CASE(vfio_coherent_aperture_test_bar_range),
	KUNIT_CASE(vfio_coherent_aperture_test_bar_implemented),
	KUNIT_CASE(vfio_coherent_aperture_test_bar_auto),
	KUNIT_CASE(vfio_coherent_aperture_test_bar_taken_by_prev),
	KUNIT_CASE(vfio_coherent_aperture_test_overlap),
	KUNIT_CASE(vfio_coherent_aperture_test_claim),
	KUNIT_CASE(vfio_coherent_aperture_test_claim_existing),
	KUNIT_CASE(vfio_coherent_aperture_test_bar_size),
	KUNIT_CASE(vfio_coherent_aperture_test_too_large),
	KUNIT_CASE(vfio_coherent_aperture_test_claim_nested),
	KUNIT_CASE(vfio_coherent_aperture_test_struct_page_walk),
	{}
};

static struct kunit_suite vfio_coherent_aperture_suite = {
	.name = "vfio_coherent_aperture",
	.init = test_init,
	.test_cases = vfio_coherent_aperture_cases,
};

/* The discovery loop, driven by a table-based fake backend. */
struct fake_backend {
	const struct vfio_coherent_aperture *ap;
	unsigned int nr;
	int err_at;	/* index that fails with -EIO, or -1 */
};

static int fake_describe(struct vfio_coherent_device *cdev, unsigned int index,
			 struct vfio_coherent_aperture *ap)
{
	const struct fake_backend *fb = vfio_coherent_kunit_data(cdev);
	const struct vfio_coherent_aperture *src;

	if (index == fb->err_at)
		return -EIO;
	if (index >= fb->nr)
		return -ENOENT;
	src = &fb->ap[index];
	/* Only what the backend knows; type and BAR keep the core defaults. */
	ap->base = src->base;
	ap->size = src->size;
	ap->name = src->name;
	return 0;
}

static const struct vfio_coherent_ops fake_ops = {
	.describe = fake_describe,
};

static int discover(struct kunit *test, const struct fake_backend *fb,
		    unsigned long used, struct vfio_coherent_device **out)
{
	return vfio_coherent_kunit_discover(test, test_dev(test), &fake_ops,
					    (void *)fb, used, out);
}

static const struct vfio_coherent_aperture four[] = {
	{ .base = FREE_BASE, .size = SZ_1G, .name = "usemem" },
	{ .base = FREE_BASE + SZ_1G, .size = 48 * SZ_1M },
	{ .base = FREE_BASE + SZ_2G, .size = SZ_1M },
	{ .base = FREE_BASE + 3ULL * SZ_1G, .size = SZ_1M },
};

static void vfio_coherent_discover_test_two(struct kunit *test)
{
	struct fake_backend fb = { .ap = four, .nr = 2, .err_at = -1 };
	struct vfio_coherent_device *cdev;

	KUNIT_ASSERT_EQ(test, discover(test, &fb, 0x3, &cdev), 0);
	KUNIT_ASSERT_EQ(test, cdev->nr_apertures, 2);
	KUNIT_EXPECT_STREQ(test, cdev->ap[0].name, "usemem");
	KUNIT_EXPECT_STREQ(test, cdev->ap[1].name, "aperture1");
	/* BAR 0/1 are implemented (mask 0x3): defaults go to 2, then 4. */
	KUNIT_EXPECT_EQ(test, cdev->ap[0].bar, 2);
	KUNIT_EXPECT_EQ(test, cdev->ap[1].bar, 4);
	KUNIT_EXPECT_EQ(test, cdev->ap[0].type, VFIO_COHERENT_MEM_CACHEABLE);
	KUNIT_EXPECT_PTR_EQ(test, vfio_coherent_aperture_at_bar(cdev, 4),
			    &cdev->ap[1]);
	KUNIT_EXPECT_NULL(test, vfio_coherent_aperture_at_bar(cdev, 0));
	KUNIT_EXPECT_NULL(test, vfio_coherent_aperture_at_bar(cdev, 3));
}

static void vfio_coherent_discover_test_none(struct kunit *test)
{
	struct fake_backend fb = { .ap = four, .nr = 0, .err_at = -1 };
	struct vfio_coherent_device *cdev;

	KUNIT_EXPECT_EQ(test, discover(test, &fb, 0x3, &cdev), -ENODEV);
}

static void vfio_coherent_discover_test_too_many(struct kunit *test)
{
	struct fake_backend fb = { .ap = four, .nr = 4, .err_at = -1 };
	struct vfio_coherent_device *cdev;

	/* Six BAR slots hold three 64-bit BARs, never four apertures. */
	KUNIT_EXPECT_EQ(test, discover(test, &fb, 0, &cdev), -E2BIG);
	KUNIT_EXPECT_EQ(test, cdev->nr_apertures, 3);
	/* BARs 0/1 implemented leave two 64-bit BARs for three apertures. */
	fb.nr = 3;
	KUNIT_EXPECT_EQ(test, discover(test, &fb, 0x3, &cdev), -ENOSPC);
	KUNIT_EXPECT_EQ(test, cdev->nr_apertures, 2);
}

/* Messages tell apertures apart by name: two of a device cannot share one. */
static void vfio_coherent_discover_test_same_name(struct kunit *test)
{
	static const struct vfio_coherent_aperture twins[] = {
		{ .base = FREE_BASE, .size = SZ_1G, .name = "usemem" },
		{ .base = FREE_BASE + SZ_1G, .size = SZ_1M, .name = "usemem" },
	};
	/* The second gets the name the core makes up for it: taken. */
	static const struct vfio_coherent_aperture made_up[] = {
		{ .base = FREE_BASE, .size = SZ_1G, .name = "aperture1" },
		{ .base = FREE_BASE + SZ_1G, .size = SZ_1M },
	};
	struct fake_backend fb = { .ap = twins, .nr = 2, .err_at = -1 };

	VFIO_COHERENT_KUNIT_EXPECT_REFUSED(test, discover(test, &fb, 0x3, NULL), -EINVAL,
					   "name \"usemem\" is already used by aperture 0");
	fb.ap = made_up;
	VFIO_COHERENT_KUNIT_EXPECT_REFUSED(test, discover(test, &fb, 0x3, NULL), -EINVAL,
					   "name \"aperture1\" is already used by aperture 0");
}

static void vfio_coherent_discover_test_backend_error(struct kunit *test)
{
	struct fake_backend fb = { .ap = four, .nr = 2, .err_at = 1 };
	struct vfio_coherent_device *cdev;

	KUNIT_EXPECT_EQ(test, discover(test, &fb, 0x3, &cdev), -EIO);
}

static struct kunit_case vfio_coherent_discover_cases[] = {
	KUNIT_CASE(vfio_coherent_discover_test_two),
	KUNIT_CASE(vfio_coherent_discover_test_none),
	KUNIT_CASE(vfio_coherent_discover_test_too_many),
	KUNIT_CASE(vfio_coherent_discover_test_same_name),
	KUNIT_CASE(vfio_coherent_discover_test_backend_error),
	{}
};

static struct kunit_suite vfio_coherent_discover_suite = {
	.name = "vfio_coherent_discover",
	.init = test_init,
	.test_cases = vfio_coherent_discover_cases,
};

kunit_test_suites(&vfio_coherent_aperture_suite, &vfio_coherent_discover_suite);

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
MODULE_IMPORT_NS("VFIO_COHERENT");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the vfio-coherent core");
