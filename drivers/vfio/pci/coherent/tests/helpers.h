/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the core's and the backends' KUnit suites. */
#ifndef __VFIO_COHERENT_KUNIT_HELPERS_H
#define __VFIO_COHERENT_KUNIT_HELPERS_H

#include <kunit/test.h>

#include "../coherent.h"

/**
 * struct vfio_coherent_kunit_mark - a point in the kernel log
 * @seq: sequence number of the log record the search starts at
 * @text: the marker line logged there, unique to the mark
 *
 * Made by vfio_coherent_kunit_log_mark(), read by vfio_coherent_kunit_logged().
 */
struct vfio_coherent_kunit_mark {
	u64 seq;
	char text[48];
};

struct vfio_coherent_device *
vfio_coherent_kunit_device(struct kunit *test, const struct vfio_coherent_ops *ops,
			   void *data);
void *vfio_coherent_kunit_data(struct vfio_coherent_device *cdev);
int vfio_coherent_kunit_discover(struct kunit *test, struct device *dev,
				 const struct vfio_coherent_ops *ops, void *data,
				 unsigned long used_bars,
				 struct vfio_coherent_device **out);
void vfio_coherent_kunit_log_mark(struct kunit *test,
				  struct vfio_coherent_kunit_mark *mark);
bool vfio_coherent_kunit_logged(const struct vfio_coherent_kunit_mark *mark,
				const char *text);

/*
 * Expect @call to return @err and to log a line containing @text on the way
 * (each evaluated once): how a refusal is checked.
 */
#define VFIO_COHERENT_KUNIT_EXPECT_REFUSED(test, call, err, text)		\
	do {									\
		struct kunit *__test = (test);					\
		const char *__text = (text);					\
		struct vfio_coherent_kunit_mark __mark;				\
										\
		vfio_coherent_kunit_log_mark(__test, &__mark);			\
		KUNIT_EXPECT_EQ(__test, call, err);				\
		KUNIT_EXPECT_TRUE_MSG(__test,					\
				      vfio_coherent_kunit_logged(&__mark, __text), \
				      "no \"%s\" in the kernel log", __text);	\
	} while (0)

#endif
