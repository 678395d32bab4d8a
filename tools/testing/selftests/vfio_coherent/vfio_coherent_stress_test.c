// SPDX-License-Identifier: GPL-2.0-only
/*
 * Concurrent stress of a vfio-coherent function through the VFIO API: N
 * threads (8 by default) run random operations on every aperture of one
 * function, seeded and bounded by an operation count and a wall time, while
 * the invariants below are counted:
 *
 *   own-data	data a thread owns reads back the same through the other
 *		path (pwrite then the mapping, the mapping then pread, a
 *		forked child, a second device fd)
 *   failed-page	a page failed before an access began never reads
 *   faults	SIGBUS or -EIO only while memory is disabled, in reset or
 *		low power, or on a failed page
 *   errno	every errno in the operation's allow-list
 *   disabled	with memory decoding off, access fails (the control that
 *		the faults invariant can see a failure at all)
 *   bar-size	sizing a virtual BAR reads back its size and flags
 *   info	region info, any argsz: the size or -EINVAL
 *
 * and no operation hangs: a watchdog fails the run if a thread is still
 * busy a minute after the wall time. Kernel reports (KASAN, lockdep,
 * DEBUG_VM) are the runner's to find in the console.
 *
 * Environment (defaults: the devicetree machine of vc_machine.h):
 *   VC_STRESS_DEV	function (0000:01:00.0)
 *   VC_STRESS_MEM	apertures, BAR:physical base,... (4:0x100000000,2:0x200000000)
 *   VC_STRESS_FN1	the other function of the bus-reset domain, for hot
 *			reset (none)
 *   VC_STRESS_SEED, VC_STRESS_THREADS, VC_STRESS_OPS (per thread),
 *   VC_STRESS_SECS (20), VC_STRESS_POISON (pages to fail, 4),
 *   VC_STRESS_ONLY=op,op... (run only these, to narrow a finding down)
 *   VC_STRESS_REPORT=1	print the figures, judge nothing (a peer driver)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <linux/pci_regs.h>

#include "../kselftest_harness.h"
#include "vc_poison.h"

#define REGION_OFF(bar)	((off_t)(bar) << 40)
#define CFG_OFF		REGION_OFF(VFIO_PCI_CONFIG_REGION_INDEX)
#define MAX_THREADS	16
#define MAX_APS		4
#define OWN_PAGES	4		/* per thread and aperture */
#define POISON_FIRST	(MAX_THREADS * OWN_PAGES)
#define POISON_PAGES	8
#define SHARED_FIRST	(POISON_FIRST + POISON_PAGES)
#define WINDOW_MAX	(64UL << 20)
#define MAX_ERRNO	134

enum stress_op {
	OP_RW_OWN, OP_MAP_OWN, OP_RW_RANDOM, OP_TOUCH, OP_MAP_CYCLE, OP_MPROTECT,
	OP_MREMAP, OP_MADVISE, OP_FORK, OP_BAR_SIZING, OP_INFO, OP_REOPEN,
	OP_MEM_TOGGLE, OP_RESET, OP_FLR, OP_SYSFS_RESET, OP_HOT_RESET, OP_PMCSR,
	OP_LOW_POWER, OP_POISON, NR_OPS
};

static const char * const op_name[NR_OPS] = {
	"rw-own", "map-own", "rw-random", "touch", "map-cycle", "mprotect",
	"mremap", "madvise", "fork", "bar-sizing", "region-info", "reopen",
	"memory-toggle", "device-reset", "flr", "sysfs-reset", "hot-reset",
	"pmcsr-d3", "low-power", "poison",
};

/* How often each operation is picked, out of the sum. */
static const unsigned int op_weight[NR_OPS] = {
	[OP_RW_OWN] = 20, [OP_MAP_OWN] = 20, [OP_RW_RANDOM] = 20, [OP_TOUCH] = 20,
	[OP_MAP_CYCLE] = 6, [OP_MPROTECT] = 4, [OP_MREMAP] = 4, [OP_MADVISE] = 4,
	[OP_FORK] = 1, [OP_BAR_SIZING] = 3, [OP_INFO] = 6, [OP_REOPEN] = 2,
	[OP_MEM_TOGGLE] = 1, [OP_RESET] = 1, [OP_FLR] = 1, [OP_SYSFS_RESET] = 1,
	[OP_HOT_RESET] = 1, [OP_PMCSR] = 1, [OP_LOW_POWER] = 1, [OP_POISON] = 1,
};

enum inv { INV_OWN, INV_POISON, INV_FAULTS, INV_ERRNO, INV_DISABLED,
	   INV_BAR, INV_INFO, NR_INVS };

static const char * const inv_name[NR_INVS] = {
	"own-data", "failed-page", "faults", "errno", "disabled", "bar-size", "info",
};

struct aperture {
	int bar;
	unsigned long long phys;
	atomic_int next_poison;
	__u64 region;		/* region size */
	__u64 mem;		/* memory behind it (sparse area) */
	__u64 window;		/* the part the stress uses */
	/* poison[k]: 0 good, 1 being failed, 2 failed */
	atomic_int poison[POISON_PAGES];
};

struct opstat {
	atomic_long done;
	atomic_long ok;
	atomic_long sigbus;
	atomic_long err[MAX_ERRNO];
};

static struct {
	const char *bdf, *fn1_bdf;
	int report;
	struct vc_vfio v, v1;
	int fn1;
	int pm;			/* PM capability offset */
	int exp;		/* PCI Express capability offset */
	struct aperture ap[MAX_APS];
	int nr_aps;
	long page;
	int threads;
	long ops;
	double deadline;
	int poison_budget;
	atomic_int poisons;
	/* Odd while a disruption (memory off, reset, low power) is going on. */
	atomic_ulong seq;
	pthread_mutex_t disrupt;
	struct opstat stat[NR_OPS];
	atomic_long checks[NR_INVS], bad[NR_INVS];
	atomic_int busy[MAX_THREADS];	/* the op a thread is in, -1 idle */
} g;

struct worker {
	int id;
	unsigned int seed;
	unsigned char *map[MAX_APS];	/* the whole window, kept */
	__u64 token[MAX_APS][OWN_PAGES];
	pthread_t thread;
	long done;
	unsigned char *buf;	/* 1 MiB for read/write */
};

static atomic_long sigbus_ao;
/* The operation a thread is in, for a crash report (-1: setup). */
static __thread int t_op = -1;

/*
 * SIGBUS in a worker: back to where it touched, with the code. Written
 * and read with __atomic builtins: the handler interrupts this thread.
 */
static __thread sigjmp_buf t_jump;
static __thread int t_armed;
static __thread int t_code;

/* A crash of the test itself: say where, for the log. */
static void on_sigsegv(int sig, siginfo_t *si, void *uc)
{
	char msg[128];
	int n = snprintf(msg, sizeof(msg), "# SIGSEGV code %d at %p in %s\n",
			 si->si_code, si->si_addr, t_op >= 0 ? op_name[t_op] : "setup");

	write(2, msg, n);
	signal(SIGABRT, SIG_DFL);
	abort();
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	/* Early kill: a report that a mapped page failed, not an access. */
	if (si->si_code == BUS_MCEERR_AO) {
		atomic_fetch_add(&sigbus_ao, 1);
		return;
	}
	if (!__atomic_load_n(&t_armed, __ATOMIC_SEQ_CST)) {
		/* Not a guarded access: nothing to return to. */
		char msg[128];
		int n = snprintf(msg, sizeof(msg), "# unexpected SIGBUS code %d at %p in %s\n",
				 si->si_code, si->si_addr, t_op >= 0 ? op_name[t_op] : "setup");

		write(2, msg, n);
		signal(SIGABRT, SIG_DFL);
		abort();
	}
	__atomic_store_n(&t_code, si->si_code, __ATOMIC_SEQ_CST);
	__atomic_store_n(&t_armed, 0, __ATOMIC_SEQ_CST);
	siglongjmp(t_jump, 1);
}

/* 0 if the 8-byte access at @p worked, else the SIGBUS si_code. */
static int guarded(__u64 *p, __u64 *val, int write)
{
	if (sigsetjmp(t_jump, 1))
		return __atomic_load_n(&t_code, __ATOMIC_SEQ_CST) ?: -1;
	__atomic_store_n(&t_armed, 1, __ATOMIC_SEQ_CST);
	if (write)
		__atomic_store_n(p, *val, __ATOMIC_RELAXED);
	else
		*val = __atomic_load_n(p, __ATOMIC_RELAXED);
	__atomic_store_n(&t_armed, 0, __ATOMIC_SEQ_CST);
	return 0;
}

static unsigned int rnd(struct worker *w, unsigned int n)
{
	return n ? rand_r(&w->seed) % n : 0;
}

static __u64 rnd64(struct worker *w)
{
	return ((__u64)rand_r(&w->seed) << 33) ^ ((__u64)rand_r(&w->seed) << 11) ^
	       rand_r(&w->seed);
}

static void check(enum inv i, int good, const char *fmt, ...)
{
	va_list ap;

	atomic_fetch_add(&g.checks[i], 1);
	if (good)
		return;
	if (atomic_fetch_add(&g.bad[i], 1) < 5) {
		va_start(ap, fmt);
		printf("# %s violated: ", inv_name[i]);
		vprintf(fmt, ap);
		printf("\n");
		va_end(ap);
	}
}

/* Errnos each operation may end with; anything else is a finding. */
static int allowed(enum stress_op op, int err)
{
	switch (op) {
	case OP_RW_OWN: case OP_MAP_OWN: case OP_TOUCH: case OP_FORK:
	case OP_REOPEN:
		return err == EIO;
	case OP_RW_RANDOM:
		return err == EIO || err == EINVAL;
	case OP_MREMAP:		/* growing a VM_DONTEXPAND mapping */
		return err == EFAULT;
	case OP_MADVISE:
		/*
		 * Advice for LRU or anonymous pages on a VM_PFNMAP mapping;
		 * MADV_REMOVE on a file that is not a regular one.
		 */
		return err == EINVAL || err == ENODEV;
	case OP_INFO:
		return err == EINVAL;
	case OP_HOT_RESET:
		/* A function's memory_lock held by a fault or read: trylock. */
		return err == EBUSY;
	default:
		return 0;
	}
}

static void account(struct worker *w, enum stress_op op, int err)
{
	struct opstat *s = &g.stat[op];

	atomic_fetch_add(&s->done, 1);
	if (!err) {
		atomic_fetch_add(&s->ok, 1);
		return;
	}
	if (err < 0) {		/* SIGBUS */
		atomic_fetch_add(&s->sigbus, 1);
		return;
	}
	atomic_fetch_add(&s->err[err < MAX_ERRNO ? err : 0], 1);
	check(INV_ERRNO, allowed(op, err), "thread %d %s: %s", w->id, op_name[op],
	      strerror(err));
}

static unsigned long seq_begin(void)
{
	return atomic_load(&g.seq);
}

/* Whether a disruption overlapped the span that began at @s. */
static int disrupted(unsigned long s)
{
	return (s & 1) || atomic_load(&g.seq) != s;
}

/* Whether [off, off + len) of @a holds a page being failed or failed. */
static int poison_in(struct aperture *a, __u64 off, __u64 len, int state)
{
	__u64 first = POISON_FIRST * g.page, end = off + len;
	int k;

	for (k = 0; k < POISON_PAGES; k++) {
		__u64 p = first + k * g.page;

		if (p < end && off < p + g.page && atomic_load(&a->poison[k]) >= state)
			return 1;
	}
	return 0;
}

static __u64 own_off(struct worker *w, int k)
{
	return ((__u64)w->id * OWN_PAGES + k) * g.page;
}

/*
 * The faults invariant for a failed access of [off, off + len) of @a that
 * began at @s: a disruption or a failed page must explain it.
 */
static void failure_explained(struct worker *w, enum stress_op op, struct aperture *a,
			      __u64 off, __u64 len, unsigned long s, int err)
{
	check(INV_FAULTS, disrupted(s) || poison_in(a, off, len, 1),
	      "thread %d %s: %s at BAR %d offset %#llx+%#llx, memory on, no failed page",
	      w->id, op_name[op], err < 0 ? "SIGBUS" : strerror(err), a->bar,
	      (unsigned long long)off, (unsigned long long)len);
}

/* pread/pwrite of @len bytes: 0, the errno, or EPROTO for a short count. */
static int pio_n(int fd, void *buf, size_t len, off_t off, int write, size_t expect)
{
	ssize_t n = write ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);

	if (n == (ssize_t)expect)
		return 0;
	return n < 0 ? errno : EPROTO;
}

static int pio(int fd, void *buf, size_t len, off_t off, int write)
{
	return pio_n(fd, buf, len, off, write, len);
}

/* pwrite a new token to an owned page, read it through the mapping. */
static void op_rw_own(struct worker *w, int ai, enum stress_op op)
{
	struct aperture *a = &g.ap[ai];
	int k = rnd(w, OWN_PAGES), err, code;
	__u64 off = own_off(w, k), val = rnd64(w), got = 0;
	unsigned long s = seq_begin();

	err = pio(g.v.device, &val, 8, REGION_OFF(a->bar) + off, 1);
	if (err) {
		account(w, OP_RW_OWN, err);
		if (err == EIO)
			failure_explained(w, OP_RW_OWN, a, off, 8, s, err);
		return;
	}
	w->token[ai][k] = val;
	code = guarded((__u64 *)(w->map[ai] + off), &got, 0);
	account(w, OP_RW_OWN, code ? -1 : 0);
	if (code) {
		failure_explained(w, OP_RW_OWN, a, off, 8, s, -1);
		return;
	}
	check(INV_OWN, got == val,
	      "thread %d: BAR %d page %d wrote %#llx by pwrite, mapping reads %#llx", w->id,
	      a->bar, k, (unsigned long long)val, (unsigned long long)got);
}

/* Store a new token through the mapping, pread it back. */
static void op_map_own(struct worker *w, int ai, enum stress_op op)
{
	struct aperture *a = &g.ap[ai];
	int k = rnd(w, OWN_PAGES), err, code;
	__u64 off = own_off(w, k), val = rnd64(w), got = 0;
	unsigned long s = seq_begin();

	code = guarded((__u64 *)(w->map[ai] + off), &val, 1);
	if (code) {
		account(w, OP_MAP_OWN, -1);
		failure_explained(w, OP_MAP_OWN, a, off, 8, s, -1);
		return;
	}
	w->token[ai][k] = val;
	err = pio(g.v.device, &got, 8, REGION_OFF(a->bar) + off, 0);
	account(w, OP_MAP_OWN, err);
	if (err) {
		if (err == EIO)
			failure_explained(w, OP_MAP_OWN, a, off, 8, s, err);
		return;
	}
	check(INV_OWN, got == val, "thread %d: BAR %d page %d stored %#llx, pread reads %#llx",
	      w->id, a->bar, k, (unsigned long long)val, (unsigned long long)got);
}

/*
 * read/write anywhere: reads over the whole region and past it, writes
 * only where nobody keeps data (the shared part, past the memory, past the
 * region).
 */
static void op_rw_random(struct worker *w, int ai, enum stress_op op)
{
	struct aperture *a = &g.ap[ai];
	int write = rnd(w, 2), err, before;
	__u64 off, len = 1 + rnd(w, rnd(w, 4) ? 4096 : 1 << 20);
	unsigned char *buf = w->buf;
	unsigned long s;

	switch (rnd(w, 8)) {
	case 0:		/* past the memory */
		off = a->mem + rnd(w, a->region - a->mem + 1);
		break;
	case 1:		/* at or past the end of the region */
		off = a->region - rnd(w, 8192) + rnd(w, 16384);
		break;
	default:
		off = write ? SHARED_FIRST * g.page : 0;
		off += rnd64(w) % (a->window - off);
		break;
	}
	/* Within the memory, writes stay in the shared part of the window. */
	if (write && off < a->mem) {
		__u64 first = SHARED_FIRST * g.page;

		if (off < first || off >= a->window)
			off = first + off % (a->window - first);
		if (len > a->window - off)
			len = a->window - off;
	}
	if (write)
		memset(buf, w->id, len);
	before = poison_in(a, off, len, 2);
	s = seq_begin();
	/* Clipped at the end of the region, refused at or past it. */
	err = pio_n(g.v.device, buf, len, REGION_OFF(a->bar) + off, write,
		    off < a->region ? (len < a->region - off ? len : a->region - off) : 0);
	account(w, OP_RW_RANDOM, err);
	if (off >= a->region)
		check(INV_ERRNO, err == EINVAL,
		      "thread %d: %s at BAR %d %#llx, past the region: %s", w->id,
		      write ? "pwrite" : "pread", a->bar, (unsigned long long)off, strerror(err));
	if (off + len <= a->mem && off < a->mem) {
		if (!err)
			check(INV_POISON, !before || write,
			      "thread %d: read of BAR %d %#llx+%#llx covers a failed page and worked",
			      w->id, a->bar, (unsigned long long)off, (unsigned long long)len);
		else if (err == EIO)
			failure_explained(w, OP_RW_RANDOM, a, off, len, s, err);
	}
	if (!err && !write && off >= a->mem && off + len <= a->region) {
		__u64 i;

		for (i = 0; i < len && buf[i] == 0xff; i++)
			;
		check(INV_OWN, i == len, "thread %d: BAR %d past the memory reads %#x at %#llx",
		      w->id, a->bar, buf[i], (unsigned long long)(off + i));
	}
}

/* A guarded read of an owned page, a failed page or a shared page. */
static void op_touch(struct worker *w, int ai, enum stress_op op)
{
	struct aperture *a = &g.ap[ai];
	__u64 off, got = 0;
	int k, code, before, owned = 0;
	unsigned long s;

	switch (rnd(w, 3)) {
	case 0:
		k = rnd(w, OWN_PAGES);
		off = own_off(w, k);
		owned = 1;
		break;
	case 1:
		off = (POISON_FIRST + rnd(w, POISON_PAGES)) * g.page;
		break;
	default:
		off = (SHARED_FIRST * g.page + rnd64(w) % (a->window - SHARED_FIRST * g.page)) &
		      ~7ULL;
		break;
	}
	before = poison_in(a, off, 8, 2);
	s = seq_begin();
	code = guarded((__u64 *)(w->map[ai] + off), &got, 0);
	account(w, OP_TOUCH, code ? -1 : 0);
	if (code) {
		failure_explained(w, OP_TOUCH, a, off, 8, s, -1);
		if (before && !disrupted(s))
			check(INV_POISON, code == BUS_MCEERR_AR,
			      "thread %d: failed page BAR %d %#llx: SIGBUS code %d, not BUS_MCEERR_AR",
			      w->id, a->bar, (unsigned long long)off, code);
		return;
	}
	check(INV_POISON, !before, "thread %d: failed page BAR %d %#llx read through the mapping",
	      w->id, a->bar, (unsigned long long)off);
	if (owned)
		check(INV_OWN, got == w->token[ai][k],
		      "thread %d: BAR %d page %d reads %#llx, owner wrote %#llx", w->id, a->bar,
		      k, (unsigned long long)got, (unsigned long long)w->token[ai][k]);
}

/*
 * A mapping of its own over the thread's owned pages and beyond, at a
 * random length; the owned tokens must show through it.
 */
static unsigned char *map_own(struct worker *w, int ai, size_t *len, int *err)
{
	struct aperture *a = &g.ap[ai];
	__u64 off = own_off(w, 0);
	unsigned char *p;

	*len = (1 + rnd(w, rnd(w, 2) ? 16 : 1024)) * g.page;
	if (off + *len > a->window)
		*len = a->window - off;
	p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, g.v.device,
		 REGION_OFF(a->bar) + off);
	*err = p == MAP_FAILED ? errno : 0;
	return p == MAP_FAILED ? NULL : p;
}

/* Read the owned tokens through @p: 0, or -1 after a SIGBUS. */
static int check_tokens(struct worker *w, enum stress_op op, int ai, unsigned char *p,
			size_t len, unsigned long s)
{
	struct aperture *a = &g.ap[ai];
	int k, code;
	__u64 got;

	for (k = 0; k < OWN_PAGES && (size_t)k * g.page < len; k++) {
		code = guarded((__u64 *)(p + k * g.page), &got, 0);
		if (code) {
			failure_explained(w, op, a, own_off(w, k), 8, s, -1);
			return -1;
		}
		check(INV_OWN, got == w->token[ai][k],
		      "thread %d %s: BAR %d page %d reads %#llx, owner wrote %#llx",
		      w->id, op_name[op], a->bar, k, (unsigned long long)got,
		      (unsigned long long)w->token[ai][k]);
	}
	return 0;
}

static void op_map_cycle(struct worker *w, int ai, enum stress_op op)
{
	unsigned long s = seq_begin();
	size_t len;
	int err;
	unsigned char *p = map_own(w, ai, &len, &err);

	if (!p) {
		account(w, OP_MAP_CYCLE, err);
		return;
	}
	account(w, OP_MAP_CYCLE, check_tokens(w, OP_MAP_CYCLE, ai, p, len, s));
	munmap(p, len);
}

static void op_mprotect(struct worker *w, int ai, enum stress_op op)
{
	unsigned long s = seq_begin();
	size_t len, half;
	int err, res;
	unsigned char *p = map_own(w, ai, &len, &err);

	if (!p) {
		account(w, OP_MPROTECT, err);
		return;
	}
	/* Populate first so that mprotect() has entries (maybe huge) to change. */
	res = check_tokens(w, OP_MPROTECT, ai, p, len, s);
	if (mprotect(p, len, PROT_READ))
		res = res ?: errno;
	res = check_tokens(w, OP_MPROTECT, ai, p, len, s) ?: res;
	/* Half of it back, splitting the mapping (and a huge entry). */
	half = len / g.page / 2 * g.page;
	if (mprotect(p + half, len - half, PROT_READ | PROT_WRITE))
		res = res ?: errno;
	res = check_tokens(w, OP_MPROTECT, ai, p, len, s) ?: res;
	account(w, OP_MPROTECT, res);
	munmap(p, len);
}

static void op_mremap(struct worker *w, int ai, enum stress_op op)
{
	unsigned long s = seq_begin();
	unsigned char *p, *q;
	size_t len;
	int err, res;

	p = map_own(w, ai, &len, &err);
	if (!p) {
		account(w, OP_MREMAP, err);
		return;
	}
	res = check_tokens(w, OP_MREMAP, ai, p, len, s);
	switch (rnd(w, 3)) {
	case 0:		/* grow: a VFIO mapping cannot (VM_DONTEXPAND) */
		q = mremap(p, len, len + g.page, MREMAP_MAYMOVE);
		if (q == MAP_FAILED) {
			res = res ?: errno;
		} else {
			p = q;
			len += g.page;
			check(INV_ERRNO, 0, "thread %d: a VFIO mapping grew by mremap", w->id);
		}
		break;
	case 1:		/* shrink */
		if (len > g.page) {
			q = mremap(p, len, len - g.page, 0);
			if (q == MAP_FAILED)
				res = res ?: errno;
			else
				len -= g.page;
		}
		res = check_tokens(w, OP_MREMAP, ai, p, len, s) ?: res;
		break;
	default:	/* move, entries and all */
		q = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (q == MAP_FAILED)
			break;
		q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, q);
		if (q == MAP_FAILED) {
			res = res ?: errno;
		} else {
			p = q;
			res = check_tokens(w, OP_MREMAP, ai, p, len, s) ?: res;
		}
		break;
	}
	account(w, OP_MREMAP, res);
	munmap(p, len);
}

static void op_madvise(struct worker *w, int ai, enum stress_op op)
{
	static const int advice[] = {
		MADV_DONTNEED, MADV_WILLNEED, MADV_HUGEPAGE, MADV_NOHUGEPAGE,
		MADV_DONTFORK, MADV_DOFORK, MADV_COLD, MADV_PAGEOUT, MADV_FREE,
		MADV_POPULATE_READ, MADV_POPULATE_WRITE, MADV_REMOVE, MADV_RANDOM,
		MADV_SEQUENTIAL, MADV_NORMAL,
	};
	unsigned long s = seq_begin();
	size_t len;
	int err, res, adv;
	unsigned char *p = map_own(w, ai, &len, &err);

	if (!p) {
		account(w, OP_MADVISE, err);
		return;
	}
	res = check_tokens(w, OP_MADVISE, ai, p, len, s);
	adv = advice[rnd(w, ARRAY_SIZE(advice))];
	if (madvise(p, len, adv)) {
		if (!allowed(OP_MADVISE, errno))
			printf("# madvise(%d): %s\n", adv, strerror(errno));
		res = res ?: errno;
	}
	res = check_tokens(w, OP_MADVISE, ai, p, len, s) ?: res;
	account(w, OP_MADVISE, res);
	munmap(p, len);
}

/* A child reads the owned tokens through the mappings it inherited. */
static void op_fork(struct worker *w, int ai, enum stress_op op)
{
	unsigned long s = seq_begin();
	int status = 0, k;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		alarm(30);
		for (k = 0; k < OWN_PAGES; k++) {
			__u64 got;

			if (guarded((__u64 *)(w->map[ai] + own_off(w, k)), &got, 0))
				_exit(2);
			if (got != w->token[ai][k])
				_exit(1);
		}
		_exit(0);
	}
	if (pid < 0) {
		account(w, OP_FORK, errno);
		return;
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
		account(w, OP_FORK, -1);
		failure_explained(w, OP_FORK, &g.ap[ai], own_off(w, 0),
				  OWN_PAGES * g.page, s, -1);
		return;
	}
	account(w, OP_FORK, 0);
	check(INV_OWN, WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "thread %d: child reading BAR %d: status %#x", w->id, g.ap[ai].bar, status);
}

static int cfg_write(int fd, unsigned int off, const void *v, size_t len)
{
	return pio(fd, (void *)v, len, CFG_OFF + off, 1);
}

/* Size a virtual BAR as a VMM does and restore it; under the disruption lock. */
static void op_bar_sizing(struct worker *w, int ai, enum stress_op op)
{
	struct aperture *a = &g.ap[ai];
	unsigned int reg = PCI_BASE_ADDRESS_0 + 4 * a->bar;
	__u32 lo, hi, ones = ~0U, slo, shi;
	__u64 size;
	int err;

	pthread_mutex_lock(&g.disrupt);
	lo = vc_cfg_read32(g.v.device, reg);
	hi = vc_cfg_read32(g.v.device, reg + 4);
	err = cfg_write(g.v.device, reg, &ones, 4) ?: cfg_write(g.v.device, reg + 4, &ones, 4);
	slo = vc_cfg_read32(g.v.device, reg);
	shi = vc_cfg_read32(g.v.device, reg + 4);
	err = err ?: cfg_write(g.v.device, reg, &lo, 4) ?: cfg_write(g.v.device, reg + 4, &hi, 4);
	pthread_mutex_unlock(&g.disrupt);
	account(w, OP_BAR_SIZING, err);
	size = ~((((__u64)shi << 32) | (slo & ~0xfULL))) + 1;
	check(INV_BAR, size == a->region &&
	      (slo & 0xf) == (PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH),
	      "thread %d: BAR %d sizes to %#llx flags %#x, region %#llx", w->id, a->bar,
	      (unsigned long long)size, slo & 0xf, (unsigned long long)a->region);
}

static void op_info(struct worker *w, int ai, enum stress_op op)
{
	unsigned char buf[512];
	struct vfio_region_info *info = (void *)buf;
	unsigned int argsz = rnd(w, 3) ? rnd(w, sizeof(buf) + 1) : rnd(w, 40);
	int i, ret;

	memset(buf, 0xa5, sizeof(buf));
	info->argsz = argsz;
	info->index = rnd(w, 4) ? g.ap[rnd(w, g.nr_aps)].bar : rnd(w, 16);
	ret = ioctl(g.v.device, VFIO_DEVICE_GET_REGION_INFO, info) ? errno : 0;
	account(w, OP_INFO, ret);
	if (argsz < 32 || info->index >= VFIO_PCI_NUM_REGIONS) {
		check(INV_INFO, ret == EINVAL, "thread %d: region info argsz %u index %u: %s",
		      w->id, argsz, info->index, strerror(ret));
		return;
	}
	for (i = 0; i < g.nr_aps; i++)
		if (!ret && info->index == (unsigned int)g.ap[i].bar)
			check(INV_INFO, info->size == g.ap[i].region,
			      "thread %d: region %u size %#llx, not %#llx", w->id,
			      info->index, (unsigned long long)info->size,
			      (unsigned long long)g.ap[i].region);
}

/* A second device fd: read an owned page, map it, close, use the mapping. */
static void op_reopen(struct worker *w, int ai, enum stress_op op)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	unsigned long s = seq_begin();
	char path[PATH_MAX];
	__u64 got = 0;
	int fd, err, code;
	unsigned char *p;

	if (vc_vfio_api_cdev()) {
		fd = vc_vfio_cdev_path(g.bdf, path, sizeof(path)) ? -1 :
		     open(path, O_RDWR | O_CLOEXEC);
		bind.iommufd = g.v.iommufd;
		if (fd >= 0 && ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
			/* A cdev opens once at a time: EINVAL is the ABI. */
			err = errno;
			close(fd);
			account(w, OP_REOPEN, err == EINVAL ? 0 : err);
			return;
		}
	} else {
		fd = ioctl(g.v.group, VFIO_GROUP_GET_DEVICE_FD, g.bdf);
	}
	if (fd < 0) {
		account(w, OP_REOPEN, errno);
		return;
	}
	err = pio(fd, &got, 8, REGION_OFF(g.ap[ai].bar) + own_off(w, 0), 0);
	p = mmap(NULL, g.page, PROT_READ, MAP_SHARED, fd,
		 REGION_OFF(g.ap[ai].bar) + own_off(w, 0));
	close(fd);
	if (err) {
		account(w, OP_REOPEN, err);
		if (err == EIO)
			failure_explained(w, OP_REOPEN, &g.ap[ai], own_off(w, 0), 8, s, err);
	} else {
		check(INV_OWN, got == w->token[ai][0], "thread %d: second fd reads %#llx",
		      w->id, (unsigned long long)got);
	}
	if (p == MAP_FAILED) {
		account(w, OP_REOPEN, errno);
		return;
	}
	/* The mapping outlives the fd it came from. */
	code = guarded((__u64 *)p, &got, 0);
	if (code)
		failure_explained(w, OP_REOPEN, &g.ap[ai], own_off(w, 0), 8, s, -1);
	else
		check(INV_OWN, got == w->token[ai][0],
		      "thread %d: mapping of a closed fd reads %#llx", w->id,
		      (unsigned long long)got);
	account(w, OP_REOPEN, code ? -1 : 0);
	munmap(p, g.page);
}

static void disrupt_begin(void)
{
	pthread_mutex_lock(&g.disrupt);
	atomic_fetch_add(&g.seq, 1);
}

static void disrupt_end(void)
{
	vc_set_memory(g.v.device, 1);
	atomic_fetch_add(&g.seq, 1);
	pthread_mutex_unlock(&g.disrupt);
}

/* Memory decoding off: access must fail (the control), then on again. */
static void op_mem_toggle(struct worker *w, int ai, enum stress_op op)
{
	__u64 got;
	int err, code;

	disrupt_begin();
	vc_set_memory(g.v.device, 0);
	err = pio(g.v.device, &got, 8, REGION_OFF(g.ap[ai].bar) + own_off(w, 0), 0);
	code = guarded((__u64 *)(w->map[ai] + own_off(w, 0)), &got, 0);
	check(INV_DISABLED, err == EIO && code == BUS_ADRERR,
	      "thread %d: memory off, BAR %d: pread %s, mapping %s (code %d)", w->id,
	      g.ap[ai].bar, err ? strerror(err) : "worked", code ? "SIGBUS" : "worked", code);
	usleep(rnd(w, 2000));
	disrupt_end();
	account(w, OP_MEM_TOGGLE, 0);
}

static void op_reset(struct worker *w, int ai, enum stress_op op)
{
	int err = 0;

	disrupt_begin();
	switch (op) {
	case OP_RESET:
		err = ioctl(g.v.device, VFIO_DEVICE_RESET) ? errno : 0;
		break;
	case OP_FLR: {
		__u16 ctl;

		if (!g.exp)
			break;
		pread(g.v.device, &ctl, 2, CFG_OFF + g.exp + PCI_EXP_DEVCTL);
		ctl |= PCI_EXP_DEVCTL_BCR_FLR;
		err = cfg_write(g.v.device, g.exp + PCI_EXP_DEVCTL, &ctl, 2);
		break;
	}
	case OP_SYSFS_RESET: {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset", g.bdf);
		err = -vc_write(path, "1");
		break;
	}
	case OP_HOT_RESET: {
		struct {
			struct vfio_pci_hot_reset hdr;
			__s32 fd[2];
		} hr = { .hdr.argsz = sizeof(hr) };

		if (g.fn1 < 0)
			break;
		hr.hdr.count = vc_vfio_api_cdev() ? 0 : 2;
		hr.fd[0] = g.v.group;
		hr.fd[1] = g.v1.group;
		err = ioctl(g.v.device, VFIO_DEVICE_PCI_HOT_RESET, &hr) ? errno : 0;
		break;
	}
	case OP_PMCSR: {
		__u16 pmcsr;

		if (!g.pm)
			break;
		pread(g.v.device, &pmcsr, 2, CFG_OFF + g.pm + PCI_PM_CTRL);
		pmcsr = (pmcsr & ~PCI_PM_CTRL_STATE_MASK) | 3;
		err = cfg_write(g.v.device, g.pm + PCI_PM_CTRL, &pmcsr, 2);
		usleep(rnd(w, 2000));
		pmcsr &= ~PCI_PM_CTRL_STATE_MASK;
		err = err ?: cfg_write(g.v.device, g.pm + PCI_PM_CTRL, &pmcsr, 2);
		break;
	}
	case OP_LOW_POWER: {
		struct vfio_device_feature f = {
			.argsz = sizeof(f),
			.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
		};

		err = ioctl(g.v.device, VFIO_DEVICE_FEATURE, &f) ? errno : 0;
		usleep(rnd(w, 2000));
		f.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_EXIT;
		err = err ?: ioctl(g.v.device, VFIO_DEVICE_FEATURE, &f) ? errno : 0;
		break;
	}
	default:
		break;
	}
	disrupt_end();
	account(w, op, err);
}

/* Fail the next page of the poison zone, as firmware reports it. */
static void op_poison(struct worker *w, int ai, enum stress_op op)
{
	struct aperture *a = &g.ap[ai];
	int k, err;

	if (atomic_fetch_add(&g.poisons, 1) >= g.poison_budget)
		return;
	k = atomic_fetch_add(&a->next_poison, 1);
	if (k >= POISON_PAGES)
		return;
	atomic_store(&a->poison[k], 1);
	err = -vc_hard_offline(a->phys + (POISON_FIRST + k) * g.page);
	atomic_store(&a->poison[k], err ? 0 : 2);
	account(w, OP_POISON, err);
}

static unsigned int weight[NR_OPS];

/*
 * The operations this function can do, of those VC_STRESS_ONLY=op,op...
 * asks for (all by default): resets need a reset method, the FLR and
 * PMCSR ones the capability, the hot reset a bus the function can reset.
 */
static void set_weights(void)
{
	struct vfio_pci_hot_reset_info hri = { .argsz = sizeof(hri) };
	struct vfio_device_info info = { .argsz = sizeof(info) };
	const char *only = getenv("VC_STRESS_ONLY");
	char path[PATH_MAX];
	int i;

	for (i = 0; i < NR_OPS; i++)
		weight[i] = !only || !*only || strstr(only, op_name[i]) ? op_weight[i] : 0;
	ioctl(g.v.device, VFIO_DEVICE_GET_INFO, &info);
	if (!(info.flags & VFIO_DEVICE_FLAGS_RESET))
		weight[OP_RESET] = 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset", g.bdf);
	if (access(path, W_OK))
		weight[OP_SYSFS_RESET] = 0;
	if (!g.exp)
		weight[OP_FLR] = 0;
	if (!g.pm)
		weight[OP_PMCSR] = 0;
	/* ENOSPC: the info has more entries than one; the reset is there. */
	if (g.fn1 < 0 ||
	    (ioctl(g.v.device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &hri) && errno != ENOSPC))
		weight[OP_HOT_RESET] = 0;
	for (i = 0; i < NR_OPS; i++)
		if (!weight[i])
			printf("# not run: %s\n", op_name[i]);
}

static void (* const op_fn[NR_OPS])(struct worker *w, int ai, enum stress_op op) = {
	[OP_RW_OWN] = op_rw_own,	[OP_MAP_OWN] = op_map_own,
	[OP_RW_RANDOM] = op_rw_random,	[OP_TOUCH] = op_touch,
	[OP_MAP_CYCLE] = op_map_cycle,	[OP_MPROTECT] = op_mprotect,
	[OP_MREMAP] = op_mremap,	[OP_MADVISE] = op_madvise,
	[OP_FORK] = op_fork,		[OP_BAR_SIZING] = op_bar_sizing,
	[OP_INFO] = op_info,		[OP_REOPEN] = op_reopen,
	[OP_MEM_TOGGLE] = op_mem_toggle, [OP_RESET] = op_reset,
	[OP_FLR] = op_reset,		[OP_SYSFS_RESET] = op_reset,
	[OP_HOT_RESET] = op_reset,	[OP_PMCSR] = op_reset,
	[OP_LOW_POWER] = op_reset,	[OP_POISON] = op_poison,
};

static enum stress_op pick(struct worker *w)
{
	unsigned int r, i, sum = 0;

	for (i = 0; i < NR_OPS; i++)
		sum += weight[i];
	r = rnd(w, sum);
	for (i = 0; r >= weight[i]; i++)
		r -= weight[i];
	return i;
}

static void *worker(void *arg)
{
	struct worker *w = arg;
	int ai;

	for (w->done = 0; w->done < g.ops && vc_now() < g.deadline; w->done++) {
		enum stress_op op = pick(w);

		ai = rnd(w, g.nr_aps);
		atomic_store(&g.busy[w->id], op);
		t_op = op;
		op_fn[op](w, ai, op);
	}
	atomic_store(&g.busy[w->id], -1);
	return NULL;
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 0) : def;
}

static const char *env_str(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v ? v : def;
}

/* The second function, on the same iommufd (cdev) or its own group. */
static int open_fn1(void)
{
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	char path[PATH_MAX], driver[PATH_MAX];
	int fd;

	snprintf(driver, sizeof(driver), "%s", vc_driver_of(g.bdf));
	if (!*g.fn1_bdf || !strcmp(g.fn1_bdf, "none") || vc_bind(g.fn1_bdf, driver))
		return -1;
	if (!vc_vfio_api_cdev())
		return vc_vfio_open(g.fn1_bdf, &g.v1) ? -1 : g.v1.device;
	if (vc_vfio_cdev_path(g.fn1_bdf, path, sizeof(path)))
		return -1;
	fd = open(path, O_RDWR | O_CLOEXEC);
	bind.iommufd = g.v.iommufd;
	if (fd < 0 || ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return -1;
	if (ioctl(g.v.iommufd, IOMMU_IOAS_ALLOC, &ioas))
		return -1;
	attach.pt_id = ioas.out_ioas_id;
	if (ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		return -1;
	return fd;
}

static void setup(struct __test_metadata *_metadata)
{
	char buf[512];
	struct vfio_region_info *info = (void *)buf;
	const char *mem = env_str("VC_STRESS_MEM", "4:0x100000000,2:0x200000000");
	char *end;

	g.bdf = env_str("VC_STRESS_DEV", VC_DEV_GOOD);
	g.fn1_bdf = env_str("VC_STRESS_FN1", VC_DEV_FN1);
	g.report = env_long("VC_STRESS_REPORT", 0);
	g.page = sysconf(_SC_PAGESIZE);
	g.v1.device = -1;
	g.v1.group = -1;
	g.v1.container = -1;
	g.v1.iommufd = -1;
	pthread_mutex_init(&g.disrupt, NULL);
	ASSERT_NE(0, *vc_driver_of(g.bdf)) TH_LOG("%s is not bound", g.bdf);
	ASSERT_EQ(0, vc_vfio_open(g.bdf, &g.v)) TH_LOG("open %s: %s", g.bdf, strerror(errno));
	g.fn1 = open_fn1();
	while (*mem && g.nr_aps < MAX_APS) {
		struct aperture *a = &g.ap[g.nr_aps++];
		struct vfio_region_info_cap_sparse_mmap *sparse;
		__u32 off;

		a->bar = strtol(mem, &end, 0);
		a->phys = strtoull(end + 1, &end, 0);
		mem = *end ? end + 1 : end;
		memset(buf, 0, sizeof(buf));
		info->argsz = sizeof(buf);
		info->index = a->bar;
		ASSERT_EQ(0, ioctl(g.v.device, VFIO_DEVICE_GET_REGION_INFO, info));
		a->region = info->size;
		a->mem = info->size;
		for (off = info->cap_offset; off; off = sparse->header.next) {
			sparse = (void *)(buf + off);
			if (sparse->header.id == VFIO_REGION_INFO_CAP_SPARSE_MMAP &&
			    sparse->nr_areas)
				a->mem = sparse->areas[0].size;
		}
		a->window = a->mem < WINDOW_MAX ? a->mem : WINDOW_MAX;
		ASSERT_LT((__u64)(SHARED_FIRST + 16) * g.page, a->window);
	}
	g.pm = vc_find_cap(g.v.device, PCI_CAP_ID_PM);
	g.exp = vc_find_cap(g.v.device, PCI_CAP_ID_EXP);
	vc_set_memory(g.v.device, 1);
}

static void report(void)
{
	int i, e;

	printf("# %-14s %8s %8s %7s  errnos\n", "operation", "done", "ok", "SIGBUS");
	for (i = 0; i < NR_OPS; i++) {
		struct opstat *s = &g.stat[i];

		printf("# %-14s %8ld %8ld %7ld ", op_name[i], atomic_load(&s->done),
		       atomic_load(&s->ok), atomic_load(&s->sigbus));
		for (e = 0; e < MAX_ERRNO; e++)
			if (atomic_load(&s->err[e]))
				printf(" %s:%ld", e ? strerrorname_np(e) : "other",
				       atomic_load(&s->err[e]));
		printf("\n");
	}
	for (i = 0; i < NR_INVS; i++)
		printf("# invariant %-11s %8ld checks, %ld violated\n", inv_name[i],
		       atomic_load(&g.checks[i]), atomic_load(&g.bad[i]));
}

/*
 * Close everything and bind the function again, which forgets the pages
 * failed here: later tests find the function as it was.
 */
static void cleanup(struct worker *w)
{
	char driver[PATH_MAX];
	int i, ai;

	for (i = 0; i < g.threads; i++)
		for (ai = 0; ai < g.nr_aps; ai++)
			munmap(w[i].map[ai], g.ap[ai].window);
	if (g.v1.device >= 0)
		vc_vfio_close(&g.v1);
	else if (g.fn1 >= 0)
		close(g.fn1);
	vc_vfio_close(&g.v);
	snprintf(driver, sizeof(driver), "%s", vc_driver_of(g.bdf));
	if (atomic_load(&g.poisons) && !vc_unbind(g.bdf))
		vc_bind(g.bdf, driver);
}

FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
}

TEST_F_TIMEOUT(stress, random_ops, 900)
{
	struct worker w[MAX_THREADS] = {};
	unsigned int seed = env_long("VC_STRESS_SEED", 0);
	double secs = env_long("VC_STRESS_SECS", 20), t0, left;
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO | SA_NODEFER };
	long total = 0, violated = 0;
	int i, ai, hung = 0;

	setup(_metadata);
	set_weights();
	if (!seed && getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = getpid();
	g.threads = env_long("VC_STRESS_THREADS", 8);
	ASSERT_LE(g.threads, MAX_THREADS);
	g.ops = env_long("VC_STRESS_OPS", 4000);
	g.poison_budget = env_long("VC_STRESS_POISON", 4);
	printf("# seed %u (VC_STRESS_SEED), %d threads, %ld ops each, at most %.0f s, ",
	       seed, g.threads, g.ops, secs);
	printf("%s API, %s on %s\n", vc_vfio_api_cdev() ? "cdev" : "group",
	       vc_driver_of(g.bdf), g.bdf);
	for (ai = 0; ai < g.nr_aps; ai++)
		printf("# BAR %d: region %#llx, memory %#llx, stressing %#llx, phys %#llx\n",
		       g.ap[ai].bar, (unsigned long long)g.ap[ai].region,
		       (unsigned long long)g.ap[ai].mem, (unsigned long long)g.ap[ai].window,
		       g.ap[ai].phys);
	sigaction(SIGBUS, &sa, NULL);
	sa.sa_sigaction = on_sigsegv;
	sigaction(SIGSEGV, &sa, NULL);

	t0 = vc_now();
	g.deadline = t0 + secs;
	for (i = 0; i < g.threads; i++) {
		w[i].id = i;
		w[i].seed = seed * 7919 + i;
		w[i].buf = malloc(1 << 20);
		ASSERT_NE(NULL, w[i].buf);
		for (ai = 0; ai < g.nr_aps; ai++) {
			w[i].map[ai] = mmap(NULL, g.ap[ai].window, PROT_READ | PROT_WRITE,
					    MAP_SHARED, g.v.device, REGION_OFF(g.ap[ai].bar));
			ASSERT_NE(MAP_FAILED, w[i].map[ai]) TH_LOG("mmap: %s", strerror(errno));
			for (int k = 0; k < OWN_PAGES; k++) {
				w[i].token[ai][k] = rnd64(&w[i]);
				ASSERT_EQ(0, pio(g.v.device, &w[i].token[ai][k], 8,
						 REGION_OFF(g.ap[ai].bar) + own_off(&w[i], k), 1));
			}
		}
	}
	for (i = 0; i < g.threads; i++)
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, worker, &w[i]));
	for (i = 0; i < g.threads; i++) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		left = g.deadline + 60 - vc_now();
		ts.tv_sec += left > 0 ? (time_t)left : 0;
		if (pthread_timedjoin_np(w[i].thread, NULL, &ts)) {
			int op = atomic_load(&g.busy[i]);

			printf("# thread %d hangs in %s\n", i, op >= 0 ? op_name[op] : "?");
			hung++;
		}
		total += w[i].done;
	}
	printf("# %ld operations by %d threads in %.1f s, %ld BUS_MCEERR_AO reports\n",
	       total, g.threads, vc_now() - t0, atomic_load(&sigbus_ao));
	report();
	for (i = 0; i < NR_INVS; i++)
		violated += atomic_load(&g.bad[i]);
	if (!hung)
		cleanup(w);
	if (g.report) {
		printf("# report only (VC_STRESS_REPORT): %ld violations, %d threads hung\n",
		       violated, hung);
		return;
	}
	EXPECT_EQ(0, hung);
	EXPECT_EQ(0, violated);
	/* Every operation ran, so the figures above cover them all. */
	for (i = 0; i < NR_OPS; i++) {
		if (!weight[i])
			continue;
		EXPECT_LT(0, atomic_load(&g.stat[i].done)) TH_LOG("%s never ran", op_name[i]);
	}
	EXPECT_LT(0, atomic_load(&g.checks[INV_DISABLED]));
}

TEST_HARNESS_MAIN
