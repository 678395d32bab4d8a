// SPDX-License-Identifier: GPL-2.0-only
/*
 * Binding the devicetree-described test devices to vfio-coherent and using
 * them through the real VFIO API; refusal of undescribed and malformed ones.
 * Runs inside the test machine described in vc_machine.h.
 */
#define _GNU_SOURCE
#include <sys/syscall.h>

#include "../kselftest_harness.h"
#include "vc_util.h"

TEST(described_device_binds)
{
	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_STREQ(VC_DRIVER, vc_driver_of(VC_DEV_GOOD));
}

TEST(undescribed_device_refused)
{
	int kmsg = vc_kmsg_open();

	ASSERT_LE(0, kmsg);
	EXPECT_EQ(-ENODEV, vc_bind(VC_DEV_UNDESCRIBED, VC_DRIVER));
	EXPECT_STREQ("", vc_driver_of(VC_DEV_UNDESCRIBED));
	EXPECT_TRUE(vc_kmsg_has(kmsg, "no devicetree node: coherent memory not described"));
	close(kmsg);
}

/* A refused function is not a VFIO device: its group cannot be opened. */
TEST(undescribed_device_not_in_vfio)
{
	struct vc_vfio v;

	EXPECT_EQ(-ENODEV, vc_bind(VC_DEV_UNDESCRIBED, VC_DRIVER));
	EXPECT_EQ(-ENOENT, vc_vfio_open(VC_DEV_UNDESCRIBED, &v));
	vc_vfio_close(&v);
}

TEST(system_ram_overlap_refused)
{
	int kmsg = vc_kmsg_open();

	ASSERT_LE(0, kmsg);
	EXPECT_EQ(-EBUSY, vc_bind(VC_DEV_RAM, VC_DRIVER));
	EXPECT_STREQ("", vc_driver_of(VC_DEV_RAM));
	EXPECT_TRUE(vc_kmsg_has(kmsg, "overlaps System RAM"));
	close(kmsg);
}

TEST(malformed_description_refused)
{
	int kmsg = vc_kmsg_open();

	ASSERT_LE(0, kmsg);
	EXPECT_EQ(-EINVAL, vc_bind(VC_DEV_MALFORMED, VC_DRIVER));
	EXPECT_STREQ("", vc_driver_of(VC_DEV_MALFORMED));
	EXPECT_TRUE(vc_kmsg_has(kmsg, "size is zero"));
	close(kmsg);
}

/*
 * Descriptions the core must refuse though no other check would catch
 * them: an aperture nested in a resource that is not busy (the host
 * bridge's MMIO window), one over memory with struct pages that is not
 * System RAM (a no-map carve-out), and one larger than a VFIO region.
 * And the backend's: good ranges on a node whose status says the memory
 * is not there, and on a node with a second reg entry, which must not be
 * dropped.
 */
struct refusal {
	const char *bdf;
	int err;
	const char *msg;
};

static const struct refusal refusals[] = {
	{ VC_DEV_IN_WINDOW, -EBUSY, "(pcie@10000000)" },
	{ VC_DEV_NOMAP, -EBUSY, "has struct pages" },
	{ VC_DEV_HUGE, -EINVAL, "more than a VFIO region can hold" },
	{ VC_DEV_DISABLED, -ENODEV, "has status \"disabled\"" },
	{ VC_DEV_TWO_REGS, -EINVAL, "2 reg entries, expected one" },
};

TEST(described_wrongly_refused)
{
	unsigned int i;
	int kmsg;

	for (i = 0; i < ARRAY_SIZE(refusals); i++) {
		const struct refusal *r = &refusals[i];

		kmsg = vc_kmsg_open();
		ASSERT_LE(0, kmsg);
		EXPECT_EQ(r->err, vc_bind(r->bdf, VC_DRIVER)) TH_LOG("%s", r->bdf);
		EXPECT_STREQ("", vc_driver_of(r->bdf));
		EXPECT_TRUE(vc_kmsg_has(kmsg, r->msg))
			TH_LOG("%s: no '%s' in the kernel log", r->bdf, r->msg);
		close(kmsg);
	}
}

/* The apertures are claimed in /proc/iomem under the function's name. */
TEST(apertures_claimed)
{
	char line[256], want_use[128], want_res[128];
	int found_use = 0, found_res = 0;
	FILE *f;

	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	snprintf(want_use, sizeof(want_use), "%llx-%llx : %s", VC_USEMEM_BASE,
		 VC_USEMEM_BASE + VC_USEMEM_SIZE - 1, VC_DEV_GOOD);
	snprintf(want_res, sizeof(want_res), "%llx-%llx : %s", VC_RESMEM_BASE,
		 VC_RESMEM_BASE + VC_RESMEM_SIZE - 1, VC_DEV_GOOD);
	f = fopen("/proc/iomem", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		found_use |= !!strstr(line, want_use);
		found_res |= !!strstr(line, want_res);
	}
	fclose(f);
	EXPECT_TRUE(found_use) TH_LOG("no '%s' in /proc/iomem", want_use);
	EXPECT_TRUE(found_res) TH_LOG("no '%s' in /proc/iomem", want_res);
}

TEST(vfio_device_info)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vc_vfio v;

	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &v));
	ASSERT_EQ(0, ioctl(v.device, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_LE(VFIO_PCI_NUM_REGIONS, info.num_regions);
	vc_vfio_close(&v);
}

/*
 * The device was opened through the API this run is for: the cdev
 * (/dev/vfio/devices/vfioN, bound to iommufd) or a group's anonymous device
 * file. Keeps a run that meant to test the cdev API from quietly testing
 * the group API.
 */
TEST(vfio_api_as_asked)
{
	char link[PATH_MAX], path[64];
	struct vc_vfio v;
	ssize_t n;

	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &v));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", v.device);
	n = readlink(path, link, sizeof(link) - 1);
	ASSERT_LT(0, n);
	link[n] = 0;
	ksft_print_msg("VFIO API %s: device file %s\n",
		       vc_vfio_api_cdev() ? "cdev + iommufd" : "group + type1", link);
	if (vc_vfio_api_cdev()) {
		EXPECT_EQ(0, strncmp(link, "/dev/vfio/devices/vfio", 22));
		EXPECT_LE(0, v.iommufd);
		EXPECT_EQ(-1, v.group);
	} else {
		EXPECT_STREQ("anon_inode:[vfio-device]", link);
		EXPECT_LE(0, v.group);
		EXPECT_EQ(-1, v.iommufd);
	}
	vc_vfio_close(&v);
}

TEST(region_info_reports_apertures)
{
	struct vfio_region_info info;
	struct vc_vfio v;

	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &v));

	ASSERT_EQ(0, vc_region_info(&v, VC_USEMEM_BAR, &info));
	EXPECT_EQ(VC_USEMEM_SIZE, info.size);
	EXPECT_EQ((__u64)VC_USEMEM_BAR << 40, info.offset);

	/* 48 MiB of memory is a 64 MiB BAR. */
	ASSERT_EQ(0, vc_region_info(&v, VC_RESMEM_BAR, &info));
	EXPECT_EQ(VC_RESMEM_BAR_SIZE, info.size);
	EXPECT_EQ((__u64)VC_RESMEM_BAR << 40, info.offset);

	/* The device's own BAR is vfio-pci-core's, untouched. */
	ASSERT_EQ(0, vc_region_info(&v, 0, &info));
	EXPECT_EQ(VC_GOOD_BAR0_SIZE, info.size);
	EXPECT_TRUE(info.flags & VFIO_REGION_INFO_FLAG_MMAP);
	vc_vfio_close(&v);
}

/* Differential: the same function under plain vfio-pci has no apertures. */
TEST(plain_vfio_pci_has_no_aperture)
{
	struct vfio_region_info info;
	struct vc_vfio v;

	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, "vfio-pci"));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &v));
	ASSERT_EQ(0, vc_region_info(&v, VC_USEMEM_BAR, &info));
	EXPECT_EQ(0, info.size);
	ASSERT_EQ(0, vc_region_info(&v, VC_RESMEM_BAR, &info));
	EXPECT_EQ(0, info.size);
	vc_vfio_close(&v);
	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
}

/* Unbind, unload core and backend, load them again, bind again. */
TEST(module_reload)
{
	struct vfio_region_info info;
	struct vc_vfio v;

	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	/* The core cannot go while a backend uses it. */
	EXPECT_NE(0, vc_rmmod("vfio_coherent"));
	ASSERT_EQ(0, vc_rmmod("vfio_coherent_of"));
	EXPECT_STREQ("", vc_driver_of(VC_DEV_GOOD));
	/* Every other backend goes too, or the core stays pinned. */
	ASSERT_EQ(0, vc_rmmod("vfio_coherent_nvgrace"));
	ASSERT_EQ(0, vc_rmmod("vfio_coherent"));
	EXPECT_NE(0, access("/sys/bus/pci/drivers/" VC_DRIVER, F_OK));

	ASSERT_EQ(0, vc_insmod("vfio-coherent"));
	ASSERT_EQ(0, vc_insmod("vfio-coherent-of"));
	ASSERT_EQ(0, vc_insmod("vfio-coherent-nvgrace"));
	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &v));
	ASSERT_EQ(0, vc_region_info(&v, VC_USEMEM_BAR, &info));
	EXPECT_EQ(VC_USEMEM_SIZE, info.size);
	vc_vfio_close(&v);
}

TEST_HARNESS_MAIN
