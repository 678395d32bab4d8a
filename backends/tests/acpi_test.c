// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the vfio-coherent ACPI _CRS backend: resource descriptors
 * built by hand, as ACPICA hands them to a _CRS walk, translated one by
 * one, then whole resource lists run through the backend's walk and the
 * core's discovery, so that the core's aperture rules apply. Ranges are at
 * 128 GiB and up, which nothing uses on the test machines; 0x80000000 is
 * their System RAM.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/acpi.h>
#include <linux/sizes.h>

#include "../../tests/helpers.h"	/* also the core's coherent.h */
#include "../acpi.h"

#define BASE		(128ULL * SZ_1G)
#define RAM_BASE	0x80000000ULL

/* One descriptor, as a table can hold it. */
struct acpi_desc {
	u32 type;		/* ACPI_RESOURCE_TYPE_* */
	u8 space;		/* address descriptors: ACPI_MEMORY_RANGE, ... */
	u8 caching;		/* ACPI_CACHABLE_MEMORY, ... */
	bool read_only;
	u64 min;
	u64 len;
	u64 max_delta;		/* added to _MAX, which is _MIN + _LEN - 1 */
	u64 tra;		/* translation offset */
};

#define QWORD(c, b, l)	{ .type = ACPI_RESOURCE_TYPE_ADDRESS64, .caching = (c), \
			  .min = (b), .len = (l) }
#define IRQ		{ .type = ACPI_RESOURCE_TYPE_IRQ }
#define QWORD_IO	{ .type = ACPI_RESOURCE_TYPE_ADDRESS64, .space = ACPI_IO_RANGE, \
			  .min = 0x1000, .len = 0x1000 }

static void acpi_test_build(const struct acpi_desc *d, struct acpi_resource *r)
{
	struct acpi_address64_attribute a = {
		.minimum = d->min,
		.maximum = d->min + d->len - 1 + d->max_delta,
		.address_length = d->len,
		.translation_offset = d->tra,
	};
	u8 wp = d->read_only ? ACPI_READ_ONLY_MEMORY : ACPI_READ_WRITE_MEMORY;

	memset(r, 0, sizeof(*r));
	r->type = d->type;
	r->length = sizeof(*r);
	switch (d->type) {
	case ACPI_RESOURCE_TYPE_ADDRESS16:
	case ACPI_RESOURCE_TYPE_ADDRESS32:
	case ACPI_RESOURCE_TYPE_ADDRESS64:
	case ACPI_RESOURCE_TYPE_EXTENDED_ADDRESS64:
		r->data.address.resource_type = d->space;
		r->data.address.producer_consumer = ACPI_CONSUMER;
		r->data.address.min_address_fixed = ACPI_ADDRESS_FIXED;
		r->data.address.max_address_fixed = ACPI_ADDRESS_FIXED;
		if (d->space == ACPI_MEMORY_RANGE) {
			r->data.address.info.mem.write_protect = wp;
			r->data.address.info.mem.caching = d->caching;
		}
		break;
	}
	switch (d->type) {
	case ACPI_RESOURCE_TYPE_ADDRESS16:
		r->data.address16.address.minimum = a.minimum;
		r->data.address16.address.maximum = a.maximum;
		r->data.address16.address.address_length = a.address_length;
		r->data.address16.address.translation_offset = a.translation_offset;
		break;
	case ACPI_RESOURCE_TYPE_ADDRESS32:
		r->data.address32.address.minimum = a.minimum;
		r->data.address32.address.maximum = a.maximum;
		r->data.address32.address.address_length = a.address_length;
		r->data.address32.address.translation_offset = a.translation_offset;
		break;
	case ACPI_RESOURCE_TYPE_ADDRESS64:
		r->data.address64.address = a;
		break;
	case ACPI_RESOURCE_TYPE_EXTENDED_ADDRESS64:
		r->data.ext_address64.revision_ID = 1;
		r->data.ext_address64.address = a;
		break;
	case ACPI_RESOURCE_TYPE_MEMORY24:
		r->data.memory24.write_protect = wp;
		r->data.memory24.minimum = d->min >> 8;
		r->data.memory24.maximum = d->min >> 8;
		r->data.memory24.address_length = d->len >> 8;
		break;
	case ACPI_RESOURCE_TYPE_MEMORY32:
		r->data.memory32.write_protect = wp;
		r->data.memory32.minimum = d->min;
		r->data.memory32.maximum = d->min;
		r->data.memory32.address_length = d->len;
		break;
	case ACPI_RESOURCE_TYPE_FIXED_MEMORY32:
		r->data.fixed_memory32.write_protect = wp;
		r->data.fixed_memory32.address = d->min;
		r->data.fixed_memory32.address_length = d->len;
		break;
	case ACPI_RESOURCE_TYPE_IRQ:
		r->data.irq.interrupt_count = 1;
		r->data.irq.interrupts[0] = 5;
		break;
	}
}

/* --- one descriptor -> aperture, skip or refusal ------------------------ */

struct acpi_translate_case {
	const char *desc;
	struct acpi_desc d;
	int ret;			/* 1 aperture, 0 skipped, -errno */
	enum vfio_coherent_mem_type type;
};

static const struct acpi_translate_case acpi_translate_cases[] = {
	{ "QWordMemory Cacheable", QWORD(ACPI_CACHABLE_MEMORY, BASE, SZ_1G), 1,
	  VFIO_COHERENT_MEM_CACHEABLE },
	{ "QWordMemory WriteCombining", QWORD(ACPI_WRITE_COMBINING_MEMORY, BASE, SZ_1G), 1,
	  VFIO_COHERENT_MEM_WC },
	{ "QWordMemory NonCacheable", QWORD(ACPI_NON_CACHEABLE_MEMORY, BASE, SZ_1G),
	  -EINVAL },
	{ "QWordMemory Prefetchable", QWORD(ACPI_PREFETCHABLE_MEMORY, BASE, SZ_1G),
	  -EINVAL },
	{ "QWordMemory unknown caching", QWORD(4, BASE, SZ_1G), -EINVAL },
	{ "DWordMemory Cacheable",
	  { .type = ACPI_RESOURCE_TYPE_ADDRESS32, .caching = ACPI_CACHABLE_MEMORY,
	    .min = RAM_BASE, .len = SZ_256M }, 1, VFIO_COHERENT_MEM_CACHEABLE },
	{ "DWordMemory WriteCombining",
	  { .type = ACPI_RESOURCE_TYPE_ADDRESS32, .caching = ACPI_WRITE_COMBINING_MEMORY,
	    .min = RAM_BASE, .len = SZ_256M }, 1, VFIO_COHERENT_MEM_WC },
	{ "WordMemory Cacheable",
	  { .type = ACPI_RESOURCE_TYPE_ADDRESS16, .caching = ACPI_CACHABLE_MEMORY,
	    .min = 0x8000, .len = 0x4000 }, 1, VFIO_COHERENT_MEM_CACHEABLE },
	{ "ExtendedMemory WriteCombining",
	  { .type = ACPI_RESOURCE_TYPE_EXTENDED_ADDRESS64,
	    .caching = ACPI_WRITE_COMBINING_MEMORY, .min = BASE, .len = SZ_1G }, 1,
	  VFIO_COHERENT_MEM_WC },
	{ "Memory32Fixed",
	  { .type = ACPI_RESOURCE_TYPE_FIXED_MEMORY32, .min = RAM_BASE, .len = SZ_256M },
	  -EINVAL },
	{ "Memory32",
	  { .type = ACPI_RESOURCE_TYPE_MEMORY32, .min = RAM_BASE, .len = SZ_256M },
	  -EINVAL },
	{ "Memory24",
	  { .type = ACPI_RESOURCE_TYPE_MEMORY24, .min = 0x100000, .len = 0x10000 },
	  -EINVAL },
	{ "IRQ", IRQ, 0 },
	{ "QWordIO", QWORD_IO, 0 },
	{ "WordBusNumber",
	  { .type = ACPI_RESOURCE_TYPE_ADDRESS16, .space = ACPI_BUS_NUMBER_RANGE,
	    .min = 0, .len = 0x100 }, 0 },
	{ "EndTag", { .type = ACPI_RESOURCE_TYPE_END_TAG }, 0 },
	/* Zero length and alignment are the core's to refuse. */
	{ "zero length", QWORD(ACPI_CACHABLE_MEMORY, BASE, 0), 1,
	  VFIO_COHERENT_MEM_CACHEABLE },
	{ "unaligned base", QWORD(ACPI_CACHABLE_MEMORY, BASE + SZ_2K, SZ_1G), 1,
	  VFIO_COHERENT_MEM_CACHEABLE },
	{ "ReadOnly",
	  { .type = ACPI_RESOURCE_TYPE_ADDRESS64, .caching = ACPI_CACHABLE_MEMORY,
	    .read_only = true, .min = BASE, .len = SZ_1G }, -EINVAL },
	{ "translation offset",
	  { .type = ACPI_RESOURCE_TYPE_ADDRESS64, .caching = ACPI_CACHABLE_MEMORY,
	    .min = BASE, .len = SZ_1G, .tra = SZ_1G }, -EINVAL },
	{ "_MAX past _MIN + _LEN - 1",
	  { .type = ACPI_RESOURCE_TYPE_ADDRESS64, .caching = ACPI_CACHABLE_MEMORY,
	    .min = BASE, .len = SZ_1G, .max_delta = SZ_4K }, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(acpi_translate, acpi_translate_cases, desc);

static void acpi_test_translate(struct kunit *test)
{
	const struct acpi_translate_case *c = test->param_value;
	const struct vfio_coherent_aperture preset = {
		.base = 0x1234000, .size = 0x5678000, .type = VFIO_COHERENT_MEM_WC,
		.bar = VFIO_COHERENT_BAR_AUTO, .name = "preset",
	};
	struct vfio_coherent_aperture ap = preset;
	struct acpi_resource res;

	acpi_test_build(&c->d, &res);
	KUNIT_ASSERT_EQ(test, vfio_coherent_acpi_resource(test->priv, &res, &ap), c->ret);
	if (c->ret <= 0) {
		/* Skipped or refused: the aperture is left alone. */
		KUNIT_EXPECT_EQ(test, ap.base, preset.base);
		KUNIT_EXPECT_EQ(test, ap.size, preset.size);
		KUNIT_EXPECT_EQ(test, ap.type, preset.type);
		return;
	}
	KUNIT_EXPECT_EQ(test, ap.base, c->d.min);
	KUNIT_EXPECT_EQ(test, ap.size, c->d.len);
	KUNIT_EXPECT_EQ(test, ap.type, c->type);
	/* Only base, size and type are the backend's to set. */
	KUNIT_EXPECT_EQ(test, ap.bar, VFIO_COHERENT_BAR_AUTO);
	KUNIT_EXPECT_PTR_EQ(test, ap.name, preset.name);
}

/* --- whole _CRS lists through the walk and the core's discovery --------- */

struct acpi_ctx {
	struct device *dev;
	struct acpi_buffer crs;
};

static int acpi_test_describe(struct vfio_coherent_device *cdev, unsigned int index,
			      struct vfio_coherent_aperture *ap)
{
	struct acpi_ctx *ctx = vfio_coherent_kunit_data(cdev);

	return vfio_coherent_acpi_parse(ctx->dev, &ctx->crs, index, ap);
}

static const struct vfio_coherent_ops acpi_test_ops = {
	.describe = acpi_test_describe,
};

#define MAX_DESCS	5

/* Run the descriptors, then an end tag, through discovery. */
static int acpi_describe(struct kunit *test, const struct acpi_desc *descs,
			 unsigned int used_bars, struct vfio_coherent_device **out)
{
	struct acpi_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct acpi_resource *res;
	unsigned int n;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	for (n = 0; n < MAX_DESCS && descs[n].type; n++)
		;
	res = kunit_kcalloc(test, n + 1, sizeof(*res), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, res);
	for (n = 0; n < MAX_DESCS && descs[n].type; n++)
		acpi_test_build(&descs[n], &res[n]);
	res[n].type = ACPI_RESOURCE_TYPE_END_TAG;
	res[n].length = sizeof(*res);
	ctx->dev = test->priv;
	ctx->crs.pointer = res;
	ctx->crs.length = (n + 1) * sizeof(*res);
	return vfio_coherent_kunit_discover(test, ctx->dev, &acpi_test_ops, ctx,
					    used_bars, out);
}

struct acpi_aperture {
	u64 base;
	u64 size;
	enum vfio_coherent_mem_type type;
	int bar;
};

struct acpi_crs_case {
	const char *desc;
	struct acpi_desc d[MAX_DESCS];	/* up to the first of type 0 (IRQ) */
	unsigned int used_bars;
	int err;
	const char *text;		/* in the refusal's messages */
	unsigned int nr;		/* accepted: the apertures */
	struct acpi_aperture ap[VFIO_COHERENT_MAX_APERTURES];
};

/*
 * ACPI_RESOURCE_TYPE_IRQ is 0, which ends a list: an IRQ is listed as
 * ACPI_RESOURCE_TYPE_EXTENDED_IRQ here, skipped the same way.
 */
#define XIRQ		{ .type = ACPI_RESOURCE_TYPE_EXTENDED_IRQ }
#define CACHED(b, l)	QWORD(ACPI_CACHABLE_MEMORY, b, l)
#define WC(b, l)	QWORD(ACPI_WRITE_COMBINING_MEMORY, b, l)

static const struct acpi_crs_case acpi_crs_cases[] = {
	/* A function with a 64-bit BAR 0: the aperture takes BAR 2. */
	{ "one Cacheable QWordMemory after an interrupt",
	  { XIRQ, CACHED(BASE, SZ_1G) }, 0x3, 0, NULL,
	  1, { { BASE, SZ_1G, VFIO_COHERENT_MEM_CACHEABLE, 2 } } },
	{ "Cacheable and WriteCombining, I/O between",
	  { CACHED(BASE, SZ_1G), QWORD_IO, WC(BASE + SZ_2G, SZ_512M) }, 0x3, 0, NULL,
	  2, { { BASE, SZ_1G, VFIO_COHERENT_MEM_CACHEABLE, 2 },
	       { BASE + SZ_2G, SZ_512M, VFIO_COHERENT_MEM_WC, 4 } } },
	{ "three apertures, the most there can be",
	  { CACHED(BASE, SZ_1G), XIRQ,
	    { .type = ACPI_RESOURCE_TYPE_EXTENDED_ADDRESS64,
	      .caching = ACPI_CACHABLE_MEMORY, .min = BASE + SZ_1G, .len = SZ_1G },
	    WC(BASE + SZ_2G, SZ_1G) }, 0, 0, NULL,
	  3, { { BASE, SZ_1G, VFIO_COHERENT_MEM_CACHEABLE, 0 },
	       { BASE + SZ_1G, SZ_1G, VFIO_COHERENT_MEM_CACHEABLE, 2 },
	       { BASE + SZ_2G, SZ_1G, VFIO_COHERENT_MEM_WC, 4 } } },
	{ "four memory descriptors",
	  { CACHED(BASE, SZ_1G), CACHED(BASE + SZ_1G, SZ_1G),
	    CACHED(BASE + SZ_2G, SZ_1G), CACHED(BASE + 3ULL * SZ_1G, SZ_1G) }, 0,
	  -E2BIG, "more than 3 apertures described" },
	{ "no memory descriptor", { XIRQ, QWORD_IO }, 0x3,
	  -ENODEV, "_CRS lists no memory descriptor: memory not described" },
	{ "only an end tag", { }, 0x3,
	  -ENODEV, "_CRS lists no memory descriptor" },
	{ "NonCacheable", { QWORD(ACPI_NON_CACHEABLE_MEMORY, BASE, SZ_1G) }, 0x3,
	  -EINVAL, "QWordMemory at 0x2000000000 size 0x40000000 is NonCacheable" },
	{ "Prefetchable", { QWORD(ACPI_PREFETCHABLE_MEMORY, BASE, SZ_1G) }, 0x3,
	  -EINVAL, "QWordMemory at 0x2000000000 size 0x40000000 is Prefetchable" },
	{ "unknown caching attribute", { QWORD(4, BASE, SZ_1G) }, 0x3,
	  -EINVAL, "has unknown caching attribute 4" },
	{ "Memory32Fixed",
	  { { .type = ACPI_RESOURCE_TYPE_FIXED_MEMORY32, .min = RAM_BASE, .len = SZ_256M } },
	  0x3, -EINVAL, "Memory32Fixed at 0x80000000 size 0x10000000 has no caching attribute" },
	{ "Memory32",
	  { { .type = ACPI_RESOURCE_TYPE_MEMORY32, .min = RAM_BASE, .len = SZ_256M } },
	  0x3, -EINVAL, "Memory32 at 0x80000000 size 0x10000000 has no caching attribute" },
	{ "Memory24",
	  { { .type = ACPI_RESOURCE_TYPE_MEMORY24, .min = 0x100000, .len = 0x10000 } },
	  0x3, -EINVAL, "Memory24 at 0x100000 size 0x10000 has no caching attribute" },
	{ "ReadOnly",
	  { { .type = ACPI_RESOURCE_TYPE_ADDRESS64, .caching = ACPI_CACHABLE_MEMORY,
	      .read_only = true, .min = BASE, .len = SZ_1G } },
	  0x3, -EINVAL, "is ReadOnly" },
	{ "translation offset",
	  { { .type = ACPI_RESOURCE_TYPE_ADDRESS64, .caching = ACPI_CACHABLE_MEMORY,
	      .min = BASE, .len = SZ_1G, .tra = SZ_1G } },
	  0x3, -EINVAL, "has translation offset 0x40000000" },
	{ "_MAX past _MIN + _LEN - 1",
	  { { .type = ACPI_RESOURCE_TYPE_ADDRESS64, .caching = ACPI_CACHABLE_MEMORY,
	      .min = BASE, .len = SZ_1G, .max_delta = SZ_4K } },
	  0x3, -EINVAL, "_MAX 0x2040000fff is not _MIN + _LEN - 1" },
	{ "a refused descriptor after an accepted one",
	  { CACHED(BASE, SZ_1G), QWORD(ACPI_NON_CACHEABLE_MEMORY, BASE + SZ_1G, SZ_1G) },
	  0x3, -EINVAL, "is NonCacheable" },
	{ "an invalid resource type", { { .type = ACPI_RESOURCE_TYPE_MAX + 1 } }, 0x3,
	  -EINVAL, "_CRS is malformed" },
	/* The core's rules, on what the backend passed on. */
	{ "zero length", { CACHED(BASE, 0) }, 0x3, -EINVAL, "size is zero" },
	{ "unaligned base", { CACHED(BASE + SZ_2K, SZ_1G) }, 0x3, -EINVAL, "not aligned" },
	{ "DWordMemory over System RAM",
	  { { .type = ACPI_RESOURCE_TYPE_ADDRESS32, .caching = ACPI_CACHABLE_MEMORY,
	      .min = RAM_BASE, .len = SZ_256M } },
	  0x3, -EBUSY, "overlaps System RAM" },
};

KUNIT_ARRAY_PARAM_DESC(acpi_crs, acpi_crs_cases, desc);

static void acpi_test_crs(struct kunit *test)
{
	const struct acpi_crs_case *c = test->param_value;
	struct vfio_coherent_device *cdev;
	unsigned int i;

	if (c->err) {
		VFIO_COHERENT_KUNIT_EXPECT_REFUSED(test, acpi_describe(test, c->d, c->used_bars,
								       NULL),
						   c->err, c->text);
		return;
	}
	KUNIT_ASSERT_EQ(test, acpi_describe(test, c->d, c->used_bars, &cdev), 0);
	KUNIT_ASSERT_EQ(test, cdev->nr_apertures, c->nr);
	for (i = 0; i < c->nr; i++) {
		KUNIT_EXPECT_EQ(test, cdev->ap[i].base, c->ap[i].base);
		KUNIT_EXPECT_EQ(test, cdev->ap[i].size, c->ap[i].size);
		KUNIT_EXPECT_EQ(test, cdev->ap[i].type, c->ap[i].type);
		KUNIT_EXPECT_EQ(test, cdev->ap[i].bar, c->ap[i].bar);
	}
}

static int acpi_test_init(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "vfio-coherent-acpi-test");

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	test->priv = dev;
	return 0;
}

static struct kunit_case acpi_test_cases[] = {
	KUNIT_CASE_PARAM(acpi_test_translate, acpi_translate_gen_params),
	KUNIT_CASE_PARAM(acpi_test_crs, acpi_crs_gen_params),
	{}
};

static struct kunit_suite acpi_test_suite = {
	.name = "vfio_coherent_acpi",
	.init = acpi_test_init,
	.test_cases = acpi_test_cases,
};

kunit_test_suite(acpi_test_suite);

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
MODULE_IMPORT_NS("VFIO_COHERENT");
MODULE_IMPORT_NS("VFIO_COHERENT_KUNIT");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the vfio-coherent ACPI _CRS backend");
