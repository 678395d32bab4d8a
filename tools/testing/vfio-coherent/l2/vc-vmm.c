// SPDX-License-Identifier: GPL-2.0-only
/*
 * vc-vmm: give a coherent device to a guest with a real VMM and judge what
 * the guest saw. Runs in the emulated host; the VMM is Debian's arm64 QEMU
 * from the image on /dev/vda (scripts/build-l2-image.sh), started in a
 * chroot of that image with KVM, UEFI and ACPI, the function assigned with
 * -device vfio-pci and two memoryless NUMA nodes tied to it by
 * acpi-generic-initiator, as NVIDIA documents for Grace Hopper guests.
 *
 *   vc-vmm [-m ram|device|noras|start] [-i NAME] [-M SIZE] [-p] [-t SECONDS]
 *          BDF BAR BASE
 *
 * The guest runs our kernel and the steps of /host/l2-MODE.cpio, or with
 * -i NAME of /host/l2-NAME.cpio (vc-l2-guest, vc_l2_ram.ko). Its console
 * arrives here prefixed "L2| ", QEMU's own messages "QEMU| ". The protocol
 * over the console:
 *   VC-L2-RESULT name ok|fail ...	a verdict of the guest
 *   VC-L2-BAR n start= size= flags=	a BAR as the guest sees it
 *   VC-L2-POISON off=X			fail aperture page X on the host, say "go"
 *   VC-L2-KEEP off=X value=V		page X holds V ^ word index: read it back
 *					through VFIO once QEMU has exited
 * Modes:
 *   ram	the whole story must work (host booted with cacheable stage 2)
 *   device	the host maps the BAR as Device at stage 2 (booted
 *		kvm-arm.cacheable_pfnmap=0): QEMU must start, and the guest's
 *		first unaligned access must fail as Device memory does
 *   noras	QEMU without ras=on: a guest touch of a failed page must end
 *		QEMU ("Hardware memory error"), not the host
 *   start	the guest only lists what it sees: for start-up costs
 *   plain	no device assigned: QEMU must start a guest on this CPU
 *   nofwb	a CPU without FEAT_S2FWB: QEMU must stop with KVM's refusal
 *		of the cacheable BAR's memslot (EINVAL), which the host log
 *		explains, before the guest runs
 * With -p the function is bound to a peer driver (the in-tree one): the
 * checks are printed as what works and what does not, not judged.
 * With -M SIZE, first time a type1 VFIO_IOMMU_MAP_DMA of SIZE bytes of the
 * BAR's mmap, as QEMU does for every BAR at start (for peer-to-peer DMA).
 * Prints kselftest TAP; exit 0 when every check passed.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "vc_util.h"

#define ROOT		"/l2"
#define HOST_FILES	"/lib/l2"
#define QEMU_BIN	"/usr/bin/qemu-system-aarch64"
/* UEFI as libvirt sets it up: code, and variables thrown away at exit. */
#define UEFI_CODE	"if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd"
#define UEFI_VARS	"if=pflash,format=raw,unit=1,snapshot=on,file=/usr/share/AAVMF/AAVMF_VARS.fd"
/*
 * The guest's hot-added memory comes up movable, as a GPU driver wants it.
 * loglevel=6: each console character is a trap to this QEMU, itself
 * nested; the guest's informational boot lines took its kernel 44-57 s to
 * reach /init, 14-20 s without them (make check, 2 cores). Warnings,
 * errors (every kernel report) and notices (vc_l2_ram's results) still
 * reach the console; vc-l2-guest reads the rest from /dev/kmsg.
 */
#define L2_APPEND	"console=ttyAMA0 acpi=force memhp_default_state=online_movable " \
			"panic=-1 kasan.fault=report log_buf_len=1M loglevel=6"
#define MAX_KEEP	64
#define MAX_RESULTS	64

enum mode { MODE_RAM, MODE_DEVICE, MODE_NORAS, MODE_START, MODE_PLAIN, MODE_NOFWB };
static const char *const mode_names[] = {
	"ram", "device", "noras", "start", "plain", "nofwb"
};

static const char *const ram_results[] = {
	"memremap-wb", "unaligned", "exclusive", "lse-atomics", "dc-zva",
	"add-memory", "memtotal-grew-by-bar", "node-memory", "mbind-fill",
	"poison-kills-user", "guest-ghes", "guest-memory-failure",
	"guest-survives", NULL
};

static struct {
	enum mode mode;
	const char *bdf;
	int bar;
	unsigned long long base;
	int timeout;
	unsigned long long map_size;
	int peer;
	const char *initrd;
} opt = { .mode = MODE_RAM, .timeout = 1500 };

/* What VFIO says about the function, before QEMU takes it. */
static struct vfio_region_info regions[VFIO_PCI_NUM_REGIONS];

/* What happened while QEMU ran. */
static struct {
	double t_fw, t_kernel, t_init, t_end;
	int saw_init, l2_errors, kvm_error, hw_error_exit, tried_unaligned;
	int poisoned, host_logged, keep_done, status, einval, host_refused;
	unsigned long long l2_bar_size[6], l2_bar_flags[6];
	int l2_bar_seen[6];
	char gi_nodes[64];
	int nkeep;
	unsigned long long keep_off[MAX_KEEP], keep_val[MAX_KEEP];
	int nres;
	char res_name[MAX_RESULTS][40];
	int res_ok[MAX_RESULTS];
} seen;

static const char *const kernel_errors[] = {
	"cut here", "BUG:", "Oops", "KASAN:", "UBSAN:", "WARNING: ",
	"Kernel panic", "Unable to handle kernel", "circular locking", NULL
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int mnt(const char *src, const char *dst, const char *type,
	       unsigned long flags)
{
	if (mount(src, dst, type, flags, NULL)) {
		ksft_print_msg("mount %s on %s: %s\n", src, dst, strerror(errno));
		return -1;
	}
	return 0;
}

/* The QEMU image, with the host's pseudo filesystems and our files in it. */
static int setup_root(void)
{
	/* Set up by an earlier run in this boot. */
	if (!access(ROOT "/host/Image", R_OK))
		return 0;
	mkdir(ROOT, 0755);
	if (mnt("/dev/vda", ROOT, "erofs", MS_RDONLY) ||
	    mnt("devtmpfs", ROOT "/dev", "devtmpfs", 0) ||
	    mnt("proc", ROOT "/proc", "proc", 0) ||
	    mnt("sysfs", ROOT "/sys", "sysfs", 0) ||
	    mnt("tmpfs", ROOT "/tmp", "tmpfs", 0) ||
	    mnt("tmpfs", ROOT "/run", "tmpfs", 0) ||
	    mnt("tmpfs", ROOT "/var/tmp", "tmpfs", 0) ||
	    mnt(HOST_FILES, ROOT "/host", NULL, MS_BIND))
		return -1;
	return 0;
}

static int read_regions(void)
{
	struct vc_vfio v;
	int i, ret;

	ret = vc_vfio_open(opt.bdf, &v);
	if (ret) {
		ksft_print_msg("open %s through VFIO: %s\n", opt.bdf, strerror(-ret));
		return ret;
	}
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++)
		vc_region_info(&v, i, &regions[i]);
	vc_vfio_close(&v);
	return 0;
}

static pid_t start_qemu(int *out, int *err, int *in)
{
	char machine[80], device[80], append[256], initrd[64];
	int o[2], e[2], i[2];
	pid_t pid;

	snprintf(machine, sizeof(machine), "virt,gic-version=3%s",
		 opt.mode == MODE_NORAS ? "" : ",ras=on");
	snprintf(device, sizeof(device), "vfio-pci,host=%s,id=gpu0", opt.bdf);
	snprintf(initrd, sizeof(initrd), "/host/l2-%s.cpio", opt.initrd ?: mode_names[opt.mode]);
	snprintf(append, sizeof(append), "%s", L2_APPEND);
	char *const argv[] = {
		QEMU_BIN, "-accel", "kvm", "-cpu", "host", "-machine", machine,
		"-smp", "1", "-m", "512M", "-nodefaults", "-display", "none",
		"-no-reboot", "-serial", "stdio", "-msg", "timestamp=on",
		/* UEFI as libvirt sets it up: code and (throw-away) variables. */
		"-drive", UEFI_CODE, "-drive", UEFI_VARS,
		"-kernel", "/host/Image", "-initrd", initrd,
		"-append", append,
		"-object", "memory-backend-ram,id=m0,size=512M",
		"-numa", "node,nodeid=0,cpus=0,memdev=m0",
		"-numa", "node,nodeid=1", "-numa", "node,nodeid=2",
		"-device", device,
		"-object", "acpi-generic-initiator,id=gi0,pci-dev=gpu0,node=1",
		"-object", "acpi-generic-initiator,id=gi1,pci-dev=gpu0,node=2",
		NULL
	};
	char *const envp[] = { "PATH=/usr/bin:/bin", "HOME=/tmp", "TMPDIR=/tmp", NULL };
	char *args[ARRAY_SIZE(argv)];
	size_t n;

	/* No device: end the command line before the device's NUMA nodes. */
	memcpy(args, argv, sizeof(argv));
	for (n = 0; opt.mode == MODE_PLAIN && args[n]; n++)
		if (!strcmp(args[n], "node,nodeid=1"))
			args[n - 1] = NULL;

	if (pipe(o) || pipe(e) || pipe(i))
		return -1;
	pid = fork();
	if (pid)
		goto parent;
	dup2(i[0], 0);
	dup2(o[1], 1);
	dup2(e[1], 2);
	if (chroot(ROOT) || chdir("/")) {
		perror("chroot " ROOT);
		_exit(127);
	}
	execve(QEMU_BIN, args, envp);
	perror("exec " QEMU_BIN);
	_exit(127);
parent:
	close(o[1]);
	close(e[1]);
	close(i[0]);
	*out = o[0];
	*err = e[0];
	*in = i[1];
	return pid;
}

static void host_fail_page(int in, unsigned long long off)
{
	unsigned long long pa = opt.base + off;
	char text[40];
	int kmsg = vc_kmsg_open();

	snprintf(text, sizeof(text), "%#llx", pa);
	ksft_print_msg("host: failing aperture page %#llx (guest offset %#llx)\n", pa, off);
	seen.poisoned = !vc_write("/sys/devices/system/memory/hard_offline_page", text);
	snprintf(text, sizeof(text), "Memory failure: %#llx", pa / 4096);
	seen.host_logged = vc_kmsg_has(kmsg, text);
	close(kmsg);
	if (write(in, "go\n", 3) != 3)
		ksft_print_msg("cannot tell the guest to go on: %s\n", strerror(errno));
}

static void guest_line(char *l, int in, double t0)
{
	unsigned long long a, b, c;
	char name[40], verdict[8];
	int n, i;

	printf("L2| %s\n", l);
	for (i = 0; kernel_errors[i]; i++)
		if (strstr(l, kernel_errors[i]))
			seen.l2_errors++;
	if (!seen.t_fw)
		seen.t_fw = now() - t0;
	if (strstr(l, "EFI stub: Booting") && !seen.t_kernel)
		seen.t_kernel = now() - t0;
	if (!strcmp(l, "VC-INIT")) {
		seen.saw_init = 1;
		seen.t_init = now() - t0;
	}
	if (strstr(l, "VC-L2-TRY unaligned"))
		seen.tried_unaligned = 1;
	/* printk'd results carry a timestamp: look past it. */
	l = strstr(l, "VC-L2-") ? strstr(l, "VC-L2-") : l;
	if (sscanf(l, "VC-L2-RESULT %39s %7s", name, verdict) == 2 &&
	    seen.nres < MAX_RESULTS) {
		snprintf(seen.res_name[seen.nres], sizeof(seen.res_name[0]), "%s", name);
		seen.res_ok[seen.nres++] = !strcmp(verdict, "ok");
	} else if (sscanf(l, "VC-L2-BAR %d start=%llx size=%llx flags=%llx",
			  &n, &a, &b, &c) == 4 && n >= 0 && n < 6) {
		seen.l2_bar_seen[n] = 1;
		seen.l2_bar_size[n] = b;
		seen.l2_bar_flags[n] = c;
	} else if (sscanf(l, "VC-L2-NODES generic-initiator=%63s", seen.gi_nodes) == 1) {
		;
	} else if (sscanf(l, "VC-L2-POISON off=%llx", &a) == 1) {
		host_fail_page(in, a);
	} else if (sscanf(l, "VC-L2-KEEP off=%llx value=%llx", &a, &b) == 2 &&
		   seen.nkeep < MAX_KEEP) {
		seen.keep_off[seen.nkeep] = a;
		seen.keep_val[seen.nkeep++] = b;
	} else if (!strcmp(l, "VC-L2-KEEP-DONE")) {
		seen.keep_done = 1;
	}
}

static void qemu_line(char *l)
{
	printf("QEMU| %s\n", l);
	if (strstr(l, "kvm run failed"))
		seen.kvm_error = 1;
	if (strstr(l, "Hardware memory error"))
		seen.hw_error_exit = 1;
	if (strstr(l, "Invalid argument"))
		seen.einval = 1;
}

/* Split what arrived on @fd into lines for @fn; 0 at end of file. */
static int drain(int fd, char *buf, size_t *len, size_t size,
		 void (*fn)(char *line, void *ctx), void *ctx)
{
	ssize_t n = read(fd, buf + *len, size - 1 - *len);
	char *nl;

	if (n <= 0)
		return 0;
	*len += n;
	buf[*len] = 0;
	while ((nl = strchr(buf, '\n'))) {
		*nl = 0;
		if (nl > buf && nl[-1] == '\r')
			nl[-1] = 0;
		fn(buf, ctx);
		memmove(buf, nl + 1, *len - (nl + 1 - buf) + 1);
		*len -= nl + 1 - buf;
	}
	if (*len == size - 1) {	/* an endless line: cut it */
		fn(buf, ctx);
		*len = 0;
	}
	return 1;
}

struct ctx {
	int in;
	double t0;
};

static void on_guest(char *line, void *p)
{
	struct ctx *c = p;

	guest_line(line, c->in, c->t0);
}

static void on_qemu(char *line, void *p)
{
	qemu_line(line);
}

static int run_qemu(void)
{
	static char obuf[8192], ebuf[8192];
	size_t olen = 0, elen = 0;
	int out, err, in, open_fds = 2, kmsg = vc_kmsg_open();
	struct pollfd pfd[2];
	struct ctx c;
	pid_t pid;
	double deadline;

	c.t0 = now();
	deadline = c.t0 + opt.timeout;
	pid = start_qemu(&out, &err, &in);
	if (pid < 0)
		return -1;
	c.in = in;
	pfd[0] = (struct pollfd){ .fd = out, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = err, .events = POLLIN };
	while (open_fds) {
		int left = (int)((deadline - now()) * 1000);

		if (left <= 0) {
			ksft_print_msg("timeout after %d s: stopping QEMU\n", opt.timeout);
			kill(pid, SIGKILL);
			break;
		}
		if (poll(pfd, 2, left) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents && !drain(out, obuf, &olen, sizeof(obuf), on_guest, &c)) {
			pfd[0].fd = -1;
			open_fds--;
		}
		if (pfd[1].revents && !drain(err, ebuf, &elen, sizeof(ebuf), on_qemu, NULL)) {
			pfd[1].fd = -1;
			open_fds--;
		}
		/* A KVM error stops the VM and leaves QEMU waiting: end it. */
		if (seen.kvm_error) {
			usleep(500000);
			kill(pid, SIGKILL);
		}
	}
	waitpid(pid, &seen.status, 0);
	seen.t_end = now() - c.t0;
	seen.host_refused = vc_kmsg_has(kmsg, "needs FEAT_S2FWB");
	close(kmsg);
	close(out);
	close(err);
	close(in);
	return 0;
}

/*
 * What a VMM's start costs before the guest runs: QEMU DMA-maps every BAR
 * mmap into the IOMMU (type1 here, as Debian's QEMU does with the group
 * API). Timed on the first opt.map_size bytes of the BAR.
 */
static int time_dma_map(void)
{
	char driver[64];
	struct vc_vfio v;
	double t, dt;
	void *m;
	int ret;

	snprintf(driver, sizeof(driver), "%s", vc_driver_of(opt.bdf));
	ret = vc_vfio_open(opt.bdf, &v);
	if (ret)
		return ret;
	m = mmap(NULL, opt.map_size, PROT_READ | PROT_WRITE, MAP_SHARED, v.device,
		 regions[opt.bar].offset);
	if (m == MAP_FAILED) {
		ret = -errno;
		goto out;
	}
	t = now();
	ret = vc_dma_map(&v, m, opt.map_size, 1ULL << 40);
	dt = now() - t;
	printf("VC-VMM-MAP %s BAR %d: %llu MiB type1 MAP_DMA %.3f s%s%s\n", driver,
	       opt.bar, opt.map_size >> 20, dt, ret ? ": " : "", ret ? strerror(-ret) : "");
	if (!ret)
		vc_dma_unmap(&v, 1ULL << 40, opt.map_size);
	munmap(m, opt.map_size);
out:
	vc_vfio_close(&v);
	return ret;
}

/* The pages the guest filled, read through VFIO after QEMU has gone. */
static int readback(int *bad_pages)
{
	unsigned long long w[512];
	struct vc_vfio v;
	int i, j, ret;

	*bad_pages = 0;
	ret = vc_vfio_open(opt.bdf, &v);
	if (ret)
		return ret;
	for (i = 0; i < seen.nkeep; i++) {
		if (pread(v.device, w, sizeof(w), regions[opt.bar].offset + seen.keep_off[i]) !=
		    sizeof(w)) {
			(*bad_pages)++;
			continue;
		}
		for (j = 0; j < 512; j++)
			if (w[j] != (seen.keep_val[i] ^ j))
				break;
		if (j < 512) {
			ksft_print_msg("page %#llx word %d: %#llx, the guest wrote %#llx\n",
				       seen.keep_off[i], j, w[j], seen.keep_val[i] ^ j);
			(*bad_pages)++;
		}
	}
	vc_vfio_close(&v);
	return 0;
}

/*
 * One check: a TAP result, or with -p (a peer driver, compared with ours,
 * not judged) a comment saying what works with it and what does not.
 */
static void verdict(int ok, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (opt.peer)
		printf("# peer %s %s: %s", vc_driver_of(opt.bdf), ok ? "works" : "FAILS", msg);
	else
		ksft_test_result(ok, "%s", msg);
}

static int result_of(const char *name)
{
	int i;

	for (i = 0; i < seen.nres; i++)
		if (!strcmp(seen.res_name[i], name))
			return seen.res_ok[i];
	return -1;
}

static void check_bars(void)
{
	int i, ok = 1;

	for (i = 0; i < 6; i++) {
		unsigned long long want = regions[i].size;
		unsigned long long f = seen.l2_bar_flags[i];

		if (!want && !seen.l2_bar_seen[i])
			continue;
		/* A 64-bit BAR's upper half is no BAR of its own in the guest. */
		if (i > 0 && !seen.l2_bar_seen[i] && (seen.l2_bar_flags[i - 1] & 0x100000))
			continue;
		ksft_print_msg("BAR %d: VFIO region %#llx, guest BAR %#llx flags %#llx\n",
			       i, want, seen.l2_bar_size[i], f);
		if (seen.l2_bar_size[i] != want)
			ok = 0;
	}
	/* IORESOURCE_MEM_64 | IORESOURCE_PREFETCH on the coherent BAR. */
	ok &= (seen.l2_bar_flags[opt.bar] & 0x102000) == 0x102000;
	verdict(ok, "guest BARs: sizes of the VFIO regions, BAR %d 64-bit prefetchable\n",
		opt.bar);
}

static void report_ram(void)
{
	int i, bad = 0, r;

	verdict(seen.saw_init, "QEMU starts the guest (guest /init after %.1f s)\n",
		seen.t_init);
	check_bars();
	verdict(!strcmp(seen.gi_nodes, "1-2"),
		"generic-initiator NUMA nodes in the guest: '%s' (want 1-2)\n",
		seen.gi_nodes);
	for (i = 0; ram_results[i]; i++) {
		r = result_of(ram_results[i]);
		verdict(r == 1, "guest: %s%s\n", ram_results[i],
			r < 0 ? " (never reported)" : "");
	}
	verdict(seen.poisoned && seen.host_logged,
		"host fails the page the guest named and logs it\n");
	verdict(seen.keep_done && !readback(&bad) && !bad && seen.nkeep,
		"host reads back through VFIO the %d pages the guest filled (%d differ)\n",
		seen.nkeep, bad);
	verdict(!seen.l2_errors, "guest kernel without reports (%d lines)\n",
		seen.l2_errors);
	verdict(WIFEXITED(seen.status) && !WEXITSTATUS(seen.status),
		"QEMU exits cleanly when the guest powers off\n");
}

static void report_device(void)
{
	int r = result_of("unaligned");
	int faulted = seen.kvm_error || r == 0 || seen.l2_errors;

	verdict(seen.saw_init,
		"QEMU starts the guest without cacheable stage 2 (/init after %.1f s)\n",
		seen.t_init);
	verdict(seen.tried_unaligned && r != 1 && faulted,
		"an unaligned access to the BAR faults as on Device memory (%s)\n",
		seen.kvm_error ? "KVM_RUN failed" :
		seen.l2_errors ? "guest fault" : r == 0 ? "wrong value" : "no fault");
	verdict(result_of("memremap-wb") == 1, "the guest still maps the BAR\n");
}

static void report_nofwb(void)
{
	int clean = WIFEXITED(seen.status) && !WEXITSTATUS(seen.status);

	verdict(!seen.saw_init && !clean,
		"QEMU with the cacheable BAR stops before the guest runs (%s %d)\n",
		WIFEXITED(seen.status) ? "exit status" : "signal",
		WIFEXITED(seen.status) ? WEXITSTATUS(seen.status) : WTERMSIG(seen.status));
	verdict(seen.einval, "QEMU names KVM's EINVAL for the memslot\n");
	verdict(seen.host_refused, "the host log says the memslot needs FEAT_S2FWB\n");
}

static void report_noras(void)
{
	verdict(seen.saw_init, "QEMU without ras=on starts the guest\n");
	verdict(seen.poisoned && seen.host_logged,
		"host fails the page the guest named and logs it\n");
	verdict(seen.hw_error_exit && WIFEXITED(seen.status) &&
		WEXITSTATUS(seen.status),
		"QEMU without ras=on exits on the guest's touch (\"Hardware memory error\")\n");
	verdict(result_of("poison-kills-user") < 0,
		"the guest never got to judge the touch\n");
}

int main(int argc, char **argv)
{
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "i:m:M:pt:")) != -1) {
		switch (c) {
		case 'i':
			opt.initrd = optarg;
			break;
		case 'p':
			opt.peer = 1;
			break;
		case 'm':
			for (opt.mode = MODE_NOFWB; opt.mode; opt.mode--)
				if (!strcmp(optarg, mode_names[opt.mode]))
					break;
			break;
		case 'M':
			opt.map_size = strtoull(optarg, NULL, 0);
			break;
		case 't':
			opt.timeout = atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 3) {
		fprintf(stderr, "usage: %s [-m MODE] [-i NAME] [-M SIZE] [-p] [-t S] %s\n",
			argv[0], "BDF BAR BASE");
		return 2;
	}
	opt.bdf = argv[optind];
	opt.bar = atoi(argv[optind + 1]);
	opt.base = strtoull(argv[optind + 2], NULL, 0);

	ksft_print_header();
	ksft_set_plan(opt.peer ? 0 : opt.mode == MODE_RAM ? 20 :
		      opt.mode == MODE_DEVICE || opt.mode == MODE_NOFWB ? 3 :
		      opt.mode == MODE_NORAS ? 4 : 1);
	if (setup_root() || read_regions())
		ksft_exit_fail_msg("cannot set up QEMU\n");
	if (opt.map_size && time_dma_map())
		ksft_print_msg("DMA map of BAR %d failed\n", opt.bar);
	if (run_qemu())
		ksft_exit_fail_msg("cannot run QEMU\n");
	printf("VC-VMM-TIME %s: QEMU start to firmware %.1f s, kernel %.1f s, /init %.1f s, ",
	       vc_driver_of(opt.bdf), seen.t_fw, seen.t_kernel, seen.t_init);
	printf("exit %.1f s\n", seen.t_end);
	if (opt.mode == MODE_RAM)
		report_ram();
	else if (opt.mode == MODE_DEVICE)
		report_device();
	else if (opt.mode == MODE_NORAS)
		report_noras();
	else if (opt.mode == MODE_NOFWB)
		report_nofwb();
	else if (opt.mode == MODE_PLAIN)
		verdict(seen.saw_init,
			"QEMU starts a guest on this CPU (no device; /init after %.1f s)\n",
			seen.t_init);
	else
		verdict(seen.saw_init, "QEMU starts the guest\n");
	ksft_finished();
}
