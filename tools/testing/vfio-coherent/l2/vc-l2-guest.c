// SPDX-License-Identifier: GPL-2.0-only
/*
 * vc-l2-guest: the programs the nested guest runs (steps of its /init),
 * talking to the host's launcher (vc-vmm) over the serial console.
 *
 *   vc-l2-guest info BAR	print the assigned device's BARs as the guest
 *				sees them, the NUMA nodes, and save MemTotal
 *   vc-l2-guest ram BAR [SIZE]	after vc_l2_ram.ko onlined the BAR (or its
 *				first SIZE bytes): MemTotal growth, and a
 *				process bound (mbind) to the generic-initiator
 *				node filling and checking its pages, which must
 *				lie inside the BAR
 *   vc-l2-guest poison BAR	a child uses a page of that node, asks the host
 *				to fail it ("VC-L2-POISON off=..."), waits for
 *				"go" on the console, touches it again: it must
 *				die of SIGBUS BUS_MCEERR_AR, the guest must not
 *   vc-l2-guest load KO [PARAMS...]
 *				load a module from a child process, so that
 *				a fault in its init (Device memory) kills
 *				the child, not /init
 *   vc-l2-guest keep BAR	a child fills pages of that node with a pattern,
 *				tells the host where ("VC-L2-KEEP off=..."),
 *				and holds them while the guest powers off, so
 *				the host can read them back through VFIO
 *
 * Facts are printed as "VC-L2-<WHAT> ..." lines, verdicts as
 * "VC-L2-RESULT <name> ok|fail <detail>".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE		4096UL
#define MPOL_BIND	2

static char dev[300];
static unsigned long long bar_start, bar_size;

static void result(const char *name, int ok, const char *fmt, ...)
{
	va_list ap;

	printf("VC-L2-RESULT %s %s ", name, ok ? "ok" : "fail");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = !!fgets(buf, size, f);
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* The assigned function: the first one that is not a bridge. */
static int find_device(void)
{
	char path[600], class[16];
	struct dirent *e;
	DIR *dir = opendir("/sys/bus/pci/devices");

	if (!dir)
		return -1;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/class", e->d_name);
		if (read_line(path, class, sizeof(class)) || !strncmp(class, "0x06", 4))
			continue;
		snprintf(dev, sizeof(dev), "/sys/bus/pci/devices/%s", e->d_name);
		break;
	}
	closedir(dir);
	return dev[0] ? 0 : -1;
}

/* BAR @bar of the device from sysfs "resource": start, size, flags. */
static int read_bar(int bar, unsigned long long *start, unsigned long long *size,
		    unsigned long long *flags)
{
	unsigned long long s, e, f;
	char path[400];
	FILE *file;
	int i, ret = -1;

	snprintf(path, sizeof(path), "%s/resource", dev);
	file = fopen(path, "r");
	if (!file)
		return -1;
	for (i = 0; i <= bar; i++) {
		if (fscanf(file, "%llx %llx %llx", &s, &e, &f) != 3)
			goto out;
	}
	*start = s;
	*size = s || e ? e - s + 1 : 0;
	*flags = f;
	ret = 0;
out:
	fclose(file);
	return ret;
}

static unsigned long long meminfo(const char *path, const char *key)
{
	unsigned long long kb = 0;
	char line[256], *p;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, key);
		if (p) {
			kb = strtoull(p + strlen(key), NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb * 1024;
}

/* The first generic-initiator node, -1 if there is none. */
static int gi_node(void)
{
	char buf[64];

	if (read_line("/sys/devices/system/node/has_generic_initiator", buf, sizeof(buf)))
		return -1;
	return buf[0] ? atoi(buf) : -1;
}

static int cmd_info(void)
{
	unsigned long long s, z, f;
	char buf[64];
	FILE *out;
	int i;

	for (i = 0; i < 6; i++) {
		if (read_bar(i, &s, &z, &f) || !z)
			continue;
		printf("VC-L2-BAR %d start=%#llx size=%#llx flags=%#llx\n", i, s, z, f);
	}
	if (!read_line("/sys/devices/system/node/has_generic_initiator", buf, sizeof(buf)))
		printf("VC-L2-NODES generic-initiator=%s\n", buf);
	if (!read_line("/sys/devices/system/node/has_memory", buf, sizeof(buf)))
		printf("VC-L2-NODES memory=%s\n", buf);
	if (!read_line("/sys/devices/system/node/online", buf, sizeof(buf)))
		printf("VC-L2-NODES online=%s\n", buf);
	out = fopen("/tmp/vc-memtotal", "w");
	if (!out)
		return 1;
	fprintf(out, "%llu\n", meminfo("/proc/meminfo", "MemTotal:"));
	fclose(out);
	return 0;
}

/* Guest-physical address of the page at @p (root sees PFNs in pagemap). */
static unsigned long long gpa_of(void *p)
{
	static int fd = -1;
	uint64_t e = 0;

	if (fd < 0)
		fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, &e, 8, (uintptr_t)p / PAGE * 8) != 8)
		return 0;
	if (!(e & (1ULL << 63)))
		return 0;
	return (e & ((1ULL << 55) - 1)) * PAGE;
}

/* Anonymous memory bound to @node, every page touched. */
static void *node_memory(size_t len, int node)
{
	unsigned long mask = 1UL << node;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (syscall(SYS_mbind, p, len, MPOL_BIND, &mask, 64, 0)) {
		printf("vc-l2-guest: mbind node %d: %s\n", node, strerror(errno));
		munmap(p, len);
		return NULL;
	}
	memset(p, 0, len);
	return p;
}

static int in_bar(unsigned long long gpa)
{
	return gpa >= bar_start && gpa < bar_start + bar_size;
}

#define FILL_PAGES	8192	/* 32 MiB */

static int cmd_ram(unsigned long long want)
{
	unsigned long long before = 0, after, node_total, gpa;
	int node = gi_node(), *status, outside = 0, wrong_node = 0, bad = 0;
	char path[128], buf[64];
	void **pages;
	uint64_t *w;
	size_t i, j;
	char *mem;

	if (!read_line("/tmp/vc-memtotal", buf, sizeof(buf)))
		before = strtoull(buf, NULL, 10);
	after = meminfo("/proc/meminfo", "MemTotal:");
	printf("VC-L2-MEMTOTAL before=%llu after=%llu\n", before, after);
	result("memtotal-grew-by-bar", before && after - before == want,
	       "by %llu, onlined %llu of BAR %llu", after - before, want, bar_size);
	if (node < 0) {
		result("node-memory", 0, "no generic-initiator node");
		return 1;
	}
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", node);
	node_total = meminfo(path, "MemTotal:");
	result("node-memory", node_total == want,
	       "node %d MemTotal %llu, onlined %llu", node, node_total, want);

	mem = node_memory(FILL_PAGES * PAGE, node);
	if (!mem) {
		result("mbind-fill", 0, "no memory on node %d", node);
		return 1;
	}
	pages = calloc(FILL_PAGES, sizeof(*pages));
	status = calloc(FILL_PAGES, sizeof(*status));
	for (i = 0; i < FILL_PAGES; i++) {
		pages[i] = mem + i * PAGE;
		w = pages[i];
		for (j = 0; j < PAGE / 8; j++)
			w[j] = 0x5a5a000000000000ULL ^ (i << 16) ^ j;
	}
	if (syscall(SYS_move_pages, 0, FILL_PAGES, pages, NULL, status, 0)) {
		result("mbind-fill", 0, "move_pages: %s", strerror(errno));
		return 1;
	}
	for (i = 0; i < FILL_PAGES; i++) {
		wrong_node += status[i] != node;
		gpa = gpa_of(pages[i]);
		outside += !in_bar(gpa);
		w = pages[i];
		for (j = 0; j < PAGE / 8; j++)
			bad += w[j] != (0x5a5a000000000000ULL ^ (i << 16) ^ j);
	}
	result("mbind-fill", !wrong_node && !outside && !bad,
	       "%d pages on node %d: %d on another node, %d outside the BAR, %d bad words",
	       FILL_PAGES, node, wrong_node, outside, bad);
	return wrong_node || outside || bad;
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	char msg[128];
	int n;

	n = snprintf(msg, sizeof(msg), "VC-L2-SIGBUS code=%d lsb=%d addr=%p\n",
		     si->si_code, si->si_addr_lsb, si->si_addr);
	write(1, msg, n);
	_exit(si->si_code == BUS_MCEERR_AR ? 42 : 43);
}

static int kmsg_has(const char *text)
{
	char rec[2048];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK), found = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = 0;
		if (strstr(rec, text))
			found = 1;
	}
	close(fd);
	return found;
}

static int cmd_poison(void)
{
	int node = gi_node(), st, ok;
	unsigned long long *shared;
	char line[64], text[64];
	char *p;
	pid_t pid;

	if (node < 0) {
		result("poison-kills-user", 0, "no generic-initiator node");
		return 1;
	}
	/* Where the child's page is, for the parent to find in the log. */
	shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 1;
	*shared = 0;
	fflush(stdout);
	pid = fork();
	if (!pid) {
		struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
		unsigned long long gpa;

		sigaction(SIGBUS, &sa, NULL);
		p = node_memory(PAGE, node);
		if (!p)
			_exit(2);
		memset(p, 0x77, PAGE);
		gpa = gpa_of(p);
		if (!in_bar(gpa)) {
			printf("vc-l2-guest: page at %#llx is outside the BAR\n", gpa);
			_exit(3);
		}
		*shared = gpa;
		printf("VC-L2-POISON off=%#llx gpa=%#llx\n", gpa - bar_start, gpa);
		fflush(stdout);
		/* The host fails the page, then says "go". */
		if (!fgets(line, sizeof(line), stdin) || strncmp(line, "go", 2))
			_exit(4);
		printf("vc-l2-guest: touching the failed page\n");
		fflush(stdout);
		if (__atomic_load_n(&p[100], __ATOMIC_RELAXED) != 0x77)
			_exit(5);
		_exit(0);	/* read it: the failure did not reach us */
	}
	waitpid(pid, &st, 0);
	ok = WIFEXITED(st) && WEXITSTATUS(st) == 42;
	result("poison-kills-user", ok, "child %s %d (42: SIGBUS BUS_MCEERR_AR)",
	       WIFEXITED(st) ? "exited" : "killed by signal",
	       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	result("guest-ghes", kmsg_has("[Hardware Error]"),
	       "the guest kernel's GHES logged a hardware error");
	/* memory_failure() names the guest page frame it handled. */
	snprintf(text, sizeof(text), "Memory failure: %#llx:", *shared / PAGE);
	result("guest-memory-failure", *shared && kmsg_has(text),
	       "'%s' in the guest's log", text);
	/* The guest goes on: more memory of that node works. */
	p = node_memory(16 * PAGE, node);
	result("guest-survives", !!p, "16 pages of node %d after the failure", node);
	return !ok;
}

static int cmd_keep(void)
{
	int node = gi_node(), fds[2], i;
	unsigned long long token;
	char c;

	if (node < 0 || pipe(fds))
		return 1;
	if (getrandom(&token, sizeof(token), 0) != sizeof(token))
		token = 0x0123456789abcdefULL ^ getpid();
	fflush(stdout);
	if (!fork()) {
		uint64_t *w;
		char *mem = node_memory(16 * PAGE, node);
		size_t j;

		if (!mem)
			_exit(1);
		for (i = 0; i < 16; i++) {
			w = (uint64_t *)(mem + i * PAGE);
			for (j = 0; j < PAGE / 8; j++)
				w[j] = token ^ ((uint64_t)i << 32) ^ j;
			printf("VC-L2-KEEP off=%#llx value=%#llx\n", gpa_of(w) - bar_start,
			       (unsigned long long)(token ^ ((uint64_t)i << 32)));
		}
		printf("VC-L2-KEEP-DONE\n");
		fflush(stdout);
		write(fds[1], "x", 1);
		for (;;)
			pause();	/* hold the pages until the power goes */
	}
	close(fds[1]);
	return read(fds[0], &c, 1) == 1 ? 0 : 1;
}

static int cmd_load(const char *path, const char *params)
{
	int fd, st;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (!pid) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, params, 0)) {
			printf("vc-l2-guest: load %s: %s\n", path, strerror(errno));
			_exit(1);
		}
		_exit(0);
	}
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		printf("vc-l2-guest: loading %s killed by signal %d\n", path, WTERMSIG(st));
	return !(WIFEXITED(st) && !WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
	unsigned long long flags;
	int bar;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "load")) {
		char params[256] = "";
		size_t len = 0;

		for (bar = 3; bar < argc && len < sizeof(params); bar++)
			len += snprintf(params + len, sizeof(params) - len, "%s%s",
					bar > 3 ? " " : "", argv[bar]);
		return cmd_load(argv[2], params);
	}
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: %s info|ram|poison|keep BAR [SIZE]\n", argv[0]);
		return 2;
	}
	bar = atoi(argv[2]);
	if (find_device() || read_bar(bar, &bar_start, &bar_size, &flags)) {
		result(argv[1], 0, "no assigned device with BAR %d", bar);
		return 1;
	}
	if (!strcmp(argv[1], "info"))
		return cmd_info();
	if (!strcmp(argv[1], "ram"))
		return cmd_ram(argc == 4 ? strtoull(argv[3], NULL, 0) : bar_size);
	if (!strcmp(argv[1], "poison"))
		return cmd_poison();
	if (!strcmp(argv[1], "keep"))
		return cmd_keep();
	fprintf(stderr, "%s: unknown command %s\n", argv[0], argv[1]);
	return 2;
}
