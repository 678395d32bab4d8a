// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for what a reset does (virtual BARs, readiness), the wait for
 * a backend's ready hook before memory is touched, and a read that consumed
 * poison.
 */

#include <kunit/test.h>
#include <linux/pci.h>
#include <linux/sizes.h>

#include "helpers.h"

#define AP_BASE		0x100000000ULL

/* A backend whose memory is ready after @not_ready answers, or never. */
struct ready_backend {
	unsigned int calls;
	unsigned int not_ready;
	int err;		/* returned once not_ready answers were given */
};

static int fake_ready(struct vfio_coherent_device *cdev)
{
	struct ready_backend *rb = vfio_coherent_kunit_data(cdev);

	if (rb->calls++ < rb->not_ready)
		return -EAGAIN;
	return rb->err;
}

static const struct vfio_coherent_ops ready_ops = {
	.ready = fake_ready,
	.ready_timeout_ms = 300,
};

static const struct vfio_coherent_ops no_ready_ops = {};

static struct vfio_coherent_device *
fake_device(struct kunit *test, const struct vfio_coherent_ops *ops,
	    struct ready_backend *rb)
{
	struct vfio_coherent_device *cdev = vfio_coherent_kunit_device(test, ops, rb);

	cdev->nr_apertures = 1;
	cdev->ap[0] = (struct vfio_coherent_aperture) {
		.base = AP_BASE, .size = SZ_64M, .bar = 4, .name = "test",
	};
	return cdev;
}

/* Memory that is not ready is waited for, once per reset. */
static void reset_test_wait_ready(struct kunit *test)
{
	struct ready_backend rb = { .not_ready = 2 };
	struct vfio_coherent_device *cdev = fake_device(test, &ready_ops, &rb);

	KUNIT_EXPECT_EQ(test, vfio_coherent_wait_ready(cdev), 0);
	KUNIT_EXPECT_EQ(test, rb.calls, 3U);
	/* Known ready: not asked again. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_wait_ready(cdev), 0);
	KUNIT_EXPECT_EQ(test, rb.calls, 3U);

	/* A reset makes it unknown again. */
	vfio_coherent_reset_done(cdev->core.pdev);
	rb.calls = 0;
	rb.not_ready = 1;
	KUNIT_EXPECT_EQ(test, vfio_coherent_wait_ready(cdev), 0);
	KUNIT_EXPECT_EQ(test, rb.calls, 2U);
}

/* Never ready: the wait ends at the backend's timeout, and is retried. */
static void reset_test_ready_timeout(struct kunit *test)
{
	struct ready_backend rb = { .not_ready = UINT_MAX };
	struct vfio_coherent_device *cdev = fake_device(test, &ready_ops, &rb);
	unsigned long start = jiffies;

	KUNIT_EXPECT_EQ(test, vfio_coherent_wait_ready(cdev), -ETIMEDOUT);
	/* Asked every 100 ms (or later) for 300 ms: not once, not forever. */
	KUNIT_EXPECT_GE(test, rb.calls, 2U);
	KUNIT_EXPECT_LE(test, rb.calls, 6U);
	KUNIT_EXPECT_GE(test, jiffies_to_msecs(jiffies - start), 300U);

	rb.calls = 0;
	rb.not_ready = 0;
	KUNIT_EXPECT_EQ(test, vfio_coherent_wait_ready(cdev), 0);
	KUNIT_EXPECT_EQ(test, rb.calls, 1U);
}

/* A backend that says its memory never will be ready is not asked twice. */
static void reset_test_ready_error(struct kunit *test)
{
	struct ready_backend rb = { .err = -ENOLINK };
	struct vfio_coherent_device *cdev = fake_device(test, &ready_ops, &rb);

	KUNIT_EXPECT_EQ(test, vfio_coherent_wait_ready(cdev), -ENOLINK);
	KUNIT_EXPECT_EQ(test, rb.calls, 1U);
}

/* Without a ready hook, memory is ready. */
static void reset_test_no_hook(struct kunit *test)
{
	struct vfio_coherent_device *cdev = fake_device(test, &no_ready_ops, NULL);

	KUNIT_EXPECT_EQ(test, vfio_coherent_wait_ready(cdev), 0);
	vfio_coherent_reset_done(cdev->core.pdev);
	KUNIT_EXPECT_EQ(test, vfio_coherent_wait_ready(cdev), 0);
}

/*
 * Memory disabled or the function in D3: the access fails at once, without
 * waiting 30 s for memory that cannot become ready.
 */
static void reset_test_disabled_fails_at_once(struct kunit *test)
{
	static const struct vfio_coherent_ops slow_ops = { .ready = fake_ready };
	struct ready_backend rb = { .not_ready = UINT_MAX };
	struct vfio_coherent_device *cdev = fake_device(test, &slow_ops, &rb);

	down_read(&cdev->core.memory_lock);
	cdev->core.vconfig[PCI_COMMAND] &= ~PCI_COMMAND_MEMORY;
	KUNIT_EXPECT_EQ(test, vfio_coherent_access_begin(cdev), -EIO);
	cdev->core.vconfig[PCI_COMMAND] |= PCI_COMMAND_MEMORY;
	cdev->core.pdev->current_state = PCI_D3hot;
	KUNIT_EXPECT_EQ(test, vfio_coherent_access_begin(cdev), -EIO);
	up_read(&cdev->core.memory_lock);
	KUNIT_EXPECT_EQ(test, rb.calls, 0U);
}

/* The access gate waits for readiness once memory is found enabled. */
static void reset_test_access_waits(struct kunit *test)
{
	struct ready_backend rb = { .not_ready = 1 };
	struct vfio_coherent_device *cdev = fake_device(test, &ready_ops, &rb);

	down_read(&cdev->core.memory_lock);
	KUNIT_EXPECT_EQ(test, vfio_coherent_access_begin(cdev), 0);
	up_read(&cdev->core.memory_lock);
	KUNIT_EXPECT_EQ(test, rb.calls, 2U);
}

/* reset_done resets every virtual BAR, whoever reset the function. */
static void reset_test_reset_done_bars(struct kunit *test)
{
	struct vfio_coherent_device *cdev = fake_device(test, &no_ready_ops, NULL);

	cdev->nr_apertures = 2;
	cdev->ap[1] = cdev->ap[0];
	cdev->ap[1].bar = 2;
	cdev->bar[0].reg = 0x10000000cULL;
	cdev->bar[1].reg = 0x20000000cULL;
	vfio_coherent_reset_done(cdev->core.pdev);
	KUNIT_EXPECT_EQ(test, cdev->bar[0].reg, 0ULL);
	KUNIT_EXPECT_EQ(test, cdev->bar[1].reg, 0ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&cdev->reset_seq), 2);
}

/* A read copy that stopped short names the page that failed. */
static void reset_test_short_copy(struct kunit *test)
{
	struct vfio_coherent_device *cdev = fake_device(test, &no_ready_ops, NULL);
	phys_addr_t phys = AP_BASE + SZ_1M;

	KUNIT_EXPECT_EQ(test, vfio_coherent_short_copy(cdev, phys, SZ_64K, 0), 0);
	KUNIT_EXPECT_FALSE(test, vfio_coherent_poison_find(cdev, PHYS_PFN(AP_BASE),
							   PHYS_PFN(SZ_64M)));

	/* A page and 904 bytes copied of 4: the next byte is in the second page. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_short_copy(cdev, phys, 4 * PAGE_SIZE,
						       3 * PAGE_SIZE - 904), -EIO);
	KUNIT_EXPECT_TRUE(test, vfio_coherent_poison_find(cdev, PHYS_PFN(phys) + 1, 1));
	KUNIT_EXPECT_FALSE(test, vfio_coherent_poison_find(cdev, PHYS_PFN(phys), 1));
	KUNIT_EXPECT_FALSE(test, vfio_coherent_poison_find(cdev, PHYS_PFN(phys) + 2, 2));
	/* Consumed again before the record was seen: still -EIO. */
	KUNIT_EXPECT_EQ(test, vfio_coherent_short_copy(cdev, phys, 4 * PAGE_SIZE,
						       3 * PAGE_SIZE - 904), -EIO);
}

/* Recording a failed page: once, and only for the device's own memory. */
static void reset_test_poison_page(struct kunit *test)
{
	struct vfio_coherent_device *cdev = fake_device(test, &no_ready_ops, NULL);
	unsigned long pfn = PHYS_PFN(AP_BASE) + 7;

	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_isolate(cdev, pfn), 0);
	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_isolate(cdev, pfn), -EHWPOISON);
	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_isolate(cdev, PHYS_PFN(AP_BASE + SZ_64M)),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, vfio_coherent_poison_isolate(cdev, PHYS_PFN(AP_BASE) - 1),
			-EFAULT);
	KUNIT_EXPECT_TRUE(test, vfio_coherent_poison_find(cdev, pfn, 1));
}

static struct kunit_case reset_test_cases[] = {
	KUNIT_CASE(reset_test_wait_ready),
	KUNIT_CASE(reset_test_ready_timeout),
	KUNIT_CASE(reset_test_ready_error),
	KUNIT_CASE(reset_test_no_hook),
	KUNIT_CASE(reset_test_disabled_fails_at_once),
	KUNIT_CASE(reset_test_access_waits),
	KUNIT_CASE(reset_test_reset_done_bars),
	KUNIT_CASE(reset_test_short_copy),
	KUNIT_CASE(reset_test_poison_page),
	{}
};

static struct kunit_suite reset_test_suite = {
	.name = "vfio_coherent_reset",
	.test_cases = reset_test_cases,
};

kunit_test_suite(reset_test_suite);
