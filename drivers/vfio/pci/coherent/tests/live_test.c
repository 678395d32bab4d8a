// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite run on the vfio-coherent test machine's bound functions
 * (tools/testing/vfio-coherent/): 01:00.0 and 01:00.1, both bound to
 * vfio-coherent-of, no user having them open. It fails one page of each,
 * which stays poisoned while they are bound: load it last.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/pci.h>

#include "../coherent.h"

#define LIVE_BACKEND	"vfio_coherent_of"
#define LIVE_TIMEOUT	(10 * HZ)

static void live_put_pdev(void *pdev)
{
	pci_dev_put(pdev);
}

/* The device of function 01:00.@fn, which must be bound to the DT backend. */
static struct vfio_coherent_device *live_device(struct kunit *test,
						unsigned int fn)
{
	struct vfio_pci_core_device *core;
	struct pci_dev *pdev;

	pdev = pci_get_domain_bus_and_slot(0, 1, PCI_DEVFN(0, fn));
	KUNIT_ASSERT_NOT_NULL_MSG(test, pdev, "no function 01:00.%u", fn);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, live_put_pdev, pdev), 0);
	KUNIT_ASSERT_TRUE_MSG(test, pdev->driver &&
			      !strcmp(pdev->driver->name, LIVE_BACKEND),
			      "01:00.%u not bound to " LIVE_BACKEND, fn);
	core = dev_get_drvdata(&pdev->dev);
	KUNIT_ASSERT_NOT_NULL(test, core);
	return to_vfio_coherent(&core->vdev);
}

struct live_failure {
	unsigned long pfn;
	int ret;
	struct completion done;
};

static int live_failure_fn(void *data)
{
	struct live_failure *f = data;

	f->ret = memory_failure(f->pfn, MF_SW_SIMULATED);
	complete(&f->done);
	return 0;
}

static void live_fail_page(struct kunit *test, struct live_failure *f,
			   unsigned long pfn, const char *name)
{
	struct task_struct *t;

	f->pfn = pfn;
	f->ret = -EINPROGRESS;
	init_completion(&f->done);
	t = kthread_run(live_failure_fn, f, "%s", name);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
}

/*
 * While device A is held in a reset (its memory lock held for writing, as
 * vfio-pci-core holds it across every reset), a memory failure of a page of
 * A, then one of device B, must both complete: memory_failure() runs under
 * mm's global locks, so one that waited for A would stall every memory
 * failure of the system behind A's reset (or a 30 s readiness wait).
 */
static void live_failure_during_reset(struct kunit *test)
{
	struct vfio_coherent_device *a = live_device(test, 0);
	struct vfio_coherent_device *b = live_device(test, 1);
	struct vfio_coherent_aperture *ap_a = &a->ap[0], *ap_b = &b->ap[0];
	unsigned long pfn_a = PHYS_PFN(ap_a->base + ap_a->size) - 1;
	unsigned long pfn_b = PHYS_PFN(ap_b->base + ap_b->size) - 4;
	struct live_failure fa, fb;
	bool done_a, done_b;

	KUNIT_ASSERT_FALSE(test, vfio_coherent_poison_find(a, pfn_a, 1));
	KUNIT_ASSERT_FALSE(test, vfio_coherent_poison_find(b, pfn_b, 1));

	down_write(&a->core.memory_lock);
	live_fail_page(test, &fa, pfn_a, "vc-live-mf-a");
	/* Let A's failure get as far as it can before B's starts. */
	msleep(200);
	live_fail_page(test, &fb, pfn_b, "vc-live-mf-b");
	done_b = wait_for_completion_timeout(&fb.done, LIVE_TIMEOUT);
	done_a = wait_for_completion_timeout(&fa.done, LIVE_TIMEOUT);
	up_write(&a->core.memory_lock);
	/* Whatever the verdict, nothing may outlive the stack it uses. */
	if (!done_a)
		wait_for_completion(&fa.done);
	if (!done_b)
		wait_for_completion(&fb.done);

	KUNIT_EXPECT_TRUE_MSG(test, done_b,
			      "a failure on B waited for A's reset");
	KUNIT_EXPECT_TRUE_MSG(test, done_a,
			      "a failure on A waited for A's reset");
	KUNIT_EXPECT_EQ(test, fa.ret, 0);
	KUNIT_EXPECT_EQ(test, fb.ret, 0);
	/* Recorded with no user: registered for the life of the binding. */
	KUNIT_EXPECT_TRUE(test, vfio_coherent_poison_find(a, pfn_a, 1));
	KUNIT_EXPECT_TRUE(test, vfio_coherent_poison_find(b, pfn_b, 1));
}

static struct kunit_case live_test_cases[] = {
	KUNIT_CASE_SLOW(live_failure_during_reset),
	{}
};

static struct kunit_suite live_test_suite = {
	.name = "vfio_coherent_live",
	.test_cases = live_test_cases,
};

kunit_test_suite(live_test_suite);

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests on the vfio-coherent test machine's functions");
