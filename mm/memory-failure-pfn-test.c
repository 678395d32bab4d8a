// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the registry of PFN ranges without struct page, for
 * memory_failure() routing a PFN to it and for GHES queueing only the
 * PFNs it holds.
 *
 * The ranges start at the architecture's physical address limit
 * (MAX_PHYSMEM_BITS): no RAM and no device can be there on any machine, so
 * the memory_failure() calls below cannot hit a live page, and
 * memory_failure() sees PFNs without struct page, as it does for device
 * memory. Every registration is undone by a KUnit action, so a failed
 * assertion leaves nothing in the registry.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <kunit/try-catch.h>
#include <linux/completion.h>
#include <linux/cper.h>
#include <linux/fs.h>
#include <linux/memory-failure.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <acpi/ghes.h>

#include "internal.h"

/* Beyond any physical address: nothing lives there. */
#define MF_TEST_PFN	PHYS_PFN(1ULL << MAX_PHYSMEM_BITS)

struct mf_test_space {
	struct pfn_address_space space;
	struct address_space mapping;
	struct completion failed;
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
	complete(&t->failed);
	return t->ret;
}

static struct mf_test_space *mf_test_space(struct kunit *test,
					   unsigned long start,
					   unsigned long last)
{
	struct mf_test_space *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	address_space_init_once(&t->mapping);
	init_completion(&t->failed);
	t->space.node.start = start;
	t->space.node.last = last;
	t->space.mapping = &t->mapping;
	t->space.pfn_to_vma_pgoff = mf_test_pgoff;
	t->space.failure = mf_test_failure;
	return t;
}

KUNIT_DEFINE_ACTION_WRAPPER(mf_test_unregister_action,
			    unregister_pfn_address_space,
			    struct pfn_address_space *);

/*
 * Register @t for the rest of the test: unregistered when the test ends,
 * even by a failed assertion. Unregistering earlier is harmless.
 */
static int mf_test_register(struct kunit *test, struct mf_test_space *t)
{
	int ret = register_pfn_address_space(&t->space);

	if (ret)
		return ret;
	return kunit_add_action_or_reset(test, mf_test_unregister_action,
					 &t->space);
}

/* memory_failure() on @pfn only if nothing can live there. */
static int mf_test_fail(struct kunit *test, unsigned long pfn)
{
	KUNIT_ASSERT_GE(test, pfn, MF_TEST_PFN);
	KUNIT_ASSERT_FALSE(test, pfn_valid(pfn));
	KUNIT_ASSERT_NULL(test, pfn_to_online_page(pfn));
	return memory_failure(pfn, MF_SW_SIMULATED);
}

/* The test PFNs are above every physical address the CPU can have. */
static void mf_test_range_beyond_memory(struct kunit *test)
{
	u64 limit = 1ULL << MAX_PHYSMEM_BITS;

	KUNIT_EXPECT_GE(test, PFN_PHYS((u64)MF_TEST_PFN), limit);
	KUNIT_EXPECT_FALSE(test, pfn_valid(MF_TEST_PFN));
}

static void mf_test_register_lookup(struct kunit *test)
{
	struct mf_test_space *t = mf_test_space(test, MF_TEST_PFN,
						MF_TEST_PFN + 511);

	KUNIT_EXPECT_NULL(test, pfn_address_space_find(MF_TEST_PFN));
	KUNIT_ASSERT_EQ(test, mf_test_register(test, t), 0);
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

	KUNIT_ASSERT_EQ(test, mf_test_register(test, a), 0);
	/* Sharing only the last PFN is an overlap. */
	KUNIT_EXPECT_EQ(test, mf_test_register(test, b), -EBUSY);
	KUNIT_EXPECT_EQ(test, mf_test_register(test, inner), -EBUSY);
	/* Adjacent is not. */
	KUNIT_EXPECT_EQ(test, mf_test_register(test, c), 0);
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
		KUNIT_ASSERT_EQ(test, mf_test_register(test, t[slot]), 0);
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
	KUNIT_EXPECT_EQ(test, mf_test_fail(test, MF_TEST_PFN + 3),
			-ENXIO);

	KUNIT_ASSERT_EQ(test, mf_test_register(test, t), 0);
	KUNIT_EXPECT_EQ(test, mf_test_fail(test, MF_TEST_PFN + 3), 0);
	KUNIT_EXPECT_EQ(test, t->calls, 1);
	KUNIT_EXPECT_EQ(test, t->last_pfn, MF_TEST_PFN + 3);

	/* The owner says it is already poisoned. */
	t->ret = -EHWPOISON;
	KUNIT_EXPECT_EQ(test, mf_test_fail(test, MF_TEST_PFN + 3),
			-EHWPOISON);
	/* The owner could not isolate it. */
	t->ret = -EIO;
	KUNIT_EXPECT_EQ(test, mf_test_fail(test, MF_TEST_PFN + 4),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, t->calls, 3);

	/* Outside the range: not the owner's. */
	KUNIT_EXPECT_EQ(test, mf_test_fail(test, MF_TEST_PFN + 16),
			-ENXIO);
	KUNIT_EXPECT_EQ(test, t->calls, 3);

	unregister_pfn_address_space(&t->space);
	KUNIT_EXPECT_EQ(test, mf_test_fail(test, MF_TEST_PFN + 3),
			-ENXIO);
	KUNIT_EXPECT_EQ(test, t->calls, 3);
}

/* Memory with struct pages belongs to memory_failure() itself: refused. */
static void mf_test_struct_page(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);
	struct mf_test_space *t;
	unsigned long pfn;

	KUNIT_ASSERT_NOT_NULL(test, page);
	pfn = page_to_pfn(page);
	t = mf_test_space(test, pfn, pfn);
	KUNIT_EXPECT_EQ(test, mf_test_register(test, t), -EINVAL);
	/* Found past PFNs without memmap, subsection by subsection. */
	t = mf_test_space(test, 0, pfn);
	KUNIT_EXPECT_EQ(test, mf_test_register(test, t), -EINVAL);
	KUNIT_EXPECT_NULL(test, pfn_address_space_find(pfn));
	__free_page(page);
}

#ifdef CONFIG_ACPI_APEI_GHES
/*
 * GHES queues an error in memory without struct page only when a
 * registered range holds it; otherwise it reports "not queued", which makes
 * ghes_do_proc() signal the current task for a synchronous error (as 6.12
 * does) instead of letting it consume the error again and again.
 */
static void mf_test_ghes(struct kunit *test)
{
	struct mf_test_space *t = mf_test_space(test, MF_TEST_PFN,
						MF_TEST_PFN + 15);
	u64 addr = PFN_PHYS((u64)MF_TEST_PFN + 3);

	if (!IS_ENABLED(CONFIG_ACPI_APEI_MEMORY_FAILURE))
		kunit_skip(test, "GHES without ACPI_APEI_MEMORY_FAILURE");

	KUNIT_EXPECT_FALSE(test, ghes_do_memory_failure(addr, MF_SW_SIMULATED));
	KUNIT_EXPECT_EQ(test, t->calls, 0);

	KUNIT_ASSERT_EQ(test, mf_test_register(test, t), 0);
	KUNIT_EXPECT_TRUE(test, ghes_do_memory_failure(addr, MF_SW_SIMULATED));
	/* Queued: memory_failure() runs from a work item and reaches the owner. */
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&t->failed, 10 * HZ), 0);
	KUNIT_EXPECT_EQ(test, t->calls, 1);
	KUNIT_EXPECT_EQ(test, t->last_pfn, MF_TEST_PFN + 3);
}

/* Append a CPER section of @size bytes to the error status block in @buf. */
static void mf_test_add(u8 *buf, size_t *len, const guid_t *type,
			const void *payload, u32 size)
{
	struct acpi_hest_generic_status *estatus = (void *)buf;
	struct acpi_hest_generic_data gdata = {
		.error_severity = CPER_SEV_RECOVERABLE,
		.error_data_length = size,
	};

	memcpy(gdata.section_type, type, sizeof(gdata.section_type));
	memcpy(buf + *len, &gdata, sizeof(gdata));
	memcpy(buf + *len + sizeof(gdata), payload, size);
	*len += sizeof(gdata) + size;
	estatus->data_length = *len - sizeof(*estatus);
}

/* What an error status block built by mf_test_ghes_proc() holds. */
enum mf_test_record { MF_TEST_MEM_ARM, MF_TEST_ARM_MEM, MF_TEST_ARM };

/*
 * ghes_do_proc() on a record of recoverable sections: memory at @addr and
 * an ARM processor error without an address, in the order @record says,
 * or the ARM one alone; @sync: as if notified by SEA. Whether it left
 * memory_failure() queued, and in *@sigbus whether it sent SIGBUS to this
 * thread (taken back before returning).
 */
static bool mf_test_ghes_proc(struct kunit *test, enum mf_test_record record,
			      u64 addr, bool sync, bool *sigbus)
{
	struct acpi_hest_generic generic = {
		.notify.type = sync ? ACPI_HEST_NOTIFY_SEA : ACPI_HEST_NOTIFY_POLLED,
	};
	struct ghes ghes = { .generic = &generic };
	struct cper_sec_mem_err mem = {
		.validation_bits = CPER_MEM_VALID_PA,
		.physical_addr = addr,
	};
	struct cper_sec_proc_arm arm = {};
	size_t len = sizeof(struct acpi_hest_generic_status);
	u8 *buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	bool queued;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	((struct acpi_hest_generic_status *)buf)->error_severity = CPER_SEV_RECOVERABLE;
	if (record == MF_TEST_MEM_ARM)
		mf_test_add(buf, &len, &CPER_SEC_PLATFORM_MEM, &mem, sizeof(mem));
	mf_test_add(buf, &len, &CPER_SEC_PROC_ARM, &arm, sizeof(arm));
	if (record == MF_TEST_ARM_MEM)
		mf_test_add(buf, &len, &CPER_SEC_PLATFORM_MEM, &mem, sizeof(mem));

	queued = ghes_do_proc(&ghes, (void *)buf);
	/* A KUnit case runs in a kthread of its own: take the signal back. */
	*sigbus = sigismember(&current->pending.signal, SIGBUS);
	flush_signals(current);
	return queued;
}

/*
 * A memory section in a registered range stays queued whatever sections
 * follow it: an ARM processor section without an address must not turn
 * "queued" back to false, or a synchronous error gets a plain SIGBUS at
 * once, before the BUS_MCEERR_AR that memory_failure() sends with the
 * address (QEMU stops on a plain SIGBUS instead of forwarding the error).
 * 6.12.117 and older did that: queued = ... for each section.
 */
static void mf_test_ghes_sections(struct kunit *test)
{
	struct mf_test_space *t = mf_test_space(test, MF_TEST_PFN,
						MF_TEST_PFN + 15);
	u64 addr = PFN_PHYS((u64)MF_TEST_PFN + 5);
	enum mf_test_record record;
	bool sigbus;
	int i;

	if (!IS_ENABLED(CONFIG_ACPI_APEI_MEMORY_FAILURE))
		kunit_skip(test, "GHES without ACPI_APEI_MEMORY_FAILURE");
	KUNIT_ASSERT_EQ(test, mf_test_register(test, t), 0);

	for (i = 0; i < 4; i++) {
		bool sync = i & 1;

		record = i < 2 ? MF_TEST_MEM_ARM : MF_TEST_ARM_MEM;
		reinit_completion(&t->failed);
		KUNIT_EXPECT_TRUE_MSG(test, mf_test_ghes_proc(test, record, addr, sync,
							      &sigbus),
				      "record %d, sync %d: not queued", record, sync);
		KUNIT_EXPECT_FALSE_MSG(test, sigbus, "record %d, sync %d: plain SIGBUS",
				       record, sync);
		KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&t->failed, 10 * HZ), 0);
		KUNIT_EXPECT_EQ(test, t->last_pfn, MF_TEST_PFN + 5);
	}
	KUNIT_EXPECT_EQ(test, t->calls, 4);

	/* The contrast: nothing to queue, and a synchronous error is signalled. */
	KUNIT_EXPECT_FALSE(test, mf_test_ghes_proc(test, MF_TEST_ARM, addr, false, &sigbus));
	KUNIT_EXPECT_FALSE(test, sigbus);
	KUNIT_EXPECT_FALSE(test, mf_test_ghes_proc(test, MF_TEST_ARM, addr, true, &sigbus));
	KUNIT_EXPECT_TRUE(test, sigbus);
	KUNIT_EXPECT_EQ(test, t->calls, 4);
}
#endif

/*
 * A test that registers through mf_test_register() and then fails an
 * assertion leaves nothing registered; one that registered directly would
 * (the contrast). Run in a fake test so that the assertion really aborts.
 */
struct mf_test_abort {
	struct kunit fake;
	struct mf_test_space *kept, *direct;
};

static void mf_test_abort_try(void *data)
{
	struct mf_test_abort *a = data;
	struct kunit *fake = &a->fake;

	KUNIT_ASSERT_EQ(fake, mf_test_register(fake, a->kept), 0);
	KUNIT_ASSERT_EQ(fake, register_pfn_address_space(&a->direct->space), 0);
	KUNIT_ASSERT_TRUE_MSG(fake, false, "the assertion that fails");
	unregister_pfn_address_space(&a->kept->space);
	unregister_pfn_address_space(&a->direct->space);
}

static void mf_test_abort_catch(void *data)
{
}

static void mf_test_cleanup_on_abort(struct kunit *test)
{
	struct mf_test_abort *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	a->kept = mf_test_space(test, MF_TEST_PFN, MF_TEST_PFN + 7);
	a->direct = mf_test_space(test, MF_TEST_PFN + 8, MF_TEST_PFN + 15);
	kunit_init_test(&a->fake, "mf_test_fake", NULL);
	/* As KUnit's own tests run a test that fails. */
	a->fake.try_catch = (struct kunit_try_catch) {
		.test = &a->fake,
		.try = mf_test_abort_try,
		.catch = mf_test_abort_catch,
	};
	kunit_try_catch_run(&a->fake.try_catch, a);
	KUNIT_EXPECT_EQ(test, a->fake.status, KUNIT_FAILURE);

	kunit_cleanup(&a->fake);
	KUNIT_EXPECT_NULL(test, pfn_address_space_find(MF_TEST_PFN));
	KUNIT_EXPECT_PTR_EQ(test, pfn_address_space_find(MF_TEST_PFN + 8),
			    &a->direct->space);
	unregister_pfn_address_space(&a->direct->space);
	KUNIT_EXPECT_NULL(test, pfn_address_space_find(MF_TEST_PFN + 8));
}

static struct kunit_case mf_pfn_test_cases[] = {
	KUNIT_CASE(mf_test_range_beyond_memory),
	KUNIT_CASE(mf_test_register_lookup),
	KUNIT_CASE(mf_test_overlap),
	KUNIT_CASE(mf_test_invalid),
	KUNIT_CASE(mf_test_many),
	KUNIT_CASE(mf_test_memory_failure),
	KUNIT_CASE(mf_test_struct_page),
#ifdef CONFIG_ACPI_APEI_GHES
	KUNIT_CASE(mf_test_ghes),
	KUNIT_CASE(mf_test_ghes_sections),
#endif
	KUNIT_CASE(mf_test_cleanup_on_abort),
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
