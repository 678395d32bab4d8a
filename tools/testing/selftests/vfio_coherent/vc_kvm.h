/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal VMM for the vfio-coherent KVM selftests: one VM with one vCPU
 * running the code of vfio_coherent_kvm_guest.S from memslot 0, the memory
 * under test as memslot 1, the guest's reports arriving as MMIO writes to
 * an unbacked page. Also what KVM chose at stage 2, read from the
 * kvm_pfnmap:kvm_s2_pfnmap tracepoint, and what it should choose on this
 * boot, found without asking KVM: the arm64 CPU features in the kernel log
 * and the command line.
 */
#ifndef VC_KVM_H
#define VC_KVM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <linux/kvm.h>

#include "vc_util.h"
#include "vfio_coherent_kvm_guest.h"

#ifndef KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED
#define KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED 243
#endif

/*
 * The guest's physical layout (see vfio_coherent_kvm_guest.S): code and
 * page tables in memslot 0 at IPA 0, the memory under test as memslot 1
 * at AP_IPA, the report page at REPORT_IPA (no memslot: MMIO exits).
 */
#define SLOT0_SIZE	0x200000UL
#define PT_OFF		0x10000UL
#define AP_IPA		0x40000000UL
#define AP_SIZE		0x40000000UL
#define REPORT_IPA	0x80000000UL
/* What vc_guest_start stores at AP_IPA + 1 and loads back. */
#define PATTERN		0x1122334455667788ULL
#define SZ_4K		0x1000UL
#define SZ_2M		0x200000UL

/* What the guest reports, as offsets into the report page. */
#define REP_VALUE	0
#define REP_ESR		8
#define REP_NO_FAULT	16
#define REP_MMU_OFF	24
#define REP_MMU_ON	32
#define REP_TOUCHED	40
#define REP_ZVA		48
#define REP_ZVA_DZP	56

#define S2_EVENT	"kvm_pfnmap/kvm_s2_pfnmap"

/* The names trace_pfnmap.h prints for enum kvm_pfnmap_s2. */
enum { S2_DEVICE, S2_NORMAL_NC, S2_CACHEABLE, S2_UNSUPPORTED, S2_TYPES };
extern const char * const s2_names[S2_TYPES];

struct exit_rec {
	__u64 addr, data;
	int run_errno;
};

struct guest {
	int kvm, vm, vcpu;
	struct kvm_run *run;
	char *mem;
	struct exit_rec ex[8];
	int nex;
};

/* kvm_s2_pfnmap events for IPAs in [lo, hi). */
struct s2_seen {
	int events, outside, unparsed;
	int type[S2_TYPES];
	unsigned long min_size, max_size;
	unsigned long covered;	/* bytes of [lo, hi) inside some mapping */
};

int cacheable_pfnmap_disabled(void);

/*
 * What KVM should do with cacheable memory outside the linear map on this
 * boot: map it cacheable (the CPU has FEAT_S2FWB and CTR_EL0.DIC), refuse
 * it (it has not), or map it Device as unpatched 6.12 did
 * (kvm-arm.cacheable_pfnmap=0). UNKNOWN when the kernel log no longer
 * holds the boot's CPU feature lines and the command line does not decide.
 */
enum vc_kvm_mode {
	VC_KVM_CACHEABLE,
	VC_KVM_DISABLED,
	VC_KVM_UNSUPPORTED,
	VC_KVM_UNKNOWN,
};

extern const char * const vc_kvm_mode_names[];

/* What the boot's kernel log and command line say. */
struct vc_kvm_cpu {
	int log_complete;	/* the log still starts at the boot */
	int fwb;		/* "detected: Stage-2 Force Write-Back" */
	int dic;		/* "detected: Instruction cache invalidation ..." */
	int disabled;		/* kvm-arm.cacheable_pfnmap=0 */
};

#define VC_SYSLOG_ACTION_READ_ALL	3
#define VC_SYSLOG_ACTION_SIZE_BUFFER	10
#define VC_LOG_BOOT	"Booting Linux on physical CPU"
#define VC_LOG_FWB	"CPU features: detected: Stage-2 Force Write-Back"
#define VC_LOG_DIC	\
	"CPU features: detected: Instruction cache invalidation not required for I/D coherence"

/*
 * Read the arm64 cpufeature lines from the kernel log (klogctl, as dmesg
 * does) and the command line. 0, or -errno when the log cannot be read.
 */
int vc_kvm_cpu_read(struct vc_kvm_cpu *c);

enum vc_kvm_mode vc_kvm_mode_of(const struct vc_kvm_cpu *c);

/*
 * mmap @size bytes of VFIO region @bar at an address @skew bytes past a
 * 1 GiB boundary, with memory decoding on.
 */
void *map_bar(int device, int bar, size_t size, size_t skew);

void *map_usemem(int device);

/*
 * More memory for the guest: @size bytes at @hva as memslot @slot at IPA
 * @ipa (1 GiB multiples below 32 GiB, clear of memslots 0 and 1 and of
 * REPORT_IPA), which the guest's stage 1 maps Normal at the same address
 * in 1 GiB blocks. Returns 0 or the errno of KVM_SET_USER_MEMORY_REGION.
 */
int guest_add_memory(struct guest *g, int slot, __u64 ipa,
		     void *hva, size_t size);

/* The last report: its offset into the report page, -1 if KVM_RUN failed. */
long guest_last(struct guest *g, __u64 *data);

void guest_destroy(struct guest *g);

/*
 * The VMM steps that assert, with the calling test's _metadata: inline in
 * each test (the harness cannot be linked twice), not in lib/kvm.c.
 */
#ifndef VC_KVM_LIB
#include "../kselftest_harness.h"

/*
 * A VM with one vCPU: the guest code and its page tables in memslot 0 at
 * IPA 0, and @size bytes at @hva as memslot 1 at AP_IPA. With @mte, the VM
 * has MTE (KVM_CAP_ARM_MTE), which the machine must offer. Everything but
 * memslot 1 must work; returns 0 or the errno of KVM_SET_USER_MEMORY_REGION
 * for memslot 1 (the guest can still run, without it).
 */
static inline int guest_create_slot(struct __test_metadata *_metadata,
				    struct guest *g, void *hva, size_t size,
				    int mte)
{
	struct kvm_userspace_memory_region slot = {};
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_MTE };
	struct kvm_vcpu_init init;
	int slot_errno = 0;
	__u64 *pt;

	memset(g, 0, sizeof(*g));
	g->vcpu = -1;
	g->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, g->kvm) TH_LOG("no /dev/kvm: %s", strerror(errno));
	g->vm = ioctl(g->kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, g->vm);
	if (mte) {
		ASSERT_LT(0, ioctl(g->vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_MTE))
			TH_LOG("no MTE for guests: the machine needs mte=on");
		ASSERT_EQ(0, ioctl(g->vm, KVM_ENABLE_CAP, &cap));
	}

	g->mem = mmap(NULL, SLOT0_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, g->mem);
	memcpy(g->mem, vc_guest_start, vc_guest_end - vc_guest_start);
	pt = (__u64 *)(g->mem + PT_OFF);
	pt[0] = 0x00000000ULL | 0x701;	/* block, attr0, inner shareable, AF */
	pt[1] = AP_IPA | 0x701;
	pt[2] = REPORT_IPA | 0x405;	/* block, attr1 (Device), AF */
	pt[3] = AP_IPA | 0x405;

	slot = (struct kvm_userspace_memory_region){
		.slot = 0, .memory_size = SLOT0_SIZE, .userspace_addr = (__u64)g->mem,
	};
	ASSERT_EQ(0, ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &slot));
	slot = (struct kvm_userspace_memory_region){
		.slot = 1, .guest_phys_addr = AP_IPA, .memory_size = size,
		.userspace_addr = (__u64)hva,
	};
	if (ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &slot))
		slot_errno = errno;

	g->vcpu = ioctl(g->vm, KVM_CREATE_VCPU, 0);
	ASSERT_LE(0, g->vcpu);
	g->run = mmap(NULL, ioctl(g->kvm, KVM_GET_VCPU_MMAP_SIZE, 0),
		      PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu, 0);
	ASSERT_NE(MAP_FAILED, g->run);
	ASSERT_EQ(0, ioctl(g->vm, KVM_ARM_PREFERRED_TARGET, &init));
	ASSERT_EQ(0, ioctl(g->vcpu, KVM_ARM_VCPU_INIT, &init));
	return slot_errno;
}

/* As guest_create_slot(), and memslot 1 must be accepted. */
static inline void guest_create_mte(struct __test_metadata *_metadata,
				    struct guest *g, void *hva, size_t size,
				    int mte)
{
	int err = guest_create_slot(_metadata, g, hva, size, mte);

	ASSERT_EQ(0, err) TH_LOG("memslot: %s", strerror(err));
}

static inline void guest_create(struct __test_metadata *_metadata,
				struct guest *g, void *hva, size_t size)
{
	guest_create_mte(_metadata, g, hva, size, 0);
}

static inline void guest_set_reg(struct __test_metadata *_metadata,
				 struct guest *g, __u64 id, __u64 val)
{
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | id,
		.addr = (__u64)&val,
	};

	ASSERT_EQ(0, ioctl(g->vcpu, KVM_SET_ONE_REG, &reg));
}

/*
 * Run the guest from @entry (a label of vfio_coherent_kvm_guest.S) with
 * x19 and x20 set, recording its reports until one that ends it: anything
 * but the value and the two "alive" reports, or a failed KVM_RUN.
 */
static inline void guest_run(struct __test_metadata *_metadata,
			     struct guest *g, const char *entry, __u64 x19,
			     __u64 x20)
{
	__u64 off;
	int i;

	guest_set_reg(_metadata, g, KVM_REG_ARM_CORE_REG(regs.pc),
		      entry - vc_guest_start);
	guest_set_reg(_metadata, g, KVM_REG_ARM_CORE_REG(regs.regs[19]), x19);
	guest_set_reg(_metadata, g, KVM_REG_ARM_CORE_REG(regs.regs[20]), x20);
	g->nex = 0;
	memset(g->ex, 0, sizeof(g->ex));
	while (g->nex < 6) {
		if (ioctl(g->vcpu, KVM_RUN, 0)) {
			g->ex[g->nex++].run_errno = errno;
			break;
		}
		if (g->run->exit_reason != KVM_EXIT_MMIO || !g->run->mmio.is_write) {
			TH_LOG("exit reason %u", g->run->exit_reason);
			break;
		}
		memcpy(&g->ex[g->nex].data, g->run->mmio.data, 8);
		off = g->run->mmio.phys_addr - REPORT_IPA;
		g->ex[g->nex++].addr = g->run->mmio.phys_addr;
		if (off != REP_VALUE && off != REP_MMU_OFF && off != REP_MMU_ON)
			break;
	}
	for (i = 0; i < g->nex; i++)
		TH_LOG("exit %d: addr %#llx data %#llx errno %d", i, g->ex[i].addr,
		       g->ex[i].data, g->ex[i].run_errno);
}

/* Start recording stage-2 choices from an empty buffer. */
static inline void s2_trace_start(struct __test_metadata *_metadata)
{
	int ret = vc_trace_event(S2_EVENT, 1);

	ASSERT_EQ(0, ret) TH_LOG("enable %s: %s", S2_EVENT, strerror(-ret));
	ASSERT_EQ(0, vc_trace_clear());
}

/* Stop recording; what was recorded for IPAs in [lo, hi). */
static inline void s2_trace_stop(struct __test_metadata *_metadata,
				 struct s2_seen *s, __u64 lo, __u64 hi)
{
	char *text = vc_trace_read(), *line, *save = NULL;
	unsigned long long ipa, pfn, size;
	unsigned long npages, covered = 0, i;
	unsigned char *seen;
	char type[32];
	int t;

	vc_trace_event(S2_EVENT, 0);
	memset(s, 0, sizeof(*s));
	ASSERT_NE(NULL, text);
	npages = (hi - lo + SZ_4K - 1) / SZ_4K;
	seen = calloc(npages, 1);
	ASSERT_NE(NULL, seen);
	s->min_size = ~0UL;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line = strstr(line, "kvm_s2_pfnmap: ");
		if (!line)
			continue;
		if (sscanf(line, "kvm_s2_pfnmap: ipa %llx pfn %llx type %31s size %llx",
			   &ipa, &pfn, type, &size) != 4) {
			s->unparsed++;
			continue;
		}
		if (ipa < lo || ipa >= hi) {
			s->outside++;
			continue;
		}
		s->events++;
		for (t = 0; t < S2_TYPES; t++)
			if (!strcmp(type, s2_names[t]))
				s->type[t]++;
		if (size < s->min_size)
			s->min_size = size;
		if (size > s->max_size)
			s->max_size = size;
		/* The pages of [lo, hi) this mapping covers. */
		for (i = 0; i < size / SZ_4K; i++) {
			__u64 page = (ipa & ~(size - 1)) + i * SZ_4K;

			if (page >= lo && page < hi && !seen[(page - lo) / SZ_4K]) {
				seen[(page - lo) / SZ_4K] = 1;
				covered += SZ_4K;
			}
		}
	}
	s->covered = covered;
	if (!s->events)
		s->min_size = 0;
	free(seen);
	free(text);
	TH_LOG("kvm_s2_pfnmap in [%#llx, %#llx): %d events, %lu KiB covered",
	       lo, hi, s->events, s->covered >> 10);
	TH_LOG("  device %d, normal-nc %d, cacheable %d, unsupported %d",
	       s->type[S2_DEVICE], s->type[S2_NORMAL_NC],
	       s->type[S2_CACHEABLE], s->type[S2_UNSUPPORTED]);
	TH_LOG("  size %#lx..%#lx; %d events elsewhere, %d unparsed",
	       s->min_size, s->max_size, s->outside, s->unparsed);
	EXPECT_EQ(0, s->unparsed);
}

/*
 * Map usemem of @device over @ap, the memory under memslot 1 (a VMM
 * replacing the mapping behind KVM's back), and let the guest touch its
 * first page, recording the stage-2 choices in @s.
 */
static inline void guest_touch_usemem_under_slot(struct __test_metadata *_metadata,
						 struct guest *g, char *ap,
						 int device, struct s2_seen *s)
{
	ASSERT_EQ(ap, mmap(ap, AP_SIZE, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_FIXED, device,
			   (off_t)VC_USEMEM_BAR << 40));
	s2_trace_start(_metadata);
	guest_run(_metadata, g, vc_guest_touch, AP_IPA, SZ_4K);
	s2_trace_stop(_metadata, s, AP_IPA, AP_IPA + AP_SIZE);
}

#endif /* VC_KVM_LIB */

#endif
