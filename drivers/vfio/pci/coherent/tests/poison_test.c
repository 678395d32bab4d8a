// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the vfio-coherent poisoned-page record and for the
 * PFN-to-offset callback memory_failure() uses to find the mappings of a
 * failed page.
 */

#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/vfio_pci_core.h>

#include "../coherent.h"

#define AP_BASE		0x100000000ULL
#define AP_PFN		PHYS_PFN(AP_BASE)
#define AP_PAGES	PHYS_PFN(SZ_4G)

static const struct vfio_coherent_aperture ap = {
	.base = AP_BASE, .size = SZ_4G, .bar = 4, .name = "test",
};

/* The VFIO file page offset of region @index. */
static pgoff_t region_pgoff(unsigned int index)
{
	return VFIO_PCI_INDEX_TO_OFFSET(index) >> PAGE_SHIFT;
}

static void poison_test_record(struct kunit *test)
{
	struct vfio_coherent_device *cdev;
	unsigned long pfn = AP_PFN + 1000;

	cdev = kunit_kzalloc(test, sizeof(*cdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cdev);
	xa_init(&cdev->poisoned);
	init_rwsem(&cdev->poison_lock);
	/* As the failure path records: with it held for writing. */
	down_write(&cdev->poison_lock);

	KUNIT_EXPECT_FALSE(test, vfio_coherent_poison_find(cdev, AP_PFN, AP_PAGES));
	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_record(cdev, pfn), 0);
	/* Poisoned memory does not heal: recording it again says so. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_record(cdev, pfn), -EHWPOISON);

	KUNIT_EXPECT_TRUE(test, vfio_coherent_poison_find(cdev, pfn, 1));
	KUNIT_EXPECT_FALSE(test, vfio_coherent_poison_find(cdev, pfn - 1, 1));
	KUNIT_EXPECT_FALSE(test, vfio_coherent_poison_find(cdev, pfn + 1, 1));
	/* A range holds it at its first and at its last page... */
	KUNIT_EXPECT_TRUE(test, vfio_coherent_poison_find(cdev, pfn, 512));
	KUNIT_EXPECT_TRUE(test, vfio_coherent_poison_find(cdev, pfn - 511, 512));
	/* ...and not one page before or after. */
	KUNIT_EXPECT_FALSE(test, vfio_coherent_poison_find(cdev, pfn - 512, 512));
	KUNIT_EXPECT_FALSE(test, vfio_coherent_poison_find(cdev, pfn + 1, 512));
	/* The 2 MiB block holding it, as the fault handler asks. */
	KUNIT_EXPECT_TRUE(test, vfio_coherent_poison_find(cdev, ALIGN_DOWN(pfn, 512), 512));
	KUNIT_EXPECT_FALSE(test, vfio_coherent_poison_find(cdev, ALIGN(pfn, 512), 512));

	/* A second page, far away, is independent. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_record(cdev, AP_PFN + AP_PAGES - 1), 0);
	KUNIT_EXPECT_TRUE(test, vfio_coherent_poison_find(cdev, AP_PFN + AP_PAGES - 1, 1));
	KUNIT_EXPECT_FALSE(test, vfio_coherent_poison_find(cdev, pfn + 1,
							   AP_PAGES - 1001 - 1));
	up_write(&cdev->poison_lock);
	xa_destroy(&cdev->poisoned);
}

/* A mapping of the whole region: every page of the memory, only those. */
static void poison_test_pgoff_whole(struct kunit *test)
{
	pgoff_t base = region_pgoff(4), pgoff = 0;

	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_pgoff(&ap, base, AP_PAGES, AP_PFN,
							 &pgoff), 0);
	KUNIT_EXPECT_EQ(test, pgoff, base);
	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_pgoff(&ap, base, AP_PAGES,
							 AP_PFN + AP_PAGES - 1,
							 &pgoff), 0);
	KUNIT_EXPECT_EQ(test, pgoff, base + AP_PAGES - 1);
	/* Outside the aperture, either side. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_pgoff(&ap, base, AP_PAGES,
							 AP_PFN + AP_PAGES, &pgoff),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_pgoff(&ap, base, AP_PAGES,
							 AP_PFN - 1, &pgoff), -EFAULT);
}

/* A mapping of part of the region: both of its bounds are checked. */
static void poison_test_pgoff_part(struct kunit *test)
{
	pgoff_t start = region_pgoff(4) + 1024, pgoff = 0;
	unsigned long nr = 512;

	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_pgoff(&ap, start, nr, AP_PFN + 1024,
							 &pgoff), 0);
	KUNIT_EXPECT_EQ(test, pgoff, start);
	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_pgoff(&ap, start, nr,
							 AP_PFN + 1024 + nr - 1,
							 &pgoff), 0);
	KUNIT_EXPECT_EQ(test, pgoff, start + nr - 1);
	/* One page before the mapping's start, one past its end. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_pgoff(&ap, start, nr, AP_PFN + 1023,
							 &pgoff), -EFAULT);
	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_pgoff(&ap, start, nr,
							 AP_PFN + 1024 + nr, &pgoff),
			-EFAULT);
	/* The first page of the memory is not in this mapping. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_pgoff(&ap, start, nr, AP_PFN,
							 &pgoff), -EFAULT);
}

/* A mapping of another region of the same device file maps none of it. */
static void poison_test_pgoff_other_region(struct kunit *test)
{
	pgoff_t pgoff = 0;

	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_pgoff(&ap, region_pgoff(2),
							 AP_PAGES, AP_PFN, &pgoff),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_pgoff(&ap, region_pgoff(0),
							 AP_PAGES, AP_PFN, &pgoff),
			-EFAULT);
	/* Region 5 starts right after region 4's offsets: not a match. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_pgoff(&ap, region_pgoff(5), 1,
							 AP_PFN, &pgoff), -EFAULT);
}

static struct kunit_case poison_test_cases[] = {
	KUNIT_CASE(poison_test_record),
	KUNIT_CASE(poison_test_pgoff_whole),
	KUNIT_CASE(poison_test_pgoff_part),
	KUNIT_CASE(poison_test_pgoff_other_region),
	{}
};

static struct kunit_suite poison_test_suite = {
	.name = "vfio_coherent_poison",
	.test_cases = poison_test_cases,
};

kunit_test_suite(poison_test_suite);
