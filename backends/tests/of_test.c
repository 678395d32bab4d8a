// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the vfio-coherent devicetree backend: devices described by
 * a dtc-compiled overlay, run through the backend's parser and the core's
 * real discovery loop (validation and claiming included).
 */

#include <kunit/device.h>
#include <kunit/of.h>
#include <kunit/test.h>
#include <linux/of.h>
#include <linux/sizes.h>

#include "../../tests/helpers.h"
#include "../of.h"

struct of_test_ctx {
	struct device *dev;
	struct device_node *np;
};

static int of_test_describe(struct vfio_coherent_device *cdev,
			    unsigned int index,
			    struct vfio_coherent_aperture *ap)
{
	struct of_test_ctx *ctx = vfio_coherent_kunit_data(cdev);

	return vfio_coherent_of_parse(ctx->dev, ctx->np, index, ap);
}

static const struct vfio_coherent_ops of_test_ops = {
	.describe = of_test_describe,
};

static int of_test_init(struct kunit *test)
{
	struct device *dev;
	int ret;

	ret = of_overlay_apply_kunit(test, vfio_coherent_of_test);
	if (ret)
		return ret;
	dev = kunit_device_register(test, "vfio-coherent-of-test");
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	test->priv = dev;
	return 0;
}

/*
 * Describe the test device @name (NULL: a device without a node) the way a
 * PCI function with BAR slots @used implemented would be.
 */
static int describe(struct kunit *test, const char *name, unsigned long used,
		    struct vfio_coherent_device **out)
{
	struct of_test_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	char path[64];
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->dev = test->priv;
	if (name) {
		snprintf(path, sizeof(path), "/vfio-coherent-test/%s", name);
		ctx->np = of_find_node_by_path(path);
		KUNIT_ASSERT_NOT_NULL_MSG(test, ctx->np, "%s", path);
	}
	ret = vfio_coherent_kunit_discover(test, ctx->dev, &of_test_ops, ctx,
					   used, out);
	of_node_put(ctx->np);
	return ret;
}

/* QEMU's pci-testdev: a memory BAR at 0 and an I/O BAR at 1. */
#define TESTDEV_BARS	0x3UL

static void vfio_coherent_of_test_one(struct kunit *test)
{
	struct vfio_coherent_device *cdev;

	KUNIT_ASSERT_EQ(test, describe(test, "dev-one", TESTDEV_BARS, &cdev), 0);
	KUNIT_ASSERT_EQ(test, cdev->nr_apertures, 1);
	KUNIT_EXPECT_EQ(test, cdev->ap[0].base, (phys_addr_t)0x2000000000ULL);
	KUNIT_EXPECT_EQ(test, cdev->ap[0].size, (u64)SZ_1G);
	KUNIT_EXPECT_EQ(test, cdev->ap[0].type, VFIO_COHERENT_MEM_CACHEABLE);
	KUNIT_EXPECT_EQ(test, cdev->ap[0].bar, 2);
	KUNIT_EXPECT_STREQ(test, cdev->ap[0].name, "aperture0");
}

/* The OS picks the BARs: the first free 64-bit pair, in memory-region order. */
static void vfio_coherent_of_test_two(struct kunit *test)
{
	struct vfio_coherent_device *cdev;

	KUNIT_ASSERT_EQ(test, describe(test, "dev-two", TESTDEV_BARS, &cdev), 0);
	KUNIT_ASSERT_EQ(test, cdev->nr_apertures, 2);
	KUNIT_EXPECT_STREQ(test, cdev->ap[0].name, "resmem");
	KUNIT_EXPECT_EQ(test, cdev->ap[0].bar, 2);
	KUNIT_EXPECT_EQ(test, cdev->ap[0].type, VFIO_COHERENT_MEM_WC);
	KUNIT_EXPECT_EQ(test, cdev->ap[0].base, (phys_addr_t)0x2040000000ULL);
	KUNIT_EXPECT_EQ(test, cdev->ap[0].size, (u64)48 * SZ_1M);
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_size(&cdev->ap[0]), (u64)SZ_64M);
	KUNIT_EXPECT_STREQ(test, cdev->ap[1].name, "usemem");
	KUNIT_EXPECT_EQ(test, cdev->ap[1].bar, 4);
	KUNIT_EXPECT_EQ(test, cdev->ap[1].type, VFIO_COHERENT_MEM_CACHEABLE);
	KUNIT_EXPECT_EQ(test, cdev->ap[1].base, (phys_addr_t)0x2000000000ULL);
}

/*
 * A firmware description refused, as every refusal must be, with a precise
 * errno and a message naming the offending value.
 */
struct of_refusal {
	const char *desc;
	const char *dev;	/* test device, NULL: no devicetree node */
	unsigned long used;	/* BAR slots the function implements */
	int err;
	const char *msg;	/* part of the message */
};

static const struct of_refusal of_refusals[] = {
	/* Not described at all. */
	{ "no devicetree node", NULL, TESTDEV_BARS, -ENODEV,
	  "no devicetree node: coherent memory not described" },
	{ "no memory-region", "dev-none", TESTDEV_BARS, -ENODEV,
	  "/vfio-coherent-test/dev-none: no memory-region property" },
	/* The function's node. */
	{ "memory-region phandle to no node", "dev-bad-phandle", TESTDEV_BARS, -EINVAL,
	  "memory-region entry 0: phandle 0xdead refers to no node" },
	{ "fewer memory-region-names than entries", "dev-names-short", TESTDEV_BARS,
	  -EINVAL, "dev-names-short: 1 memory-region-names for 2 memory-region entries" },
	{ "more memory-region-names than entries", "dev-names-long", TESTDEV_BARS,
	  -EINVAL, "dev-names-long: 3 memory-region-names for 2 memory-region entries" },
	{ "two entries named alike", "dev-names-dup", TESTDEV_BARS, -EINVAL,
	  "aperture 1: name \"usemem\" is already used by aperture 0" },
	/* The memory nodes. */
	{ "not coherent-device-memory", "dev-nocompat", TESTDEV_BARS, -EINVAL,
	  "/vfio-coherent-test/memory@20c0000000 is not \"coherent-device-memory\"" },
	/* Matched on the generic fallback only. */
	{ "vendor compatible only", "dev-vendor-only", TESTDEV_BARS, -EINVAL,
	  "/vfio-coherent-test/memory@20c0001000 is not \"coherent-device-memory\"" },
	/*
	 * A node whose status says its memory is not there refuses the
	 * function, at any index: skipping it would move the apertures after
	 * it to other BARs.
	 */
	{ "first entry disabled", "dev-disabled", TESTDEV_BARS, -ENODEV,
	  "entry 0: /vfio-coherent-test/memory@20d0000000 has status \"disabled\"" },
	{ "second entry disabled", "dev-disabled-second", TESTDEV_BARS, -ENODEV,
	  "entry 1: /vfio-coherent-test/memory@20d0000000 has status \"disabled\"" },
	{ "no reg", "dev-noreg", TESTDEV_BARS, -EINVAL,
	  "/vfio-coherent-test/memory: no reg property" },
	/* A second reg entry is refused, not dropped. */
	{ "two reg entries", "dev-two-regs", TESTDEV_BARS, -EINVAL,
	  "/vfio-coherent-test/memory@20e0000000: 2 reg entries, expected one" },
	{ "reg of one cell", "dev-one-cell", TESTDEV_BARS, -EINVAL,
	  "memory-one-cell: reg of 4 bytes is no whole number of 16-byte entries" },
	{ "reg a string", "dev-string-reg", TESTDEV_BARS, -EINVAL,
	  "memory-string-reg: reg of 13 bytes is no whole number of 16-byte entries" },
	{ "reg wraps around", "dev-overflow", TESTDEV_BARS, -EOVERFLOW,
	  "reg 0xfffffffffffff000 size 0x2000 overflows the physical address space" },
	/* The core's rules. */
	{ "size 0", "dev-zero", TESTDEV_BARS, -EINVAL,
	  "aperture0: size is zero (base 0x0000002080000000)" },
	{ "base not page aligned", "dev-unaligned", TESTDEV_BARS, -EINVAL,
	  "aperture0: base 0x0000002080000800 size 0x1000 not aligned" },
	{ "size not page aligned", "dev-unaligned-size", TESTDEV_BARS, -EINVAL,
	  "aperture0: base 0x00000020a0000000 size 0x1800 not aligned" },
	{ "more than 1 TiB", "dev-too-large", TESTDEV_BARS, -EINVAL,
	  "aperture0: size 0x10000010000 is more than a VFIO region can hold" },
	{ "System RAM", "dev-ram", TESTDEV_BARS, -EBUSY,
	  "[0x0000000040000000-0x000000004000ffff] overlaps System RAM" },
	{ "overlapping apertures", "dev-overlap", TESTDEV_BARS, -EINVAL,
	  "aperture1: [0x0000002000100000-0x00000020001fffff] overlaps aperture0" },
	/* The PL011 UART's registers, requested by its driver. */
	{ "claimed by the UART", "dev-claimed", TESTDEV_BARS, -EBUSY,
	  "[0x0000000009000000-0x000000000900ffff] is already claimed by another resource" },
	/* Windows are not busy: the claim would nest in them. */
	{ "inside the 32-bit PCI window", "dev-pci32", TESTDEV_BARS, -EBUSY,
	  "[0x000000003e000000-0x000000003e0fffff] lies inside [mem 0x10000000-0x3efeffff" },
	{ "inside the 64-bit PCI window", "dev-pci64", TESTDEV_BARS, -EBUSY,
	  "[0x000000c000000000-0x000000c0000fffff] lies inside [mem 0x8000000000-0xffffffffff" },
	{ "more apertures than free BARs", "dev-three", TESTDEV_BARS, -ENOSPC,
	  "aperture2: no free 64-bit BAR left (BAR slots in use: 0x3f)" },
	{ "more apertures than BARs", "dev-four", 0, -E2BIG,
	  "more than 3 apertures described" },
};

KUNIT_ARRAY_PARAM_DESC(of_refusal, of_refusals, desc);

static void vfio_coherent_of_test_refused(struct kunit *test)
{
	const struct of_refusal *r = test->param_value;

	VFIO_COHERENT_KUNIT_EXPECT_REFUSED(test, describe(test, r->dev, r->used, NULL),
					   r->err, r->msg);
}

/* Nothing of an aperture accepted before the refused one stays claimed. */
static void vfio_coherent_of_test_refused_releases(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, describe(test, "dev-disabled-second", TESTDEV_BARS, NULL),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, describe(test, "dev-one", TESTDEV_BARS, NULL), 0);
}

static void vfio_coherent_of_test_claim_held(struct kunit *test)
{
	struct vfio_coherent_device *cdev;
	struct device *other;

	KUNIT_ASSERT_EQ(test, describe(test, "dev-one", TESTDEV_BARS, &cdev), 0);
	/* A second binding of the same aperture is refused while it is held. */
	other = kunit_device_register(test, "vfio-coherent-of-test-b");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	test->priv = other;
	KUNIT_EXPECT_EQ(test, describe(test, "dev-one", TESTDEV_BARS, NULL), -EBUSY);
}

static struct kunit_case vfio_coherent_of_cases[] = {
	KUNIT_CASE(vfio_coherent_of_test_one),
	KUNIT_CASE(vfio_coherent_of_test_two),
	KUNIT_CASE_PARAM(vfio_coherent_of_test_refused, of_refusal_gen_params),
	KUNIT_CASE(vfio_coherent_of_test_refused_releases),
	KUNIT_CASE(vfio_coherent_of_test_claim_held),
	{}
};

static struct kunit_suite vfio_coherent_of_suite = {
	.name = "vfio_coherent_of",
	.init = of_test_init,
	.test_cases = vfio_coherent_of_cases,
};

kunit_test_suite(vfio_coherent_of_suite);

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
MODULE_IMPORT_NS("VFIO_COHERENT");
MODULE_IMPORT_NS("VFIO_COHERENT_KUNIT");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the vfio-coherent devicetree backend");
