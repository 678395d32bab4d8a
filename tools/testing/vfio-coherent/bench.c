// SPDX-License-Identifier: GPL-2.0-only
/*
 * vc-bench: map and first-touch cost of a vfio-coherent aperture, and its
 * read/write throughput, each against anonymous THP memory (and a memfd for
 * read/write) measured in the same run. Prints a table; judges nothing.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>

#include "../selftests/vfio_coherent/vc_util.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define REGION_OFF(bar)	((off_t)(bar) << 40)
#define CHUNK		0x100000UL
#define RW_BYTES	0x10000000UL

struct cost {
	double mmap_us, touch_ms;
	long faults, pte_kb;
};

/* Page-table memory of this process, kB (VmPTE). */

/* A 1 GiB-aligned hole to map into, so block mappings are possible. */
static void *aligned_hole(size_t len)
{
	size_t align = 1UL << 30;
	char *area = mmap(NULL, len + align, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t at;

	if (area == MAP_FAILED)
		return NULL;
	at = ((uintptr_t)area + align - 1) & ~(uintptr_t)(align - 1);
	munmap(area, len + align);
	return (void *)at;
}

static int measure(int fd, off_t off, size_t len, struct cost *c)
{
	int flags = fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED;
	long pte0 = vc_vmpte(), flt0;
	void *hole = aligned_hole(len);
	char *p;
	double t0;
	size_t i;

	t0 = vc_now();
	p = mmap(hole, len, PROT_READ | PROT_WRITE, flags | MAP_FIXED, fd, off);
	c->mmap_us = (vc_now() - t0) * 1e6;
	if (p == MAP_FAILED)
		return -errno;
	if (fd < 0)
		madvise((void *)p, len, MADV_HUGEPAGE);
	flt0 = vc_minflt();
	t0 = vc_now();
	for (i = 0; i < len; i += 4096)
		vc_poke(&p[i], (unsigned char)i);
	c->touch_ms = (vc_now() - t0) * 1e3;
	c->faults = vc_minflt() - flt0;
	c->pte_kb = vc_vmpte() - pte0;
	munmap((void *)p, len);
	return 0;
}

/* MB/s of pread and pwrite of RW_BYTES in 1 MiB chunks. */
static void rw_speed(int fd, off_t off, double *rd, double *wr)
{
	static char buf[CHUNK];
	double t0;
	size_t done;

	memset(buf, 0x5a, sizeof(buf));
	t0 = vc_now();
	for (done = 0; done < RW_BYTES; done += CHUNK)
		if (pwrite(fd, buf, CHUNK, off + done) != CHUNK)
			break;
	*wr = done / (vc_now() - t0) / 1e6;
	t0 = vc_now();
	for (done = 0; done < RW_BYTES; done += CHUNK)
		if (pread(fd, buf, CHUNK, off + done) != CHUNK)
			break;
	*rd = done / (vc_now() - t0) / 1e6;
}

/* @base < 0: no baseline could be measured. */
static void row(const char *what, double ours, double base, const char *unit)
{
	if (base < 0)
		printf("  %-26s %12.1f %12s %8s  %s\n", what, ours, "n/a", "", unit);
	else
		printf("  %-26s %12.1f %12.1f %8.2f  %s\n", what, ours, base,
		       base ? ours / base : 0.0, unit);
}

int main(void)
{
	static const size_t sizes[] = { 1UL << 30, 4UL << 30 };
	double rd, wr, brd, bwr;
	struct cost a, b;
	struct vc_vfio v;
	unsigned int i;
	__u16 cmd;
	int mfd;

	if (vc_bind(VC_DEV_GOOD, VC_DRIVER) || vc_vfio_open(VC_DEV_GOOD, &v)) {
		printf("vc-bench: cannot open %s\n", VC_DEV_GOOD);
		return 1;
	}
	pread(v.device, &cmd, 2, REGION_OFF(VFIO_PCI_CONFIG_REGION_INDEX) + 4);
	cmd |= 2;	/* PCI_COMMAND_MEMORY */
	pwrite(v.device, &cmd, 2, REGION_OFF(VFIO_PCI_CONFIG_REGION_INDEX) + 4);

	/* Warm up both paths once so the first row pays no one-time costs. */
	measure(v.device, REGION_OFF(VC_USEMEM_BAR), 2UL << 20, &a);
	measure(-1, 0, 2UL << 20, &b);

	printf("\nvc-bench: usemem aperture (cacheable) vs anonymous THP memory\n");
	printf("  %-26s %12s %12s %8s\n", "", "aperture", "anon THP", "ratio");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (sizes[i] > VC_USEMEM_SIZE)
			continue;
		if (measure(v.device, REGION_OFF(VC_USEMEM_BAR), sizes[i], &a)) {
			printf("vc-bench: mmap of %zu MiB of the aperture failed\n",
			       sizes[i] >> 20);
			return 1;
		}
		/* The guest's RAM may be smaller than N: no baseline then. */
		if (measure(-1, 0, sizes[i], &b))
			b = (struct cost){ -1, -1, -1, -1 };
		printf(" N = %zu GiB%s\n", sizes[i] >> 30,
		       b.faults < 0 ? " (anonymous baseline: more than the guest's RAM)" : "");
		row("mmap", a.mmap_us, b.mmap_us, "us");
		row("first touch, every 4 KiB", a.touch_ms, b.touch_ms, "ms");
		row("page faults", a.faults, b.faults, "");
		row("page-table memory", a.pte_kb, b.pte_kb, "KiB");
	}

	mfd = memfd_create("vc-bench", 0);
	if (mfd < 0 || ftruncate(mfd, RW_BYTES))
		return 1;
	rw_speed(v.device, REGION_OFF(VC_USEMEM_BAR), &rd, &wr);
	rw_speed(mfd, 0, &brd, &bwr);
	printf(" pread/pwrite, %lu MiB in 1 MiB calls (baseline: memfd)\n", RW_BYTES >> 20);
	row("pread", rd, brd, "MB/s");
	row("pwrite", wr, bwr, "MB/s");
	close(mfd);
	vc_vfio_close(&v);
	return 0;
}
