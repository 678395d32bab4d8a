// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the registry of PFN ranges without struct page and for
 * memory_failure() routing a PFN to it.
 *
 * The ranges are far above any memory the test machine has, so that
 * memory_failure() sees PFNs without an online page, as it does for device
 * memory.
 */

#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/memory-failure.h>
#include <linux/mm.h>

#include "internal.h"

/* 1 TiB and up: no RAM, no device on the test machines. */
#define MF_TEST_PFN	(1UL << (40 - PAGE_SHIFT))

struct mf_test_space {
	struct pfn_address_space space;
	struct address_space mapping;
	unsigned long last_pfn;
	int calls;
	int ret;
};

static int mf_test_pgoff(struct vm_area_struct *vma, unsigned long pfn,
			 pgoff_t *pgoff)
{
	return -EFAULT;
}

static int mf_test_failure(struct pfn_address_space *pfn_space,
			   unsigned long pfn)
{
	struct mf_test_space *t = container_of(pfn_space, struct mf_test_space,
					       space);

	t->calls++;
	t->last_pfn = pfn;
	return t->ret;
}

static struct mf_test_space *mf_test_space(struct kunit *test,
					   unsigned long start,
					   unsigned long last)
{
	struct mf_test_space *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	address_space_init_once(&t->mapping);
	t->space.node.start = start;
	t->space.node.last = last;
	t->space.mapping = &t->mapping;
	t->space.pfn_to_vma_pgoff = mf_test_pgoff;
	t->space.failure = mf_test_failure;
	return t;
}

static void mf_test_register_lookup(struct kunit *test)
{
	struct mf_test_space *t = mf_test_space(test, MF_TEST_PFN,
						MF_TEST_PFN + 511);

	KUNIT_EXPECT_NULL(test, pfn_address_space_find(MF_TEST_PFN));
	KUNIT_ASSERT_EQ(test, register_pfn_address_space(&t->space), 0);
	/* Both ends are inside: the range is inclusive. */
	KUNIT_EXPECT_PTR_EQ(test, pfn_address_space_find(MF_TEST_PFN), &t->space);
	KUNIT_EXPECT_PTR_EQ(test, pfn_address_space_find(MF_TEST_PFN + 511),
			    &t->space);
	KUNIT_EXPECT_NULL(test, pfn_address_space_find(MF_TEST_PFN - 1));
	KUNIT_EXPECT_NULL(test, pfn_address_space_find(MF_TEST_PFN + 512));

	unregister_pfn_address_space(&t->space);
	KUNIT_EXPECT_NULL(test, pfn_address_space_find(MF_TEST_PFN));
	KUNIT_EXPECT_NULL(test, pfn_address_space_find(MF_TEST_PFN + 511));
}

static void mf_test_overlap(struct kunit *test)
{
	struct mf_test_space *a = mf_test_space(test, MF_TEST_PFN,
						MF_TEST_PFN + 99);
	struct mf_test_space *b = mf_test_space(test, MF_TEST_PFN + 99,
						MF_TEST_PFN + 199);
	struct mf_test_space *c = mf_test_space(test, MF_TEST_PFN + 100,
						MF_TEST_PFN + 199);
	struct mf_test_space *inner = mf_test_space(test, MF_TEST_PFN + 10,
						    MF_TEST_PFN + 20);

	KUNIT_ASSERT_EQ(test, register_pfn_address_space(&a->space), 0);
	/* Sharing only the last PFN is an overlap. */
	KUNIT_EXPECT_EQ(test, register_pfn_address_space(&b->space), -EBUSY);
	KUNIT_EXPECT_EQ(test, register_pfn_address_space(&inner->space), -EBUSY);
	/* Adjacent is not. */
	KUNIT_EXPECT_EQ(test, register_pfn_address_space(&c->space), 0);
	KUNIT_EXPECT_PTR_EQ(test, pfn_address_space_find(MF_TEST_PFN + 99), &a->space);
	KUNIT_EXPECT_PTR_EQ(test, pfn_address_space_find(MF_TEST_PFN + 100), &c->space);

	/* The refused ones were never registered: unregistering is harmless. */
	unregister_pfn_address_space(&b->space);
	unregister_pfn_address_space(&inner->space);
	KUNIT_EXPECT_PTR_EQ(test, pfn_address_space_find(MF_TEST_PFN + 15), &a->space);

	unregister_pfn_address_space(&a->space);
	unregister_pfn_address_space(&c->space);
	/* Twice is harmless too. */
	unregister_pfn_address_space(&c->space);
	KUNIT_EXPECT_NULL(test, pfn_address_space_find(MF_TEST_PFN + 150));
}

static void mf_test_invalid(struct kunit *test)
{
	struct mf_test_space *t = mf_test_space(test, MF_TEST_PFN + 1,
						MF_TEST_PFN);

	KUNIT_EXPECT_EQ(test, register_pfn_address_space(&t->space), -EINVAL);
	t->space.node.last = MF_TEST_PFN + 1;
	t->space.pfn_to_vma_pgoff = NULL;
	KUNIT_EXPECT_EQ(test, register_pfn_address_space(&t->space), -EINVAL);
	t->space.pfn_to_vma_pgoff = mf_test_pgoff;
	t->space.mapping = NULL;
	KUNIT_EXPECT_EQ(test, register_pfn_address_space(&t->space), -EINVAL);
	KUNIT_EXPECT_NULL(test, pfn_address_space_find(MF_TEST_PFN + 1));
}

#define MF_TEST_MANY	64

static void mf_test_many(struct kunit *test)
{
	struct mf_test_space *t[MF_TEST_MANY];
	unsigned long start;
	int i;

	/* Registered out of order, of varying sizes, with gaps. */
	for (i = 0; i < MF_TEST_MANY; i++) {
		int slot = (i * 37) % MF_TEST_MANY;

		start = MF_TEST_PFN + slot * 1024UL;
		t[slot] = mf_test_space(test, start, start + slot);
		KUNIT_ASSERT_EQ(test, register_pfn_address_space(&t[slot]->space), 0);
	}
	for (i = 0; i < MF_TEST_MANY; i++) {
		start = MF_TEST_PFN + i * 1024UL;
		KUNIT_EXPECT_PTR_EQ(test, pfn_address_space_find(start), &t[i]->space);
		KUNIT_EXPECT_PTR_EQ(test, pfn_address_space_find(start + i),
				    &t[i]->space);
		KUNIT_EXPECT_NULL(test, pfn_address_space_find(start + i + 1));
	}
	for (i = 0; i < MF_TEST_MANY; i += 2)
		unregister_pfn_address_space(&t[i]->space);
	for (i = 0; i < MF_TEST_MANY; i++) {
		start = MF_TEST_PFN + i * 1024UL;
		if (i % 2)
			KUNIT_EXPECT_PTR_EQ(test, pfn_address_space_find(start),
					    &t[i]->space);
		else
			KUNIT_EXPECT_NULL(test, pfn_address_space_find(start));
	}
	for (i = 1; i < MF_TEST_MANY; i += 2)
		unregister_pfn_address_space(&t[i]->space);
}

/* memory_failure() reaches the owner for its PFNs, and only for those. */
static void mf_test_memory_failure(struct kunit *test)
{
	struct mf_test_space *t = mf_test_space(test, MF_TEST_PFN,
						MF_TEST_PFN + 15);

	/* Before registering: memory outside kernel control, as before. */
	KUNIT_EXPECT_EQ(test, memory_failure(MF_TEST_PFN + 3, MF_SW_SIMULATED),
			-ENXIO);

	KUNIT_ASSERT_EQ(test, register_pfn_address_space(&t->space), 0);
	KUNIT_EXPECT_EQ(test, memory_failure(MF_TEST_PFN + 3, MF_SW_SIMULATED), 0);
	KUNIT_EXPECT_EQ(test, t->calls, 1);
	KUNIT_EXPECT_EQ(test, t->last_pfn, MF_TEST_PFN + 3);

	/* The owner says it is already poisoned. */
	t->ret = -EHWPOISON;
	KUNIT_EXPECT_EQ(test, memory_failure(MF_TEST_PFN + 3, MF_SW_SIMULATED),
			-EHWPOISON);
	/* The owner could not isolate it. */
	t->ret = -EIO;
	KUNIT_EXPECT_EQ(test, memory_failure(MF_TEST_PFN + 4, MF_SW_SIMULATED),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, t->calls, 3);

	/* Outside the range: not the owner's. */
	KUNIT_EXPECT_EQ(test, memory_failure(MF_TEST_PFN + 16, MF_SW_SIMULATED),
			-ENXIO);
	KUNIT_EXPECT_EQ(test, t->calls, 3);

	unregister_pfn_address_space(&t->space);
	KUNIT_EXPECT_EQ(test, memory_failure(MF_TEST_PFN + 3, MF_SW_SIMULATED),
			-ENXIO);
	KUNIT_EXPECT_EQ(test, t->calls, 3);
}

static struct kunit_case mf_pfn_test_cases[] = {
	KUNIT_CASE(mf_test_register_lookup),
	KUNIT_CASE(mf_test_overlap),
	KUNIT_CASE(mf_test_invalid),
	KUNIT_CASE(mf_test_many),
	KUNIT_CASE(mf_test_memory_failure),
	{}
};

static struct kunit_suite mf_pfn_test_suite = {
	.name = "memory_failure_pfn",
	.test_cases = mf_pfn_test_cases,
};

kunit_test_suite(mf_pfn_test_suite);

MODULE_DESCRIPTION("KUnit tests for memory failure of PFNs without struct page");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
