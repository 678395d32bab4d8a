/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Measurements shared by vc-bench and vc-parity: read/write throughput per
 * call size against memcpy through the aperture's own mapping, and the cost
 * of DMA-mapping an aperture as a VMM does at start. Each prints nothing.
 */
#ifndef VC_BENCH_H
#define VC_BENCH_H

#include <stdint.h>
#include <sys/mman.h>

#include "../selftests/vfio_coherent/vc_util.h"

#define VC_RW_NR	4
#define VC_RW_BYTES	(64UL << 20)	/* per call size and direction */

static const size_t vc_rw_sizes[VC_RW_NR] = { 4096, 65536, 1UL << 20, 16UL << 20 };

/* MB/s per call size; rd/wr < 0 when a call failed. */
struct vc_rw {
	double rd[VC_RW_NR], wr[VC_RW_NR];
};

/* A buffer of the largest call size, its pages present. */
static inline char *vc_rw_buffer(void)
{
	static char *buf;

	if (!buf) {
		buf = mmap(NULL, 16UL << 20, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (buf == MAP_FAILED)
			buf = NULL;
		else
			memset(buf, 0x5a, 16UL << 20);
	}
	return buf;
}

/* pread/pwrite of VC_RW_BYTES from @off of @fd at each call size. */
static inline void vc_rw_speed(int fd, off_t off, struct vc_rw *r)
{
	char *buf = vc_rw_buffer();
	size_t done, n;
	unsigned int i;
	double t0;

	for (i = 0; i < VC_RW_NR; i++) {
		n = vc_rw_sizes[i];
		t0 = vc_now();
		for (done = 0; done < VC_RW_BYTES; done += n)
			if (!buf || pwrite(fd, buf, n, off + done) != (ssize_t)n)
				break;
		r->wr[i] = done < VC_RW_BYTES ? -1 : done / (vc_now() - t0) / 1e6;
		t0 = vc_now();
		for (done = 0; done < VC_RW_BYTES; done += n)
			if (!buf || pread(fd, buf, n, off + done) != (ssize_t)n)
				break;
		r->rd[i] = done < VC_RW_BYTES ? -1 : done / (vc_now() - t0) / 1e6;
	}
}

/*
 * The same bytes copied user-to-user through the aperture's mapping @map
 * (VC_RW_BYTES of it, its pages faulted in first): memcpy out of it is
 * the read baseline, into it the write baseline.
 */
static inline void vc_memcpy_speed(char *map, struct vc_rw *r)
{
	char *buf = vc_rw_buffer();
	size_t done, n;
	unsigned int i;
	double t0;

	for (done = 0; done < VC_RW_BYTES; done += 4096)
		vc_poke(map + done, vc_peek(map + done));
	for (i = 0; i < VC_RW_NR; i++) {
		n = vc_rw_sizes[i];
		t0 = vc_now();
		for (done = 0; done < VC_RW_BYTES; done += n)
			memcpy(map + done, buf, n);
		r->wr[i] = done / (vc_now() - t0) / 1e6;
		t0 = vc_now();
		for (done = 0; done < VC_RW_BYTES; done += n)
			memcpy(buf, map + done, n);
		r->rd[i] = done / (vc_now() - t0) / 1e6;
	}
}

/*
 * What one DMA map of an aperture mapping cost. The page-table lookups it
 * made are counted by the region test, not here: a kprobe hit is a trap,
 * and would be most of the time of a walk per page.
 */
struct vc_dma_cost {
	double secs;
	int err;	/* 0 or the map's -errno */
};

/* Time vc_dma_map() of @len of @map (then unmap it). */
static inline void vc_dma_map_cost(struct vc_vfio *v, void *map, size_t len,
				   struct vc_dma_cost *c)
{
	double t0 = vc_now();

	c->err = vc_dma_map(v, map, len, 1ULL << 40);
	c->secs = vc_now() - t0;
	if (!c->err)
		vc_dma_unmap(v, 1ULL << 40, len);
}

/* An address aligned to @align, @len long, that nothing is mapped at. */
static inline void *vc_aligned_hole(size_t len, size_t align)
{
	char *area = mmap(NULL, len + align, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t at;

	if (area == MAP_FAILED)
		return NULL;
	at = ((uintptr_t)area + align - 1) & ~(uintptr_t)(align - 1);
	munmap(area, len + align);
	return (void *)at;
}

#endif
