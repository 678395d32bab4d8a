// SPDX-License-Identifier: GPL-2.0-only
/*
 * vc-bench: map and first-touch cost of a vfio-coherent aperture against
 * anonymous THP memory; its read/write throughput per call size against
 * memcpy through its own mapping and against a memfd; and the cost of
 * DMA-mapping all of it as a VMM does at start, through type1 and iommufd,
 * against the same mapping made of 4 KiB ptes only. All measured in the
 * same run. Prints tables; judges nothing.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>

#include "vc_bench.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define REGION_OFF(bar)	((off_t)(bar) << 40)

struct cost {
	double mmap_us, touch_ms;
	long faults, pte_kb;
};

static int measure(int fd, off_t off, size_t len, struct cost *c)
{
	int flags = fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED;
	long pte0 = vc_vmpte(), flt0;
	void *hole = vc_aligned_hole(len, 1UL << 30);
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

/* @base < 0: no baseline could be measured. */
static void row(const char *what, double ours, double base, const char *unit)
{
	if (base < 0)
		printf("  %-26s %12.1f %12s %8s  %s\n", what, ours, "n/a", "", unit);
	else
		printf("  %-26s %12.1f %12.1f %8.2f  %s\n", what, ours, base,
		       base ? ours / base : 0.0, unit);
}

static void rw_row(const char *what, size_t n, double ours, double base)
{
	char name[64];

	snprintf(name, sizeof(name), "%s, %zu KiB calls", what, n >> 10);
	row(name, ours, base, "MB/s");
}

/* pread/pwrite per call size, against memcpy through the mapping, and a memfd. */
static void rw_table(struct vc_vfio *v)
{
	struct vc_rw ours, copy, memfd;
	unsigned int i;
	char *map;
	int mfd;

	map = mmap(vc_aligned_hole(VC_RW_BYTES, 1UL << 30), VC_RW_BYTES,
		   PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, v->device,
		   REGION_OFF(VC_USEMEM_BAR));
	mfd = memfd_create("vc-bench", 0);
	if (map == MAP_FAILED || mfd < 0 || ftruncate(mfd, VC_RW_BYTES)) {
		printf("vc-bench: no read/write baseline\n");
		if (map != MAP_FAILED)
			munmap(map, VC_RW_BYTES);
		if (mfd >= 0)
			close(mfd);
		return;
	}
	vc_rw_speed(v->device, REGION_OFF(VC_USEMEM_BAR), &ours);
	vc_memcpy_speed(map, &copy);
	vc_rw_speed(mfd, 0, &memfd);
	munmap(map, VC_RW_BYTES);
	close(mfd);

	printf(" pread/pwrite, %lu MiB per call size %s\n", VC_RW_BYTES >> 20,
	       "(baseline: memcpy through the aperture's mapping)");
	for (i = 0; i < VC_RW_NR; i++)
		rw_row("pread", vc_rw_sizes[i], ours.rd[i], copy.rd[i]);
	for (i = 0; i < VC_RW_NR; i++)
		rw_row("pwrite", vc_rw_sizes[i], ours.wr[i], copy.wr[i]);
	printf(" the same, baseline: a memfd\n");
	for (i = 0; i < VC_RW_NR; i++)
		rw_row("pread", vc_rw_sizes[i], ours.rd[i], memfd.rd[i]);
	for (i = 0; i < VC_RW_NR; i++)
		rw_row("pwrite", vc_rw_sizes[i], ours.wr[i], memfd.wr[i]);
}

static void dma_row(const char *what, struct vc_dma_cost *c)
{
	printf("  %-40s %10.3f s  %s\n", what, c->secs,
	       c->err ? strerror(-c->err) : "mapped");
}

/*
 * DMA-map all of usemem's mapping: the largest blocks (its address 1 GiB
 * aligned, as the memory is), then ptes only (a page off), through type1;
 * then through iommufd. Closes @v.
 */
static void dma_table(struct vc_vfio *v)
{
	size_t len = VC_USEMEM_SIZE;
	struct vc_dma_cost blocks, ptes, ioas;
	char *hole, *map;

	hole = vc_aligned_hole(len + (2UL << 20), 1UL << 30);
	map = mmap(hole, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		   v->device, REGION_OFF(VC_USEMEM_BAR));
	if (map == MAP_FAILED)
		return;
	vc_dma_map_cost(v, map, len, &blocks);
	munmap(map, len);
	map = mmap(hole + vc_page_size(), len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		   v->device, REGION_OFF(VC_USEMEM_BAR));
	if (map == MAP_FAILED)
		return;
	vc_dma_map_cost(v, map, len, &ptes);
	munmap(map, len);
	vc_vfio_close(v);

	ioas.err = -ENODEV;
	setenv("VC_VFIO_API", "cdev", 1);
	if (!vc_vfio_open(VC_DEV_GOOD, v)) {
		map = mmap(hole, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			   v->device, REGION_OFF(VC_USEMEM_BAR));
		if (map != MAP_FAILED) {
			vc_dma_map_cost(v, map, len, &ioas);
			munmap(map, len);
		}
		vc_vfio_close(v);
	}
	printf(" DMA map of all of usemem (%zu MiB), as a VMM does at start\n", len >> 20);
	dma_row("type1, largest blocks", &blocks);
	dma_row("type1, ptes only (a walk per page)", &ptes);
	printf("  %-40s %10.1f x\n", "blocks vs ptes", blocks.secs ? ptes.secs / blocks.secs : 0);
	dma_row("iommufd IOAS_MAP, largest blocks", &ioas);
}

int main(void)
{
	static const size_t sizes[] = { 1UL << 30, 4UL << 30 };
	struct cost a, b;
	struct vc_vfio v;
	unsigned int i;
	__u16 cmd;

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

	rw_table(&v);
	dma_table(&v);
	return 0;
}
