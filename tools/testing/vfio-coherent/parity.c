// SPDX-License-Identifier: GPL-2.0-only
/*
 * vc-parity: the same emulated Grace Hopper GPU bound in turn to
 * vfio-coherent's nvgrace backend and to the in-tree nvgrace-gpu-vfio-pci
 * driver; prints what each exposes side by side. "vc-parity bench" also
 * measures, with each driver: mapping the whole usemem aperture, read/write
 * throughput per call size (best of eight runs, the drivers alternating)
 * against memcpy through the aperture's mapping,
 * and DMA-mapping all of usemem as a VMM does at start (type1, iommufd).
 * "vc-parity rw" measures read/write alone, without the memcpy baseline:
 * a quick look at a change of the read/write path. Prints; judges nothing.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <linux/pci_regs.h>

#include "vc_bench.h"

#define REGION_OFF(i)	((off_t)(i) << 40)
#define CFG		REGION_OFF(VFIO_PCI_CONFIG_REGION_INDEX)
#define NR_BARS		6

static const char *const drivers[] = { VC_NVGRACE_DRIVER, VC_NVGRACE_PEER };

struct layout {
	__u64 size[NR_BARS], sparse[NR_BARS];
	__u32 flags[NR_BARS], sized[NR_BARS];
	double mmap_ms, touch_ms;
	long faults, pte_kb;
	struct vc_rw rw, copy;
	struct vc_dma_cost type1, ioas;
};

static __u64 sparse_of(struct vfio_region_info *info)
{
	struct vfio_info_cap_header *hdr;
	__u32 off = info->cap_offset;

	while (off) {
		hdr = (void *)info + off;
		if (hdr->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP)
			return ((struct vfio_region_info_cap_sparse_mmap *)hdr)->areas[0].size;
		off = hdr->next;
	}
	return 0;
}

static void read_layout(int d, struct layout *l)
{
	char buf[512];
	struct vfio_region_info *info = (void *)buf;
	__u32 ones = 0xffffffff;
	unsigned int i;

	for (i = 0; i < NR_BARS; i++) {
		memset(buf, 0, sizeof(buf));
		info->argsz = sizeof(buf);
		info->index = i;
		if (ioctl(d, VFIO_DEVICE_GET_REGION_INFO, info))
			continue;
		l->size[i] = info->size;
		l->flags[i] = info->flags;
		l->sparse[i] = sparse_of(info);
		pwrite(d, &ones, 4, CFG + PCI_BASE_ADDRESS_0 + 4 * i);
		pread(d, &l->sized[i], 4, CFG + PCI_BASE_ADDRESS_0 + 4 * i);
	}
}

/*
 * Map all of usemem and touch every page; read/write throughput against
 * memcpy through the mapping; a type1 DMA map of all of it.
 */
static void bench(struct vc_vfio *v, struct layout *l)
{
	size_t len = VC_GPU_USEMEM_SIZE, i;
	long pte0 = vc_vmpte(), flt0;
	int d = v->device;
	__u16 cmd;
	char *p;
	double t0;

	pread(d, &cmd, 2, CFG + PCI_COMMAND);
	cmd |= PCI_COMMAND_MEMORY;
	pwrite(d, &cmd, 2, CFG + PCI_COMMAND);

	t0 = vc_now();
	p = mmap(vc_aligned_hole(len, 1UL << 30), len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, d, REGION_OFF(4));
	l->mmap_ms = (vc_now() - t0) * 1e3;
	if (p == MAP_FAILED)
		return;
	flt0 = vc_minflt();
	t0 = vc_now();
	for (i = 0; i < len; i += 4096)
		vc_poke(&p[i], (unsigned char)i);
	l->touch_ms = (vc_now() - t0) * 1e3;
	l->faults = vc_minflt() - flt0;
	l->pte_kb = vc_vmpte() - pte0;
	vc_memcpy_speed(p, &l->copy);
	munmap(p, len);

	p = mmap(vc_aligned_hole(len, 1UL << 30), len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, d, REGION_OFF(4));
	if (p == MAP_FAILED)
		return;
	vc_dma_map_cost(v, p, len, &l->type1);
	munmap(p, len);
}

/* Keep the better figure of each call size. */
static void rw_best(struct vc_rw *best, const struct vc_rw *r)
{
	unsigned int i;

	for (i = 0; i < VC_RW_NR; i++) {
		if (r->rd[i] > best->rd[i])
			best->rd[i] = r->rd[i];
		if (r->wr[i] > best->wr[i])
			best->wr[i] = r->wr[i];
	}
}

/*
 * Read/write throughput with each driver, the drivers alternating (each
 * first in half of the rounds), best of RW_ROUNDS: under TCG one run can
 * be up to twice as slow as the next, for both drivers alike, so one run
 * each compares noise.
 */
#define RW_ROUNDS	8

static int bench_rw(struct layout *l)
{
	struct vc_vfio v;
	struct vc_rw r;
	unsigned int i, j, round;

	for (round = 0; round < RW_ROUNDS; round++) {
		/* Each driver goes first in half of the rounds. */
		for (j = 0; j < 2; j++) {
			i = j ^ (round & 1);
			if (vc_bind(VC_ACPI_GPU, drivers[i]) || vc_vfio_open(VC_ACPI_GPU, &v))
				return -1;
			vc_set_memory(v.device, 1);
			vc_rw_speed(v.device, REGION_OFF(4), &r);
			rw_best(&l[i].rw, &r);
			vc_vfio_close(&v);
		}
	}
	return 0;
}

/* An IOAS_MAP of all of usemem through the cdev API. */
static void bench_iommufd(struct layout *l)
{
	size_t len = VC_GPU_USEMEM_SIZE;
	struct vc_vfio v;
	char *p;

	l->ioas.err = -ENODEV;
	setenv("VC_VFIO_API", "cdev", 1);
	if (!vc_vfio_open(VC_ACPI_GPU, &v)) {
		p = mmap(vc_aligned_hole(len, 1UL << 30), len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, v.device, REGION_OFF(4));
		if (p != MAP_FAILED) {
			vc_dma_map_cost(&v, p, len, &l->ioas);
			munmap(p, len);
		}
		vc_vfio_close(&v);
	}
	unsetenv("VC_VFIO_API");
}

static const char *flagstr(__u32 f)
{
	static char s[8][16];
	static int n;
	char *b = s[n++ % 8];

	snprintf(b, 16, "%s%s%s%s", f & VFIO_REGION_INFO_FLAG_READ ? "r" : "-",
		 f & VFIO_REGION_INFO_FLAG_WRITE ? "w" : "-",
		 f & VFIO_REGION_INFO_FLAG_MMAP ? "m" : "-",
		 f & VFIO_REGION_INFO_FLAG_CAPS ? "c" : "-");
	return b;
}

static void row(const char *name, double ours, double peer, const char *unit)
{
	printf("  %-24s %12.1f %12.1f %8.3f  %s\n", name, ours, peer,
	       peer ? ours / peer : 0.0, unit);
}

/* Ours, in-tree and memcpy through our mapping, with both ratios. */
static void rw_row(const char *what, size_t n, double ours, double peer, double copy)
{
	char name[64];

	snprintf(name, sizeof(name), "%s, %zu KiB calls", what, n >> 10);
	printf("  %-24s %10.1f %10.1f %10.1f %12.2f %12.2f  MB/s\n", name, ours, peer,
	       copy, copy > 0 ? ours / copy : 0.0, peer > 0 ? ours / peer : 0.0);
}

/* The read/write table; memcpy figures are 0 when not measured ("rw"). */
static void print_rw(struct layout *l)
{
	unsigned int i;

	printf("\nvc-parity bench: pread/pwrite, %lu MiB per call size, best of %d %s\n",
	       VC_RW_BYTES >> 20, RW_ROUNDS, "alternating runs; memcpy through our mapping");
	printf("  %-24s %10s %10s %10s %12s %12s\n", "", "ours", "in-tree", "memcpy",
	       "ours/memcpy", "ours/in-tree");
	for (i = 0; i < VC_RW_NR; i++)
		rw_row("pread", vc_rw_sizes[i], l[0].rw.rd[i], l[1].rw.rd[i], l[0].copy.rd[i]);
	for (i = 0; i < VC_RW_NR; i++)
		rw_row("pwrite", vc_rw_sizes[i], l[0].rw.wr[i], l[1].rw.wr[i], l[0].copy.wr[i]);
	printf("  (memcpy through the in-tree driver's mapping:");
	for (i = 0; i < VC_RW_NR; i++)
		printf(" %.0f/%.0f", l[1].copy.rd[i], l[1].copy.wr[i]);
	printf(" MB/s read/write)\n");
}

static void dma_row(const char *what, struct vc_dma_cost *a, struct vc_dma_cost *b)
{
	printf("  %-24s %9.3f s %-12s %9.3f s %-12s %8.1f\n", what,
	       a->secs, a->err ? strerror(-a->err) : "mapped", b->secs,
	       b->err ? strerror(-b->err) : "mapped", a->secs ? b->secs / a->secs : 0.0);
}

int main(int argc, char **argv)
{
	int do_bench = argc > 1 && !strcmp(argv[1], "bench");
	int do_rw = argc > 1 && !strcmp(argv[1], "rw");
	struct layout l[2] = {};
	struct vc_vfio v;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (vc_bind(VC_ACPI_GPU, drivers[i]) || vc_vfio_open(VC_ACPI_GPU, &v)) {
			printf("vc-parity: cannot bind %s to %s\n", VC_ACPI_GPU, drivers[i]);
			return 1;
		}
		read_layout(v.device, &l[i]);
		if (do_bench)
			bench(&v, &l[i]);
		vc_vfio_close(&v);
		if (do_bench)
			bench_iommufd(&l[i]);
	}

	printf("\nvc-parity: %s, %s vs %s\n", VC_ACPI_GPU, drivers[0], drivers[1]);
	printf("  %-4s | %-12s %-5s %-12s %-10s | %-12s %-5s %-12s %-10s\n", "BAR",
	       "size", "flags", "mmappable", "sized", "size", "flags", "mmappable", "sized");
	for (i = 0; i < NR_BARS; i++) {
		if (!l[0].size[i] && !l[1].size[i])
			continue;
		printf("  %-4u | %#-12llx %-5s %#-12llx %#-10x | %#-12llx %-5s %#-12llx %#-10x%s\n",
		       i, l[0].size[i], flagstr(l[0].flags[i]), l[0].sparse[i], l[0].sized[i],
		       l[1].size[i], flagstr(l[1].flags[i]), l[1].sparse[i], l[1].sized[i],
		       memcmp(&l[0].size[i], &l[1].size[i], sizeof(__u64)) ||
		       l[0].flags[i] != l[1].flags[i] || l[0].sparse[i] != l[1].sparse[i] ||
		       l[0].sized[i] != l[1].sized[i] ? "  <- differs" : "");
	}
	if (!do_bench && !do_rw)
		return 0;
	if (bench_rw(l)) {
		printf("vc-parity: cannot bind %s for read/write\n", VC_ACPI_GPU);
		return 1;
	}
	if (do_rw) {
		print_rw(l);
		return 0;
	}

	printf("\nvc-parity bench: all of usemem (%llu MiB), mmap + touch every 4 KiB\n",
	       VC_GPU_USEMEM_SIZE >> 20);
	printf("  %-24s %12s %12s %8s\n", "", "vfio-coherent", "in-tree", "ratio");
	row("mmap", l[0].mmap_ms, l[1].mmap_ms, "ms");
	row("first touch", l[0].touch_ms, l[1].touch_ms, "ms");
	row("page faults", l[0].faults, l[1].faults, "");
	row("page-table memory", l[0].pte_kb, l[1].pte_kb, "KiB");
	print_rw(l);

	printf("\nvc-parity bench: DMA map of all of usemem (%llu MiB), as a VMM does at start\n",
	       VC_GPU_USEMEM_SIZE >> 20);
	printf("  %-24s %-20s %-20s %8s\n", "", "vfio-coherent", "in-tree", "in-tree/ours");
	dma_row("type1 MAP_DMA", &l[0].type1, &l[1].type1);
	dma_row("iommufd IOAS_MAP", &l[0].ioas, &l[1].ioas);
	return 0;
}
