/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory failure handling for memory without struct page.
 */
#ifndef _LINUX_MEMORY_FAILURE_H
#define _LINUX_MEMORY_FAILURE_H

#include <linux/errno.h>
#include <linux/interval_tree.h>
#include <linux/mmzone.h>
#include <linux/sched.h>
#include <linux/types.h>

struct address_space;
struct vm_area_struct;

/**
 * struct pfn_address_space - memory without struct page that memory_failure()
 *	can route to the processes mapping it
 * @node: the inclusive PFN range [@node.start, @node.last]; set by the owner
 *	before registering, not changed while registered
 * @mapping: the address_space whose VMAs map the range (for a character
 *	device, the inode mapping its mmap()s are made on)
 * @pfn_to_vma_pgoff: required. Translate @pfn, in the range of @pfn_space,
 *	to the page offset it has in @vma's file. Return 0 and set *@pgoff when
 *	@vma maps @pfn, a negative errno otherwise. @vma is any VMA of
 *	@mapping: it must check both bounds of @vma, which may map another part
 *	of the same file, or part of the range only; the owner finds itself
 *	from @vma (its vm_private_data, say), as upstream's callback does. Called under
 *	rcu_read_lock() and @mapping's i_mmap_rwsem: must not sleep.
 * @failure: optional. Called once per memory_failure() of a PFN in the range,
 *	before any process is signalled, so that the owner can stop further use
 *	of the page (record it, zap its mappings so that the next access faults
 *	into the owner). Return 0 when the page is now isolated, -EHWPOISON when
 *	it already was, another negative errno when it could not be isolated
 *	(the processes mapping it are signalled all the same). May sleep, but
 *	must not wait for the device (a reset, a link coming up): it runs
 *	under memory_failure()'s global mutex, so every memory failure of the
 *	system would wait too. Must not register or unregister a range.
 *
 * Both callbacks run with the registry's mutex held: unregistering waits for
 * them to return. Only memory without struct page can be registered.
 */
struct pfn_address_space {
	struct interval_tree_node node;
	struct address_space *mapping;
	int (*pfn_to_vma_pgoff)(struct vm_area_struct *vma, unsigned long pfn,
				pgoff_t *pgoff);
	int (*failure)(struct pfn_address_space *pfn_space, unsigned long pfn);
};

/**
 * pfn_range_has_struct_page() - whether a PFN range has a page with struct page
 * @first: first PFN of the range
 * @last: last PFN of the range, inclusive, not below @first
 * @pfn: where to put the first such PFN found
 *
 * Only memory without struct page can be registered; drivers check it when
 * they validate their firmware's description. pfn_valid() answers for a
 * whole subsection at a time with SPARSEMEM, so the range is walked in
 * subsection steps. May sleep.
 *
 * Return: true when some PFN of [@first, @last] is pfn_valid().
 */
static inline bool pfn_range_has_struct_page(unsigned long first,
					     unsigned long last,
					     unsigned long *pfn)
{
#ifdef CONFIG_SPARSEMEM
	const unsigned long step = PAGES_PER_SUBSECTION;
#else
	const unsigned long step = 1;
#endif
	unsigned long p = first;

	for (;;) {
		if (pfn_valid(p)) {
			*pfn = p;
			return true;
		}
		if (last - p < step - (p & (step - 1)))
			return false;
		p = ALIGN_DOWN(p, step) + step;
		cond_resched();
	}
}

#ifdef CONFIG_MEMORY_FAILURE
int register_pfn_address_space(struct pfn_address_space *pfn_space);
void unregister_pfn_address_space(struct pfn_address_space *pfn_space);
bool pfn_address_space_registered(unsigned long pfn);
#else
static inline int register_pfn_address_space(struct pfn_address_space *pfn_space)
{
	return -EOPNOTSUPP;
}

static inline void unregister_pfn_address_space(struct pfn_address_space *pfn_space)
{
}

static inline bool pfn_address_space_registered(unsigned long pfn)
{
	return false;
}
#endif /* CONFIG_MEMORY_FAILURE */

#endif /* _LINUX_MEMORY_FAILURE_H */
