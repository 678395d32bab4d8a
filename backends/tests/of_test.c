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

static void vfio_coherent_of_test_undescribed(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, describe(test, "dev-none", TESTDEV_BARS, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, describe(test, NULL, TESTDEV_BARS, NULL), -ENODEV);
}

static void vfio_coherent_of_test_malformed(struct kunit *test)
{
	static const struct {
		const char *dev;
		int err;
	} cases[] = {
		{ "dev-zero", -EINVAL },
		{ "dev-unaligned", -EINVAL },
		{ "dev-overflow", -EOVERFLOW },
		{ "dev-nocompat", -EINVAL },
		{ "dev-noreg", -EINVAL },
		{ "dev-overlap", -EINVAL },
		/* Matched on the generic fallback only. */
		{ "dev-vendor-only", -EINVAL },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, describe(test, cases[i].dev, TESTDEV_BARS, NULL),
				    cases[i].err, "%s", cases[i].dev);
}

/*
 * A node whose status says its memory is not there refuses the function, at
 * any index: skipping it would move the apertures after it to other BARs.
 */
static void vfio_coherent_of_test_disabled(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, describe(test, "dev-disabled", TESTDEV_BARS, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, describe(test, "dev-disabled-second", TESTDEV_BARS, NULL),
			-ENODEV);
	/* Nothing of the first aperture stays claimed. */
	KUNIT_EXPECT_EQ(test, describe(test, "dev-one", TESTDEV_BARS, NULL), 0);
}

/* A second reg entry is refused, not dropped. */
static void vfio_coherent_of_test_two_regs(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, describe(test, "dev-two-regs", TESTDEV_BARS, NULL), -EINVAL);
}

static void vfio_coherent_of_test_system_ram(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, describe(test, "dev-ram", TESTDEV_BARS, NULL), -EBUSY);
}

static void vfio_coherent_of_test_claimed(struct kunit *test)
{
	/* The PL011 UART's registers, requested by its driver. */
	KUNIT_EXPECT_EQ(test, describe(test, "dev-claimed", TESTDEV_BARS, NULL), -EBUSY);
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
	KUNIT_CASE(vfio_coherent_of_test_undescribed),
	KUNIT_CASE(vfio_coherent_of_test_malformed),
	KUNIT_CASE(vfio_coherent_of_test_disabled),
	KUNIT_CASE(vfio_coherent_of_test_two_regs),
	KUNIT_CASE(vfio_coherent_of_test_system_ram),
	KUNIT_CASE(vfio_coherent_of_test_claimed),
	KUNIT_CASE(vfio_coherent_of_test_claim_held),
	{}
};

static struct kunit_suite vfio_coherent_of_suite = {
	.name = "vfio_coherent_of",
	.init = of_test_init,
	.test_cases = vfio_coherent_of_cases,
};

kunit_test_suite(vfio_coherent_of_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_IMPORT_NS(VFIO_COHERENT);
MODULE_IMPORT_NS(VFIO_COHERENT_KUNIT);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the vfio-coherent devicetree backend");
