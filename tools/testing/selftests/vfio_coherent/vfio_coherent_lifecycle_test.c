// SPDX-License-Identifier: GPL-2.0-only
/*
 * A function's life under a user: removed through sysfs while a thread
 * faults its aperture in (VFIO's request interrupt reaches the user,
 * removal waits for the user to let go, rescan and bind give a working
 * function with its data), and bound, unbound and reloaded over and over.
 * The runner's kmemleak scan after the run finds anything these cycles
 * leaked. Runs in the machine of vc_machine.h, on 01:00.1.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "../kselftest_harness.h"
#include "vc_poison.h"

#define REGION_OFF(bar)	((off_t)(bar) << 40)
#define FN1_OFF		REGION_OFF(VC_FN1_BAR)
#define CYCLES		100
#define MAP_LEN		(16UL << 20)

FIXTURE(lifecycle) {
	int unused;
};

FIXTURE_SETUP(lifecycle)
{
}

FIXTURE_TEARDOWN(lifecycle)
{
}

static char *sysfs_dev(const char *bdf, const char *attr)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s%s%s", bdf,
		 *attr ? "/" : "", attr);
	return path;
}

/* Ask the function for its request interrupt on a new eventfd. */
static int request_irq(int device)
{
	struct {
		struct vfio_irq_set set;
		__s32 fd;
	} irq = {
		.set.argsz = sizeof(irq),
		.set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		.set.index = VFIO_PCI_REQ_IRQ_INDEX,
		.set.count = 1,
	};

	irq.fd = eventfd(0, EFD_CLOEXEC);
	if (irq.fd < 0 || ioctl(device, VFIO_DEVICE_SET_IRQS, &irq))
		return -1;
	return irq.fd;
}

struct faulter {
	int device;
	atomic_int stop;
	atomic_long faults, sigbus, maps;
};

/* Map 16 MiB at a time, touch every page of it, unmap; until told to stop. */
static void *fault_loop(void *arg)
{
	struct faulter *f = arg;
	unsigned long off = 0, i;
	unsigned char *p;

	vc_bus_catch();
	while (!atomic_load(&f->stop)) {
		p = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, f->device,
			 FN1_OFF + off);
		if (p == MAP_FAILED)
			break;
		atomic_fetch_add(&f->maps, 1);
		for (i = 0; i < MAP_LEN && !atomic_load(&f->stop); i += 4096) {
			if (vc_bus_touch(p + i, 0))
				atomic_fetch_add(&f->sigbus, 1);
			else
				atomic_fetch_add(&f->faults, 1);
		}
		munmap(p, MAP_LEN);
		off = (off + MAP_LEN) % VC_FN1_SIZE;
	}
	return NULL;
}

struct remover {
	pthread_t thread;
	const char *bdf;
	atomic_int done;
	int err;
};

static void *remove_fn(void *arg)
{
	struct remover *r = arg;

	r->err = -vc_write(sysfs_dev(r->bdf, "remove"), "1");
	atomic_store(&r->done, 1);
	return NULL;
}

/*
 * Remove the function through sysfs from a thread (a child process would
 * inherit the user's fds and mappings, and removal would wait for itself).
 */
static int remove_async(struct remover *r, const char *bdf)
{
	r->bdf = bdf;
	return pthread_create(&r->thread, NULL, remove_fn, r);
}

/* The removal's errno once it finished within @secs seconds, else -1. */
static int wait_removed(struct remover *r, int secs)
{
	int i;

	for (i = 0; i <= secs * 10; i++) {
		if (atomic_load(&r->done)) {
			pthread_join(r->thread, NULL);
			return r->err;
		}
		if (i < secs * 10)
			usleep(100000);
	}
	return -1;
}

/*
 * The user holds the function open, mapped and faulting when it is removed:
 * the request interrupt tells it, removal waits until it lets go, then
 * completes; rescan and bind give the function back, data intact.
 */
TEST_F_TIMEOUT(lifecycle, hot_unplug_while_faulting, 300)
{
	__u64 token = 0x5eed0000c0ffeeULL ^ getpid(), got = 0;
	struct remover remover = {};
	struct faulter f = {};
	struct vc_vfio v;
	pthread_t thread;
	struct pollfd pfd;
	__u64 count;
	long before;
	int efd;

	ASSERT_EQ(0, vc_bind(VC_DEV_FN1, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_FN1, &v)) TH_LOG("%s", strerror(errno));
	vc_set_memory(v.device, 1);
	ASSERT_EQ(8, pwrite(v.device, &token, 8, FN1_OFF + VC_FN1_SIZE - 4096));
	efd = request_irq(v.device);
	ASSERT_LE(0, efd) TH_LOG("request interrupt: %s", strerror(errno));
	f.device = v.device;
	ASSERT_EQ(0, pthread_create(&thread, NULL, fault_loop, &f));
	while (atomic_load(&f.faults) < 1000)
		usleep(10000);

	ASSERT_EQ(0, remove_async(&remover, VC_DEV_FN1));
	pfd.fd = efd;
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 30000)) TH_LOG("no request interrupt in 30 s");
	ASSERT_EQ(8, read(efd, &count, 8));
	EXPECT_LE(1, count);
	/* The user still has the function: faults go on, removal waits. */
	before = atomic_load(&f.faults);
	usleep(500000);
	EXPECT_LT(before, atomic_load(&f.faults)) TH_LOG("faults stopped before release");
	EXPECT_EQ(0, atomic_load(&f.sigbus));
	EXPECT_EQ(-1, wait_removed(&remover, 0)) TH_LOG("removal did not wait for the user");
	EXPECT_EQ(0, access(sysfs_dev(VC_DEV_FN1, ""), F_OK));

	atomic_store(&f.stop, 1);
	pthread_join(thread, NULL);
	TH_LOG("%ld pages faulted in %ld mappings, %ld SIGBUS", atomic_load(&f.faults),
	       atomic_load(&f.maps), atomic_load(&f.sigbus));
	close(efd);
	vc_vfio_close(&v);
	ASSERT_EQ(0, wait_removed(&remover, 60)) TH_LOG("removal did not finish");
	EXPECT_NE(0, access(sysfs_dev(VC_DEV_FN1, ""), F_OK));

	ASSERT_EQ(0, vc_write("/sys/bus/pci/rescan", "1"));
	ASSERT_EQ(0, access(sysfs_dev(VC_DEV_FN1, ""), F_OK)) TH_LOG("rescan did not find it");
	ASSERT_EQ(0, vc_bind(VC_DEV_FN1, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_FN1, &v));
	vc_set_memory(v.device, 1);
	EXPECT_EQ(8, pread(v.device, &got, 8, FN1_OFF + VC_FN1_SIZE - 4096));
	EXPECT_EQ(token, got);
	f.device = v.device;
	f.stop = 1;
	atomic_store(&f.faults, 0);
	fault_loop(&f);		/* one mapping, all its pages */
	EXPECT_EQ(0, atomic_load(&f.sigbus));
	vc_vfio_close(&v);
}

/* Open, write, map and read back; the function works. */
static int works(const char *bdf, __u64 val)
{
	struct vc_vfio v;
	unsigned char *p;
	__u64 got = 0;
	int ret = -1;

	if (vc_vfio_open(bdf, &v))
		goto out;
	vc_set_memory(v.device, 1);
	if (pwrite(v.device, &val, 8, FN1_OFF) != 8)
		goto out;
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, v.device, FN1_OFF);
	if (p == MAP_FAILED)
		goto out;
	got = __atomic_load_n((__u64 *)p, __ATOMIC_RELAXED);
	munmap(p, 4096);
	ret = got == val ? 0 : -2;
out:
	vc_vfio_close(&v);
	return ret;
}

/* Unbind and bind again, 100 times; each tenth time the function is used. */
TEST_F_TIMEOUT(lifecycle, unbind_bind_cycles, 600)
{
	int i, bad = 0;
	double t0 = vc_now();

	ASSERT_EQ(0, vc_bind(VC_DEV_FN1, VC_DRIVER));
	for (i = 0; i < CYCLES; i++) {
		ASSERT_EQ(0, vc_unbind(VC_DEV_FN1)) TH_LOG("cycle %d", i);
		ASSERT_EQ(0, vc_write("/sys/bus/pci/drivers/" VC_DRIVER "/bind", VC_DEV_FN1))
			TH_LOG("cycle %d: bind: %s", i, strerror(errno));
		if (i % 10 == 9 && works(VC_DEV_FN1, 0xb1d0000ULL + i))
			bad++;
	}
	EXPECT_EQ(0, bad);
	TH_LOG("%d unbind/bind cycles in %.1f s", CYCLES, vc_now() - t0);
}

/*
 * Unload the backend with the function bound, load it again (which binds
 * it: driver_override survives), 100 times; every tenth time the core and
 * the other backend go and come back too, and the function is used.
 * 01:00.0 stays out of the loop: its bind costs what every boot's does.
 */
TEST_F_TIMEOUT(lifecycle, module_reload_cycles, 600)
{
	static const char * const mods[] = {
		"vfio-coherent", "vfio-coherent-nvgrace", "vfio-coherent-of",
	};
	static const char * const names[] = {
		"vfio_coherent_of", "vfio_coherent_nvgrace", "vfio_coherent",
	};
	int i, m, all, bad = 0, cores = 0;
	double t0 = vc_now();

	ASSERT_EQ(0, vc_unbind(VC_DEV_GOOD));
	ASSERT_EQ(0, vc_write(sysfs_dev(VC_DEV_GOOD, "driver_override"), "\n"));
	ASSERT_EQ(0, vc_bind(VC_DEV_FN1, VC_DRIVER));
	for (i = 0; i < CYCLES; i++) {
		all = i % 10 == 9;
		for (m = 0; m < (all ? 3 : 1); m++)
			ASSERT_EQ(0, vc_rmmod(names[m])) TH_LOG("cycle %d: rmmod %d", i, m);
		EXPECT_STREQ("", vc_driver_of(VC_DEV_FN1));
		for (m = all ? 0 : 2; m < 3; m++)
			ASSERT_EQ(0, vc_insmod(mods[m])) TH_LOG("cycle %d: insmod %d", i, m);
		ASSERT_STREQ(VC_DRIVER, vc_driver_of(VC_DEV_FN1)) TH_LOG("cycle %d", i);
		if (all) {
			cores++;
			if (works(VC_DEV_FN1, 0x10ad0000ULL + i))
				bad++;
		}
	}
	EXPECT_EQ(0, bad);
	TH_LOG("%d backend unload/load cycles, %d of them with the core, in %.1f s",
	       CYCLES, cores, vc_now() - t0);
	EXPECT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
}

TEST_HARNESS_MAIN
