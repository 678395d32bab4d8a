// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ACPI _CRS backend in the ACPI machine: 00:03.0's companion lists
 * 512 MiB of Cacheable memory in _CRS (QWordMemory), which
 * vfio-coherent-acpi exposes at the function's first free BAR pair; the
 * GPU at 00:02.0 has only _DSD properties, no _CRS, and is refused. The
 * functions are left bound as they were found.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "../kselftest_harness.h"
#include "vc_util.h"

static const char *sysfs_dev(const char *bdf, const char *file)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, file);
	return path;
}

/* The backend's module, loaded unless the machine's steps did. */
static int load_backend(void)
{
	int ret = vc_insmod(VC_ACPI_MODULE);

	return ret == -EEXIST ? 0 : ret;
}

/*
 * Put @bdf back with driver @prev ("" for none): unbound, driver_override
 * cleared, then bound to @prev as vc_bind() does.
 */
static int restore(const char *bdf, const char *prev)
{
	int ret = vc_unbind(bdf);

	if (!ret)
		ret = vc_write(sysfs_dev(bdf, "driver_override"), "\n");
	if (!ret && *prev)
		ret = vc_bind(bdf, prev);
	return ret;
}

FIXTURE(crs) {
	char prev[64];		/* the driver 00:03.0 had */
	struct vc_vfio v;
	struct vfio_region_info info;
};

FIXTURE_SETUP(crs)
{
	snprintf(self->prev, sizeof(self->prev), "%s", vc_driver_of(VC_ACPI_CRS_DEV));
	self->v = (struct vc_vfio){ .container = -1, .group = -1, .iommufd = -1, .device = -1 };
	ASSERT_EQ(0, load_backend());
	ASSERT_EQ(0, vc_bind(VC_ACPI_CRS_DEV, VC_ACPI_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_ACPI_CRS_DEV, &self->v));
	vc_set_memory(self->v.device, 1);
	ASSERT_EQ(0, vc_region_info(&self->v, VC_ACPI_CRS_BAR, &self->info));
}

FIXTURE_TEARDOWN(crs)
{
	vc_vfio_close(&self->v);
	EXPECT_EQ(0, restore(VC_ACPI_CRS_DEV, self->prev));
}

/* A virtual 64-bit prefetchable BAR of exactly the _CRS length, mappable. */
TEST_F(crs, region_info)
{
	struct vfio_region_info other;
	const __u32 rwm = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			  VFIO_REGION_INFO_FLAG_MMAP;

	EXPECT_EQ(VC_ACPI_CRS_SIZE, self->info.size);
	EXPECT_EQ(rwm, self->info.flags & rwm);
	/* pci-testdev's own BAR 0 is untouched; BAR 4 holds nothing. */
	ASSERT_EQ(0, vc_region_info(&self->v, 0, &other));
	EXPECT_EQ(VC_TESTDEV_BAR0_SIZE, other.size);
	ASSERT_EQ(0, vc_region_info(&self->v, 4, &other));
	EXPECT_EQ(0, other.size);
}

TEST_F(crs, config_bar_sizing)
{
	unsigned int bar = PCI_BASE_ADDRESS_0 + 4 * VC_ACPI_CRS_BAR;
	off_t cfg = (off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40;
	__u32 ones = 0xffffffff;
	int d = self->v.device;

	ASSERT_EQ(4, pwrite(d, &ones, 4, cfg + bar));
	ASSERT_EQ(4, pwrite(d, &ones, 4, cfg + bar + 4));
	/* 512 MiB, 64-bit, prefetchable. */
	EXPECT_EQ(0xe000000c, vc_cfg_read32(d, bar));
	EXPECT_EQ(0xffffffff, vc_cfg_read32(d, bar + 4));
}

/* Offsets spread over the aperture: its start, a page edge, middle, end. */
static const size_t offs[] = {
	0, 3 * 4096 - 8, VC_ACPI_CRS_SIZE / 2 + 100, VC_ACPI_CRS_SIZE - 64,
};

TEST_F(crs, mmap_write_read_back)
{
	unsigned char out[64], in[64];
	unsigned int i, j;
	char *p;

	p = mmap(NULL, VC_ACPI_CRS_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->v.device, self->info.offset);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		for (j = 0; j < sizeof(out); j++)
			out[j] = i * 31 + j * 7 + 1;
		memcpy(p + offs[i], out, sizeof(out));
	}
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		for (j = 0; j < sizeof(out); j++)
			out[j] = i * 31 + j * 7 + 1;
		EXPECT_EQ(0, memcmp(p + offs[i], out, sizeof(out))) TH_LOG("offset %#zx", offs[i]);
		/* read() sees what the mapping wrote. */
		ASSERT_EQ(sizeof(in), pread(self->v.device, in, sizeof(in),
					    self->info.offset + offs[i]));
		EXPECT_EQ(0, memcmp(in, out, sizeof(in))) TH_LOG("offset %#zx", offs[i]);
	}
	munmap(p, VC_ACPI_CRS_SIZE);
}

/* And the mapping sees what write() wrote, across unmap and map. */
TEST_F(crs, pwrite_seen_by_mapping)
{
	unsigned char out[64];
	unsigned int i, j;
	char *p;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		for (j = 0; j < sizeof(out); j++)
			out[j] = 0xa5 ^ (i * 13 + j);
		ASSERT_EQ(sizeof(out), pwrite(self->v.device, out, sizeof(out),
					      self->info.offset + offs[i]));
	}
	p = mmap(NULL, VC_ACPI_CRS_SIZE, PROT_READ, MAP_SHARED, self->v.device,
		 self->info.offset);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		for (j = 0; j < sizeof(out); j++)
			out[j] = 0xa5 ^ (i * 13 + j);
		EXPECT_EQ(0, memcmp(p + offs[i], out, sizeof(out))) TH_LOG("offset %#zx", offs[i]);
	}
	munmap(p, VC_ACPI_CRS_SIZE);
}

/* The aperture is claimed under the function's name, and logged. */
TEST_F(crs, claimed_and_logged)
{
	char line[256];
	int found = 0, kmsg;
	FILE *f;

	vc_vfio_close(&self->v);
	ASSERT_EQ(0, vc_unbind(VC_ACPI_CRS_DEV));
	kmsg = vc_kmsg_open();
	ASSERT_LE(0, kmsg);
	ASSERT_EQ(0, vc_bind(VC_ACPI_CRS_DEV, VC_ACPI_DRIVER));
	EXPECT_TRUE(vc_kmsg_has(kmsg, "cacheable as BAR 2"));
	close(kmsg);
	f = fopen("/proc/iomem", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		found |= !!strstr(line, "200000000-21fffffff : " VC_ACPI_CRS_DEV);
	fclose(f);
	EXPECT_TRUE(found);
}

/* The GPU's companion has _DSD properties but no _CRS: not described. */
TEST(gpu_without_crs_refused)
{
	char prev[64];
	int kmsg;

	snprintf(prev, sizeof(prev), "%s", vc_driver_of(VC_ACPI_GPU));
	ASSERT_EQ(0, load_backend());
	kmsg = vc_kmsg_open();
	ASSERT_LE(0, kmsg);
	EXPECT_EQ(-ENODEV, vc_bind(VC_ACPI_GPU, VC_ACPI_DRIVER));
	EXPECT_STREQ("", vc_driver_of(VC_ACPI_GPU));
	EXPECT_TRUE(vc_kmsg_has(kmsg, "has no _CRS: memory not described"));
	close(kmsg);
	EXPECT_EQ(0, restore(VC_ACPI_GPU, prev));
}

TEST_HARNESS_MAIN
