// SPDX-License-Identifier: GPL-2.0-only
/*
 * /init of the vfio-coherent test machine: mounts the pseudo filesystems,
 * then runs the steps in /etc/vc-steps one by one and powers off.
 *
 * Steps, one per line (blank lines and '#' comments ignored):
 *	insmod PATH [PARAM...]	load a module (finit_module) with its parameters
 *	rmmod NAME		unload a module
 *	write PATH TEXT		write TEXT to a (sysfs) file
 *	echo TEXT		print TEXT
 *	setenv NAME VALUE	set an environment variable for programs started later
 *	run PROG [ARGS...]	run a program, framed by VC-RUN-BEGIN/END lines
 *
 * A failing insmod, rmmod or write prints "VC-STEP-FAIL" and the runner
 * counts it as a failed test. The last line is always "VC-DONE".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 32

static void mnt(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY)
		printf("vc-init: mount %s on %s: %s\n", type, dst, strerror(errno));
}

static int split(char *line, char **argv)
{
	int argc = 0;
	char *tok;

	for (tok = strtok(line, " \t"); tok && argc < MAX_ARGS - 1; tok = strtok(NULL, " \t"))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return argc;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* VC-RUN-END carries the program's wall time: make check's time table. */
static int run(char **argv)
{
	double start = now();
	int status;
	pid_t pid;

	printf("VC-RUN-BEGIN %s\n", argv[0]);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		printf("vc-init: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = 255 << 8;
	if (WIFSIGNALED(status))
		printf("VC-RUN-END %s signal=%d secs=%.1f\n", argv[0],
		       WTERMSIG(status), now() - start);
	else
		printf("VC-RUN-END %s rc=%d secs=%.1f\n", argv[0],
		       WEXITSTATUS(status), now() - start);
	fflush(stdout);
	return 0;
}

static int insmod(char *path, char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ? params : "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

/* Print a file between markers, for the verdict to read. */
static int cat_file(const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	printf("VC-CAT-BEGIN %s\n", path);
	while (fgets(buf, sizeof(buf), f))
		fputs(buf, stdout);
	printf("VC-CAT-END %s\n", path);
	fclose(f);
	return 0;
}

/* argv[from..] joined by spaces, as finit_module() takes parameters. */
static void join(char *buf, size_t size, char **argv, int from)
{
	size_t len = 0;
	int i;

	buf[0] = 0;
	for (i = from; argv[i] && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", i > from ? " " : "", argv[i]);
}

static void do_step(char *line)
{
	char *argv[MAX_ARGS], *rest, params[512];
	int argc, ret = 0;

	line[strcspn(line, "\n")] = 0;
	if (!line[0] || line[0] == '#')
		return;
	if (!strncmp(line, "echo ", 5)) {
		printf("%s\n", line + 5);
		return;
	}
	if (!strncmp(line, "write ", 6)) {
		rest = strchr(line + 6, ' ');
		if (!rest) {
			printf("VC-STEP-FAIL '%s': no text to write\n", line);
			return;
		}
		*rest++ = 0;
		ret = write_file(line + 6, rest);
		if (ret)
			printf("VC-STEP-FAIL write %s '%s': %s\n", line + 6, rest, strerror(-ret));
		return;
	}
	argc = split(line, argv);
	if (!strcmp(argv[0], "insmod") && argc >= 2) {
		join(params, sizeof(params), argv, 2);
		ret = insmod(argv[1], params);
		printf("vc-init: insmod %s: %s\n", argv[1], ret ? strerror(-ret) : "ok");
		if (ret)
			printf("VC-STEP-FAIL insmod %s\n", argv[1]);
	} else if (!strcmp(argv[0], "rmmod") && argc == 2) {
		ret = syscall(SYS_delete_module, argv[1], O_NONBLOCK) ? -errno : 0;
		printf("vc-init: rmmod %s: %s\n", argv[1], ret ? strerror(-ret) : "ok");
		if (ret)
			printf("VC-STEP-FAIL rmmod %s\n", argv[1]);
	} else if (!strcmp(argv[0], "setenv") && argc == 3) {
		if (setenv(argv[1], argv[2], 1))
			printf("VC-STEP-FAIL setenv %s: %s\n", argv[1], strerror(errno));
	} else if (!strcmp(argv[0], "run") && argc >= 2) {
		run(argv + 1);
	} else if (!strcmp(argv[0], "cat") && argc == 2) {
		ret = cat_file(argv[1]);
		if (ret)
			printf("VC-STEP-FAIL cat %s: %s\n", argv[1], strerror(-ret));
	} else {
		printf("VC-STEP-FAIL unknown step '%s'\n", argv[0]);
	}
	fflush(stdout);
}

int main(void)
{
	char line[1024];
	FILE *steps;

	mnt("proc", "/proc", "proc");
	mnt("sysfs", "/sys", "sysfs");
	mnt("devtmpfs", "/dev", "devtmpfs");
	mnt("debugfs", "/sys/kernel/debug", "debugfs");
	mnt("tmpfs", "/tmp", "tmpfs");
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("VC-INIT\n");
	steps = fopen("/etc/vc-steps", "r");
	if (!steps) {
		printf("VC-STEP-FAIL no /etc/vc-steps\n");
	} else {
		while (fgets(line, sizeof(line), steps))
			do_step(line);
		fclose(steps);
	}
	printf("VC-DONE\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
