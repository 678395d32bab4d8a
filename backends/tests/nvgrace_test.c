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

/* Describe a GPU whose firmware node has @props, with or without the MIG bug. */
static int describe_props(struct kunit *test, const struct property_entry *props,
			  bool mig_bug, struct vfio_coherent_device **out)
{
	struct nvgrace_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
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

/* Describe a GPU whose firmware says @base and @size. */
static int describe_gpu(struct kunit *test, u64 base, u64 size, bool mig_bug,
			struct vfio_coherent_device **out)
{
	struct property_entry props[] = {
		PROPERTY_ENTRY_U64("nvidia,gpu-mem-base-pa", base),
		PROPERTY_ENTRY_U64("nvidia,gpu-mem-size", size),
		{}
	};

	return describe_props(test, props, mig_bug, out);
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

	KUNIT_ASSERT_EQ(test, describe_gpu(test, base, size, false, &cdev), 0);
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

	KUNIT_ASSERT_EQ(test, describe_gpu(test, base, size, true, &cdev), 0);
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

/* The same size as refused below with the bug is fine without it. */
static void vfio_coherent_nvgrace_test_small(struct kunit *test)
{
	u64 base = GPU_BASE, small = SZ_1G + SZ_256M;

	KUNIT_EXPECT_EQ(test, describe_gpu(test, base, small, false, NULL), 0);
}

#define BASE(v)		PROPERTY_ENTRY_U64("nvidia,gpu-mem-base-pa", v)
#define SIZE(v)		PROPERTY_ENTRY_U64("nvidia,gpu-mem-size", v)

/*
 * A software node's string property holds a pointer, which reads as a u64
 * through the fwnode API (ACPI, whose _DSD values are typed, refuses a
 * string for an integer): a string is given by its bytes, as in a DT.
 */
static const u8 size_string[] = "4G";
static const u64 two_sizes[] = { SZ_4G, SZ_4G };

/*
 * A firmware description refused, as every refusal must be, with a precise
 * errno and a message naming the offending value.
 */
struct nvgrace_refusal {
	const char *desc;
	struct property_entry props[3];
	bool mig_bug;
	int err;
	const char *msg;	/* part of the message */
};

static const struct nvgrace_refusal nvgrace_refusals[] = {
	/* Missing properties: not described. */
	{ "no properties", { }, false, -ENODEV,
	  "no nvidia,gpu-mem-base-pa property: GPU memory not described" },
	{ "no nvidia,gpu-mem-base-pa", { SIZE(SZ_4G) }, false, -ENODEV,
	  "no nvidia,gpu-mem-base-pa property" },
	{ "no nvidia,gpu-mem-size", { BASE(GPU_BASE) }, false, -ENODEV,
	  "no nvidia,gpu-mem-size property" },
	/* Present but not one u64. */
	{ "nvidia,gpu-mem-base-pa a u32",
	  { PROPERTY_ENTRY_U32("nvidia,gpu-mem-base-pa", SZ_1G), SIZE(SZ_4G) },
	  false, -EINVAL, "nvidia,gpu-mem-base-pa has 0 u64 values, expected one" },
	{ "nvidia,gpu-mem-size a u32",
	  { BASE(GPU_BASE), PROPERTY_ENTRY_U32("nvidia,gpu-mem-size", SZ_1G) },
	  false, -EINVAL, "nvidia,gpu-mem-size has 0 u64 values, expected one" },
	{ "nvidia,gpu-mem-size a string",
	  { BASE(GPU_BASE), PROPERTY_ENTRY_U8_ARRAY("nvidia,gpu-mem-size", size_string) },
	  false, -EINVAL, "nvidia,gpu-mem-size has 0 u64 values, expected one" },
	{ "nvidia,gpu-mem-size two u64",
	  { BASE(GPU_BASE), PROPERTY_ENTRY_U64_ARRAY("nvidia,gpu-mem-size", two_sizes) },
	  false, -EINVAL, "nvidia,gpu-mem-size has 2 u64 values, expected one" },
	/* The backend's rules. */
	{ "size 0: C2C link down", { BASE(GPU_BASE), SIZE(0) }, false, -ENOLINK,
	  "nvidia,gpu-mem-size is 0: the C2C link is down" },
	{ "base + size wraps", { BASE(~0ULL - SZ_1G + 2), SIZE(SZ_4G) }, false,
	  -EOVERFLOW, "base 0xffffffffc0000001 + size 0x100000000 overflows" },
	/* Too small to leave a 512 MiB usemem next to the 1 GiB resmem. */
	{ "MIG bug, 1.25 GiB", { BASE(GPU_BASE), SIZE(SZ_1G + SZ_256M) }, true,
	  -EINVAL, "GPU memory size 0x50000000 leaves no 512 MiB block" },
	{ "MIG bug, 1 GiB", { BASE(GPU_BASE), SIZE(SZ_1G) }, true, -EINVAL,
	  "GPU memory size 0x40000000 leaves no 512 MiB block" },
	/* The core's checks apply as for any backend. */
	{ "base not page aligned", { BASE(GPU_BASE + SZ_2K), SIZE(SZ_4G) }, false,
	  -EINVAL, "usemem: base 0x0000002000000800 size 0x100000000 not aligned" },
	{ "size not page aligned", { BASE(GPU_BASE), SIZE(SZ_4G + SZ_2K) }, false,
	  -EINVAL, "usemem: base 0x0000002000000000 size 0x100000800 not aligned" },
	{ "more than 1 TiB", { BASE(GPU_BASE), SIZE(SZ_1T + SZ_1G) }, false, -EINVAL,
	  "usemem: size 0x10040000000 is more than a VFIO region can hold" },
	{ "System RAM", { BASE(SZ_1G), SIZE(SZ_4G) }, false, -EBUSY,
	  "usemem: [0x0000000040000000-0x000000013fffffff] overlaps System RAM" },
	{ "claimed by the UART", { BASE(0x9000000), SIZE(SZ_64K) }, false, -EBUSY,
	  "usemem: [0x0000000009000000-0x000000000900ffff] is already claimed" },
	{ "inside the 64-bit PCI window", { BASE(0xc000000000), SIZE(SZ_4G) }, false,
	  -EBUSY, "lies inside [mem 0x8000000000-0xffffffffff" },
};

KUNIT_ARRAY_PARAM_DESC(nvgrace_refusal, nvgrace_refusals, desc);

static void vfio_coherent_nvgrace_test_refused(struct kunit *test)
{
	const struct nvgrace_refusal *r = test->param_value;

	VFIO_COHERENT_KUNIT_EXPECT_REFUSED(test,
					   describe_props(test, r->props, r->mig_bug, NULL),
					   r->err, r->msg);
}

static void vfio_coherent_nvgrace_test_no_fwnode(struct kunit *test)
{
	struct vfio_coherent_aperture ap = {};

	VFIO_COHERENT_KUNIT_EXPECT_REFUSED(test,
					   vfio_coherent_nvgrace_parse(test->priv, NULL,
								       false, 0, &ap),
					   -ENODEV, "no nvidia,gpu-mem-base-pa property");
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
	KUNIT_CASE(vfio_coherent_nvgrace_test_small),
	KUNIT_CASE_PARAM(vfio_coherent_nvgrace_test_refused, nvgrace_refusal_gen_params),
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

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
MODULE_IMPORT_NS("VFIO_COHERENT");
MODULE_IMPORT_NS("VFIO_COHERENT_KUNIT");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the vfio-coherent Grace Hopper backend");
