// SPDX-License-Identifier: GPL-2.0-only
/* Helpers shared by the core's and the backends' KUnit suites. */

#include <kunit/test.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kmsg_dump.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "helpers.h"

/*
 * A vfio-coherent device as far as the core's functions under test look at
 * it: its locks, poison record and reset sequence as the VFIO init hook
 * sets them up, a PCI function in D0 with memory decoding on (whose only
 * name is its init_name), and a VFIO inode mapping no one maps.
 */
struct vfio_coherent_kunit_device {
	struct vfio_coherent_device cdev;
	struct pci_dev pdev;
	struct inode inode;
	struct address_space mapping;
	u8 vconfig[PCI_CFG_SPACE_SIZE];
	void *data;
};

static void kunit_device_destroy(void *data)
{
	struct vfio_coherent_device *cdev = data;

	xa_destroy(&cdev->poisoned);
}

/**
 * vfio_coherent_kunit_device() - a fake device for the core's functions
 * @test: the test; the device is freed with it
 * @ops: backend ops
 * @data: private pointer for @ops, see vfio_coherent_kunit_data()
 *
 * Return: the device, with no aperture yet.
 */
struct vfio_coherent_device *
vfio_coherent_kunit_device(struct kunit *test, const struct vfio_coherent_ops *ops,
			   void *data)
{
	struct vfio_coherent_kunit_device *kd;
	struct vfio_coherent_device *cdev;

	kd = kunit_kzalloc(test, sizeof(*kd), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kd);
	cdev = &kd->cdev;
	cdev->ops = ops;
	kd->data = data;
	mutex_init(&cdev->bar_lock);
	init_rwsem(&cdev->poison_lock);
	xa_init(&cdev->poisoned);
	atomic_set(&cdev->reset_seq, 1);
	init_rwsem(&cdev->core.memory_lock);

	kd->pdev.dev.init_name = "vfio-coherent-kunit";
	kd->pdev.current_state = PCI_D0;
	dev_set_drvdata(&kd->pdev.dev, &cdev->core);
	cdev->core.pdev = &kd->pdev;
	kd->vconfig[PCI_COMMAND] = PCI_COMMAND_MEMORY;
	cdev->core.vconfig = kd->vconfig;

	address_space_init_once(&kd->mapping);
	kd->inode.i_mapping = &kd->mapping;
	cdev->core.vdev.inode = &kd->inode;

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kunit_device_destroy,
							cdev), 0);
	return cdev;
}
EXPORT_SYMBOL_NS_GPL(vfio_coherent_kunit_device, "VFIO_COHERENT_KUNIT");

/**
 * vfio_coherent_kunit_data() - the private pointer of a fake device
 * @cdev: made by vfio_coherent_kunit_device() or vfio_coherent_kunit_discover()
 *
 * Return: the @data given there.
 */
void *vfio_coherent_kunit_data(struct vfio_coherent_device *cdev)
{
	return container_of(cdev, struct vfio_coherent_kunit_device, cdev)->data;
}
EXPORT_SYMBOL_NS_GPL(vfio_coherent_kunit_data, "VFIO_COHERENT_KUNIT");

/**
 * vfio_coherent_kunit_discover() - run the core's discovery for a fake device
 * @test: the test; the device structure is freed with it
 * @dev: device owning the claims and getting the messages
 * @ops: backend ops under test
 * @data: their private pointer
 * @used_bars: BAR slots the fake function implements
 * @out: the device, for inspecting its apertures
 *
 * As on a failed probe, the claims of a refused device are released.
 *
 * Return: what vfio_coherent_discover() returns.
 */
int vfio_coherent_kunit_discover(struct kunit *test, struct device *dev,
				 const struct vfio_coherent_ops *ops, void *data,
				 unsigned long used_bars,
				 struct vfio_coherent_device **out)
{
	struct vfio_coherent_device *cdev;
	void *group;
	int ret;

	cdev = vfio_coherent_kunit_device(test, ops, data);
	if (out)
		*out = cdev;

	group = devres_open_group(dev, NULL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, group);
	ret = vfio_coherent_discover(cdev, dev, used_bars);
	if (ret)
		devres_release_group(dev, group);
	else
		devres_remove_group(dev, group);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(vfio_coherent_kunit_discover, "VFIO_COHERENT_KUNIT");

/* A log line as kmsg_dump_get_line() gives it: a record and its prefix. */
#define KUNIT_LOG_LINE_MAX	(1024 + 64)

static atomic_t kunit_log_marks = ATOMIC_INIT(0);

/**
 * vfio_coherent_kunit_log_mark() - mark the kernel log before a refusal
 * @test: the test, named in the marker line
 * @mark: filled with where the log is now and the marker line's text
 *
 * Logs a marker line unique to this call, for vfio_coherent_kunit_logged()
 * to search the lines logged after it.
 */
void vfio_coherent_kunit_log_mark(struct kunit *test,
				  struct vfio_coherent_kunit_mark *mark)
{
	struct kmsg_dump_iter iter;

	kmsg_dump_rewind(&iter);
	mark->seq = iter.next_seq;
	/* The colon ends the number: mark 1 is no prefix of mark 10. */
	snprintf(mark->text, sizeof(mark->text), "vfio-coherent-kunit: mark %d:",
		 atomic_inc_return(&kunit_log_marks));
	pr_info("%s %s, parameter %d\n", mark->text, test->name, test->param_index);
}
EXPORT_SYMBOL_NS_GPL(vfio_coherent_kunit_log_mark, "VFIO_COHERENT_KUNIT");

/**
 * vfio_coherent_kunit_logged() - whether a line was logged since a mark
 * @mark: made by vfio_coherent_kunit_log_mark()
 * @text: what the line must contain
 *
 * Reads the printk ring buffer from @mark on: the marker line first, then
 * any line containing @text. A marker no longer there (the ring buffer
 * wrapped, or it was cleared) counts as not logged.
 *
 * Return: true when a line logged after the marker contains @text.
 */
bool vfio_coherent_kunit_logged(const struct vfio_coherent_kunit_mark *mark,
				const char *text)
{
	struct kmsg_dump_iter iter;
	bool marked = false, found = false;
	size_t len;
	char *line;

	line = kmalloc(KUNIT_LOG_LINE_MAX, GFP_KERNEL);
	if (!line)
		return false;
	kmsg_dump_rewind(&iter);
	iter.cur_seq = max(iter.cur_seq, mark->seq);
	while (!found && kmsg_dump_get_line(&iter, false, line,
					    KUNIT_LOG_LINE_MAX - 1, &len)) {
		line[len] = '\0';
		if (marked)
			found = strstr(line, text);
		else
			marked = strstr(line, mark->text);
	}
	kfree(line);
	return found;
}
EXPORT_SYMBOL_NS_GPL(vfio_coherent_kunit_logged, "VFIO_COHERENT_KUNIT");
