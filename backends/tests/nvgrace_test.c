// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the vfio-coherent Grace Hopper backend: GPUs described by
 * software nodes with the ACPI _DSD property names, run through the
 * backend and the core's real discovery loop.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/property.h>
#include <linux/sizes.h>

#include "../../tests/helpers.h"
#include "../nvgrace.h"

/* 128 GiB: unused on the test machines. */
#define GPU_BASE	(128ULL * SZ_1G)

struct nvgrace_ctx {
	struct device *dev;
	struct fwnode_handle *fwnode;
	bool mig_bug;
};

static int nvgrace_test_describe(struct vfio_coherent_device *cdev,
				 unsigned int index,
				 struct vfio_coherent_aperture *ap)
{
	struct nvgrace_ctx *ctx = vfio_coherent_kunit_data(cdev);

	return vfio_coherent_nvgrace_parse(ctx->dev, ctx->fwnode, ctx->mig_bug,
					   index, ap);
}

static const struct vfio_coherent_ops nvgrace_test_ops = {
	.describe = nvgrace_test_describe,
};

static void put_fwnode(void *fwnode)
{
	fwnode_remove_software_node(fwnode);
}

/*
 * Describe a GPU whose firmware says @base/@size (a missing property when
 * the pointer is NULL), with or without the MIG bug.
 */
static int describe_gpu(struct kunit *test, const u64 *base, const u64 *size,
			bool mig_bug, struct vfio_coherent_device **out)
{
	struct property_entry props[3] = {};
	struct nvgrace_ctx *ctx;
	int n = 0;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	if (base)
		props[n++] = PROPERTY_ENTRY_U64("nvidia,gpu-mem-base-pa", *base);
	if (size)
		props[n++] = PROPERTY_ENTRY_U64("nvidia,gpu-mem-size", *size);
	ctx->fwnode = fwnode_create_software_node(props, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx->fwnode);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, put_fwnode, ctx->fwnode));
	ctx->dev = test->priv;
	ctx->mig_bug = mig_bug;
	/* A GPU implements BARs 0 and 1 (64-bit): the apertures use 2 and 4. */
	return vfio_coherent_kunit_discover(test, ctx->dev, &nvgrace_test_ops,
					    ctx, 0x3, out);
}

static int nvgrace_test_init(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "vfio-coherent-nvgrace-test");

	if (IS_ERR(dev))
		return PTR_ERR(dev);
	test->priv = dev;
	return 0;
}

static void vfio_coherent_nvgrace_test_usemem_only(struct kunit *test)
{
	u64 base = GPU_BASE, size = 4ULL * SZ_1G + SZ_256M;
	struct vfio_coherent_device *cdev;

	KUNIT_ASSERT_EQ(test, describe_gpu(test, &base, &size, false, &cdev), 0);
	KUNIT_ASSERT_EQ(test, cdev->nr_apertures, 1);
	KUNIT_EXPECT_STREQ(test, cdev->ap[0].name, "usemem");
	KUNIT_EXPECT_EQ(test, cdev->ap[0].base, (phys_addr_t)base);
	/* No carve-out, no rounding: all of it. */
	KUNIT_EXPECT_EQ(test, cdev->ap[0].size, size);
	KUNIT_EXPECT_EQ(test, cdev->ap[0].bar, 4);
	KUNIT_EXPECT_EQ(test, cdev->ap[0].type, VFIO_COHERENT_MEM_CACHEABLE);
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_size(&cdev->ap[0]), 8ULL * SZ_1G);
}

static void vfio_coherent_nvgrace_test_usemem_resmem(struct kunit *test)
{
	u64 base = GPU_BASE, size = 4ULL * SZ_1G + SZ_256M;
	struct vfio_coherent_device *cdev;

	KUNIT_ASSERT_EQ(test, describe_gpu(test, &base, &size, true, &cdev), 0);
	KUNIT_ASSERT_EQ(test, cdev->nr_apertures, 2);
	/* 4.25 GiB - 1 GiB = 3.25 GiB, rounded down to 512 MiB: 3 GiB. */
	KUNIT_EXPECT_STREQ(test, cdev->ap[0].name, "usemem");
	KUNIT_EXPECT_EQ(test, cdev->ap[0].base, (phys_addr_t)base);
	KUNIT_EXPECT_EQ(test, cdev->ap[0].size, 3ULL * SZ_1G);
	KUNIT_EXPECT_EQ(test, cdev->ap[0].bar, 4);
	KUNIT_EXPECT_EQ(test, cdev->ap[0].type, VFIO_COHERENT_MEM_CACHEABLE);
	/* resmem: the rest, 1.25 GiB, write-combine, BAR 2. */
	KUNIT_EXPECT_STREQ(test, cdev->ap[1].name, "resmem");
	KUNIT_EXPECT_EQ(test, cdev->ap[1].base, (phys_addr_t)(base + 3ULL * SZ_1G));
	KUNIT_EXPECT_EQ(test, cdev->ap[1].size, (u64)SZ_1G + SZ_256M);
	KUNIT_EXPECT_EQ(test, cdev->ap[1].bar, 2);
	KUNIT_EXPECT_EQ(test, cdev->ap[1].type, VFIO_COHERENT_MEM_WC);
	KUNIT_EXPECT_EQ(test, vfio_coherent_bar_size(&cdev->ap[1]), 2ULL * SZ_1G);
}

static void vfio_coherent_nvgrace_test_malformed(struct kunit *test)
{
	u64 base = GPU_BASE, size = 4ULL * SZ_1G, zero = 0;
	u64 small = SZ_1G + SZ_256M, top = ~0ULL - SZ_1G + 2;
	u64 unaligned = GPU_BASE + SZ_2K, ram = 0x40000000;

	/* Missing properties: not described. */
	KUNIT_EXPECT_EQ(test, describe_gpu(test, NULL, &size, false, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, describe_gpu(test, &base, NULL, false, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, describe_gpu(test, NULL, NULL, false, NULL), -ENODEV);
	/* Size 0: the C2C link is down. */
	KUNIT_EXPECT_EQ(test, describe_gpu(test, &base, &zero, false, NULL), -ENOLINK);
	/* Overflow. */
	KUNIT_EXPECT_EQ(test, describe_gpu(test, &top, &size, false, NULL), -EOVERFLOW);
	/* Too small to leave a 512 MiB usemem next to the 1 GiB resmem. */
	KUNIT_EXPECT_EQ(test, describe_gpu(test, &base, &small, true, NULL), -EINVAL);
	/* The same size is fine without the bug. */
	KUNIT_EXPECT_EQ(test, describe_gpu(test, &base, &small, false, NULL), 0);
	/* The core's checks apply as for any backend. */
	KUNIT_EXPECT_EQ(test, describe_gpu(test, &unaligned, &size, false, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, describe_gpu(test, &ram, &size, false, NULL), -EBUSY);
}

static void vfio_coherent_nvgrace_test_no_fwnode(struct kunit *test)
{
	struct vfio_coherent_aperture ap = {};

	KUNIT_EXPECT_EQ(test, vfio_coherent_nvgrace_parse(test->priv, NULL, false, 0, &ap),
			-ENODEV);
}

/* Memory is ready only when both the C2C link and the HBM training are. */
static void vfio_coherent_nvgrace_test_ready_status(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vfio_coherent_nvgrace_ready_status(0xff, 0xff), 0);
	KUNIT_EXPECT_EQ(test, vfio_coherent_nvgrace_ready_status(0xff, 0), -EAGAIN);
	KUNIT_EXPECT_EQ(test, vfio_coherent_nvgrace_ready_status(0, 0xff), -EAGAIN);
	KUNIT_EXPECT_EQ(test, vfio_coherent_nvgrace_ready_status(0, 0), -EAGAIN);
	/* Only the exact value: a function gone from the bus reads all-ones. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_nvgrace_ready_status(~0U, ~0U), -EAGAIN);
	KUNIT_EXPECT_EQ(test, vfio_coherent_nvgrace_ready_status(0x1ff, 0xff), -EAGAIN);
}

static struct kunit_case vfio_coherent_nvgrace_cases[] = {
	KUNIT_CASE(vfio_coherent_nvgrace_test_usemem_only),
	KUNIT_CASE(vfio_coherent_nvgrace_test_usemem_resmem),
	KUNIT_CASE(vfio_coherent_nvgrace_test_malformed),
	KUNIT_CASE(vfio_coherent_nvgrace_test_no_fwnode),
	KUNIT_CASE(vfio_coherent_nvgrace_test_ready_status),
	{}
};

static struct kunit_suite vfio_coherent_nvgrace_suite = {
	.name = "vfio_coherent_nvgrace",
	.init = nvgrace_test_init,
	.test_cases = vfio_coherent_nvgrace_cases,
};

kunit_test_suite(vfio_coherent_nvgrace_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_IMPORT_NS(VFIO_COHERENT);
MODULE_IMPORT_NS(VFIO_COHERENT_KUNIT);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the vfio-coherent Grace Hopper backend");
