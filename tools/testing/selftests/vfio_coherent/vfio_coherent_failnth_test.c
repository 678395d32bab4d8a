// SPDX-License-Identifier: GPL-2.0-only
/*
 * Allocation failures on every path a user drives: the kernel's fault
 * injection fails the Nth slab or page allocation of this task
 * (/proc/thread-self/fail-nth, failslab and fail_page_alloc), for N = 1, 2,
 * ... until the operation runs without reaching an Nth allocation. Each
 * failed attempt must fail with -ENOMEM (or succeed, where the allocation
 * was optional) and leave the function as it was; the runner's kmemleak
 * scan afterwards finds what any attempt leaked. Paths: probe (bind),
 * open (group or cdev), mmap and fault, read/write, failing a page.
 * Runs in the machine of vc_machine.h, on 01:00.1.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "../kselftest_harness.h"
#include "vc_poison.h"

#define REGION_OFF(bar)	((off_t)(bar) << 40)
#define FN1_OFF		REGION_OFF(VC_FN1_BAR)
#define MAX_NTH		2000
#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define FAIL_PAGE	"/sys/kernel/debug/fail_page_alloc/"

/* Kept open: opening it would count as allocations of the operation. */
static int nth_fd = -1;

/* Arm the Nth allocation of this task to fail (0: disarm). */
static int fail_nth(int nth)
{
	char text[16];
	int n = snprintf(text, sizeof(text), "%d", nth);

	return pwrite(nth_fd, text, n, 0) == n ? 0 : -errno;
}

/* Whether the armed failure happened (the file reads 0 once it has). */
static int fail_nth_hit(void)
{
	char text[16] = "";
	int hit = pread(nth_fd, text, sizeof(text) - 1, 0) > 0 && atoi(text) == 0;

	fail_nth(0);
	return hit;
}

FIXTURE(failnth) {
	struct vc_vfio v;
};

FIXTURE_SETUP(failnth)
{
	self->v.device = -1;
	self->v.group = -1;
	self->v.container = -1;
	self->v.iommufd = -1;
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, nth_fd) TH_LOG("fail-nth: %s (CONFIG_FAULT_INJECTION?)", strerror(errno));
	/* Sleeping allocations too (GFP_KERNEL), any order; quietly. */
	ASSERT_EQ(0, vc_write(FAILSLAB "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, vc_write(FAILSLAB "verbose", "0"));
	ASSERT_EQ(0, vc_write(FAIL_PAGE "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, vc_write(FAIL_PAGE "ignore-gfp-highmem", "N"));
	ASSERT_EQ(0, vc_write(FAIL_PAGE "min-order", "0"));
	ASSERT_EQ(0, vc_write(FAIL_PAGE "verbose", "0"));
	ASSERT_EQ(0, vc_bind(VC_DEV_FN1, VC_DRIVER));
	/*
	 * No reset at each open and close: nothing here needs one, and a
	 * reset's own allocations are not what this test is after.
	 */
	ASSERT_EQ(0, vc_write("/sys/bus/pci/devices/" VC_DEV_FN1 "/reset_method", "\n"));
}

FIXTURE_TEARDOWN(failnth)
{
	fail_nth(0);
	close(nth_fd);
	vc_vfio_close(&self->v);
	vc_write("/sys/bus/pci/devices/" VC_DEV_FN1 "/reset_method", "default");
}

struct tally {
	int nth;	/* attempts with a failure injected */
	int failed;	/* ... that failed the operation */
	int bad;	/* ... that failed it with an errno other than ENOMEM */
};

/*
 * Run @op with the Nth allocation failing for N = 1, 2, ... until one run
 * reaches no Nth allocation. @op returns 0 or -errno and must leave things
 * as it found them; @check says whether they are (0) after each attempt.
 */
static void inject_all(struct __test_metadata *_metadata, const char *what,
		       int (*op)(void *), int (*check)(void *, int), void *arg,
		       struct tally *t)
{
	int nth, ret, hit;

	for (nth = 1; nth <= MAX_NTH; nth++) {
		ASSERT_EQ(0, fail_nth(nth));
		ret = op(arg);
		hit = fail_nth_hit();
		if (!hit) {
			EXPECT_EQ(0, ret) TH_LOG("%s: %s with no failure injected", what,
						 strerror(-ret));
			EXPECT_EQ(0, check(arg, ret)) TH_LOG("%s: state after success", what);
			break;
		}
		t->nth++;
		if (ret) {
			t->failed++;
			if (ret != -ENOMEM) {
				t->bad++;
				TH_LOG("%s: allocation %d failed: %s", what, nth, strerror(-ret));
			}
		}
		EXPECT_EQ(0, check(arg, ret)) TH_LOG("%s: state after allocation %d failed", what,
						     nth);
	}
	EXPECT_GT(MAX_NTH, nth);
	TH_LOG("%s: %d allocations failed in turn, %d made it fail (all ENOMEM: %s)",
	       what, t->nth, t->failed, t->bad ? "no" : "yes");
	EXPECT_EQ(0, t->bad);
}

/* probe: bind through sysfs; the probe runs in this task. */
static int op_bind(void *arg)
{
	return vc_write("/sys/bus/pci/drivers/" VC_DRIVER "/bind", VC_DEV_FN1);
}

/*
 * The /dev node of the function's VFIO group or cdev. device_add() goes on
 * when devtmpfs cannot make a node (udev would make it from the uevent):
 * a probe that succeeded may leave none behind, and that is the driver
 * core's, not the driver's.
 */
static int dev_node_missing(const char *bdf)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	if (vc_vfio_api_cdev())
		return vc_vfio_cdev_path(bdf, path, sizeof(path)) == 0 && access(path, F_OK);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = 0;
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	return access(path, F_OK) != 0;
}

static int no_dev_node;

/* Bound and working after success, unbound after failure; then unbound. */
static int check_bind(void *arg, int ret)
{
	struct vc_vfio v;
	__u64 val = 0x6a11ed ^ ret, got = 0;
	int bad = 0;

	if (ret) {
		if (!*vc_driver_of(VC_DEV_FN1))
			return 0;
		printf("# bind failed, but %s is bound\n", VC_DEV_FN1);
		return 1;
	}
	if (strcmp(vc_driver_of(VC_DEV_FN1), VC_DRIVER)) {
		printf("# bind worked, but %s is not bound\n", VC_DEV_FN1);
		return 1;
	}
	ret = vc_vfio_open(VC_DEV_FN1, &v);
	if (ret == -ENOENT && dev_node_missing(VC_DEV_FN1)) {
		no_dev_node++;
		vc_vfio_close(&v);
		return vc_unbind(VC_DEV_FN1);
	}
	if (!ret) {
		vc_set_memory(v.device, 1);
		bad = pwrite(v.device, &val, 8, FN1_OFF) != 8 ||
		      pread(v.device, &got, 8, FN1_OFF) != 8 || got != val;
	}
	vc_vfio_close(&v);
	if (ret || bad)
		printf("# bound, but %s: %s\n", ret ? "open" : "read/write", strerror(-ret));
	return vc_unbind(VC_DEV_FN1) || ret || bad;
}

TEST_F_TIMEOUT(failnth, probe, 600)
{
	struct tally t = {};

	ASSERT_EQ(0, vc_unbind(VC_DEV_FN1));
	inject_all(_metadata, "probe", op_bind, check_bind, NULL, &t);
	TH_LOG("probe: %d bound without a /dev node (devtmpfs, see dev_node_missing())",
	       no_dev_node);
	/* The control: the probe does allocate, so failures reached it. */
	EXPECT_LT(0, t.failed);
	EXPECT_EQ(0, vc_bind(VC_DEV_FN1, VC_DRIVER));
}

static int op_open(void *arg)
{
	struct vc_vfio *v = arg;
	int ret = vc_vfio_open(VC_DEV_FN1, v);

	if (ret)
		vc_vfio_close(v);
	return ret;
}

/* Open: the function reads; closed again. Failed: it opens now. */
static int check_open(void *arg, int ret)
{
	struct vc_vfio *v = arg;
	__u64 got;
	int bad;

	if (ret && vc_vfio_open(VC_DEV_FN1, v))
		return 1;
	vc_set_memory(v->device, 1);
	bad = pread(v->device, &got, 8, FN1_OFF) != 8;
	vc_vfio_close(v);
	return bad;
}

TEST_F_TIMEOUT(failnth, open, 600)
{
	struct tally t = {};

	inject_all(_metadata, "open", op_open, check_open, &self->v, &t);
	EXPECT_LT(0, t.failed);
}

struct mapping {
	struct vc_vfio *v;
	__u64 token;
};

/* mmap 4 MiB and read through it: PMD and PTE faults. */
static int op_map(void *arg)
{
	struct mapping *m = arg;
	unsigned char *p;
	__u64 got;
	int ret = 0;

	p = mmap(NULL, 4UL << 20, PROT_READ, MAP_SHARED, m->v->device, FN1_OFF);
	if (p == MAP_FAILED)
		return -errno;
	vc_bus_catch();
	if (vc_bus_touch(p, 0) || vc_bus_touch(p + (3UL << 20) + 4096, 0))
		ret = -EFAULT;
	got = __atomic_load_n((__u64 *)p, __ATOMIC_RELAXED);
	if (!ret && got != m->token)
		ret = -EILSEQ;
	munmap(p, 4UL << 20);
	return ret;
}

static int check_map(void *arg, int ret)
{
	struct mapping *m = arg;
	__u64 got = 0;

	return pread(m->v->device, &got, 8, FN1_OFF) != 8 || got != m->token;
}

TEST_F_TIMEOUT(failnth, mmap_and_fault, 600)
{
	struct mapping m = { .v = &self->v, .token = 0x3a9f00d };
	struct tally t = {};

	ASSERT_EQ(0, vc_vfio_open(VC_DEV_FN1, &self->v));
	vc_set_memory(self->v.device, 1);
	ASSERT_EQ(8, pwrite(self->v.device, &m.token, 8, FN1_OFF));
	inject_all(_metadata, "mmap and fault", op_map, check_map, &m, &t);
}

/*
 * The buffers are touched before any attempt: a first touch is a page
 * fault whose allocation the injection would take instead of the driver's.
 */
struct rw {
	struct vc_vfio *v;
	unsigned char buf[256 << 10];
	unsigned char back[256 << 10];
	int n;
};

/* 256 KiB (four bounce chunks) written, then read back. */
static int op_rw(void *arg)
{
	struct rw *r = arg;

	r->buf[0] = ++r->n;
	if (pwrite(r->v->device, r->buf, sizeof(r->buf), FN1_OFF) != sizeof(r->buf))
		return -errno;
	if (pread(r->v->device, r->back, sizeof(r->back), FN1_OFF) != sizeof(r->back))
		return -errno;
	return memcmp(r->back, r->buf, sizeof(r->back)) ? -EILSEQ : 0;
}

/* Whatever the attempt did, a read now works. */
static int check_rw(void *arg, int ret)
{
	struct rw *r = arg;
	__u64 got;

	return pread(r->v->device, &got, 8, FN1_OFF) != 8;
}

TEST_F_TIMEOUT(failnth, read_write, 600)
{
	static struct rw r;
	struct tally t = {};

	ASSERT_EQ(0, vc_vfio_open(VC_DEV_FN1, &self->v));
	vc_set_memory(self->v.device, 1);
	r.v = &self->v;
	memset(r.buf, 0x5a, sizeof(r.buf));
	memset(r.back, 0, sizeof(r.back));
	inject_all(_metadata, "read/write", op_rw, check_rw, &r, &t);
	EXPECT_LT(0, t.failed);
}

#define POISON_OFF	0x4000000ULL

struct poison {
	struct vc_vfio v;
	int listed;
	int kmsg;	/* the kernel log, from before the first attempt */
};

/* Fail a page the way firmware reports it, unless an attempt already did. */
static int op_poison(void *arg)
{
	struct poison *p = arg;

	return p->listed ? 0 : vc_hard_offline(VC_FN1_BASE + POISON_OFF);
}

/*
 * A page failed is listed and never read, whether or not the report's own
 * allocations failed: after any attempt, it is either listed and refused,
 * or the attempt failed before the report reached the function and it is
 * still unlisted. A report the function took but could not record would
 * leave a failed page to be mapped again: it must not happen.
 */
static int check_poison(void *arg, int ret)
{
	struct poison *p = arg;
	int listed = vc_poison_listed(VC_DEV_FN1, VC_FN1_BAR, POISON_OFF);
	__u64 got;
	int refused = pread(p->v.device, &got, 8, FN1_OFF + POISON_OFF) != 8;

	if (listed < 0 || vc_kmsg_has(p->kmsg, "not recorded"))
		return 1;
	p->listed = listed;
	if (listed)
		return !refused;
	return !ret;
}

TEST_F_TIMEOUT(failnth, poison, 600)
{
	static struct poison p;
	struct tally t = {};

	ASSERT_EQ(0, vc_vfio_open(VC_DEV_FN1, &p.v));
	vc_set_memory(p.v.device, 1);
	p.kmsg = vc_kmsg_open();
	ASSERT_LE(0, p.kmsg);
	inject_all(_metadata, "failing a page", op_poison, check_poison, &p, &t);
	EXPECT_EQ(1, vc_poison_listed(VC_DEV_FN1, VC_FN1_BAR, POISON_OFF));
	/* Bound again, the function forgets it. */
	vc_vfio_close(&p.v);
	ASSERT_EQ(0, vc_unbind(VC_DEV_FN1));
	ASSERT_EQ(0, vc_bind(VC_DEV_FN1, VC_DRIVER));
}

TEST_HARNESS_MAIN
