// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory failure for PFNs without struct page.
 *
 * Device memory that user space maps with VM_PFNMAP (a VFIO BAR of
 * cache-coherent device memory, for instance) has no struct page: there is
 * no rmap to find the processes mapping a failed PFN, and nothing to mark
 * poisoned. The driver owning such memory registers its PFN range with the
 * address_space its VMAs belong to. memory_failure() asks here for any PFN
 * it has no online page for: the owner is told first (so it can stop
 * further use of the page), then every process mapping the PFN is signalled
 * the way memory_failure() signals for file pages: BUS_MCEERR_AR to the
 * current task when the error was consumed synchronously, BUS_MCEERR_AO to
 * processes that asked for early kill.
 *
 * Huge PFNMAP mappings are never split here: the owner decides what to zap
 * and how to map again.
 */

#define pr_fmt(fmt) "Memory failure: " fmt

#include <linux/interval_tree.h>
#include <linux/memory-failure.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>

#include "internal.h"

/*
 * pfn_space_lock keeps every registered pfn_address_space alive while
 * memory_failure_pfn() uses it: unregistering takes it too. Nests inside
 * mf_mutex; i_mmap_rwsem nests inside it. pfn_space_tree_lock lets
 * pfn_address_space_registered() look the tree up from any context (GHES
 * calls it from IRQ work). pfn_space_root changes with both held, so either
 * one is enough to read it.
 */
static DEFINE_MUTEX(pfn_space_lock);
static DEFINE_SPINLOCK(pfn_space_tree_lock);
static struct rb_root_cached pfn_space_root = RB_ROOT_CACHED;

/**
 * register_pfn_address_space() - route memory failures of a PFN range
 * @pfn_space: the range, its mapping and callbacks; must stay valid until
 *	unregister_pfn_address_space() returns
 *
 * Only memory without struct page can be registered: memory_failure()
 * handles pages itself, and asks the registry only for a PFN that has none.
 * May sleep.
 *
 * Return: 0, -EINVAL for an empty range, a missing mapping or callback, or
 * a range holding PFNs with struct page, -EBUSY when the range overlaps one
 * already registered.
 */
int register_pfn_address_space(struct pfn_address_space *pfn_space)
{
	struct interval_tree_node *node = &pfn_space->node;
	struct interval_tree_node *other;
	unsigned long pfn, flags;

	if (!pfn_space->mapping || !pfn_space->pfn_to_vma_pgoff ||
	    node->start > node->last)
		return -EINVAL;

	if (pfn_range_has_struct_page(node->start, node->last, &pfn)) {
		pr_err("PFN range [%#lx-%#lx]: %#lx has a struct page\n",
		       node->start, node->last, pfn);
		return -EINVAL;
	}

	guard(mutex)(&pfn_space_lock);
	other = interval_tree_iter_first(&pfn_space_root, node->start,
					 node->last);
	if (other) {
		pr_err("PFN range [%#lx-%#lx] overlaps registered [%#lx-%#lx]\n",
		       node->start, node->last, other->start, other->last);
		return -EBUSY;
	}
	spin_lock_irqsave(&pfn_space_tree_lock, flags);
	interval_tree_insert(node, &pfn_space_root);
	spin_unlock_irqrestore(&pfn_space_tree_lock, flags);
	return 0;
}
EXPORT_SYMBOL_GPL(register_pfn_address_space);

/**
 * unregister_pfn_address_space() - stop routing memory failures of a range
 * @pfn_space: as given to register_pfn_address_space()
 *
 * Waits for a memory failure being handled in the range. Harmless for a
 * range that is not registered.
 */
void unregister_pfn_address_space(struct pfn_address_space *pfn_space)
{
	struct interval_tree_node *node = &pfn_space->node;
	unsigned long flags;

	guard(mutex)(&pfn_space_lock);
	/* Ranges never overlap: the only candidate is the first one found. */
	if (interval_tree_iter_first(&pfn_space_root, node->start,
				     node->last) == node) {
		spin_lock_irqsave(&pfn_space_tree_lock, flags);
		interval_tree_remove(node, &pfn_space_root);
		spin_unlock_irqrestore(&pfn_space_tree_lock, flags);
	}
}
EXPORT_SYMBOL_GPL(unregister_pfn_address_space);

/*
 * The registered space holding @pfn, or NULL. Call with pfn_space_lock or
 * pfn_space_tree_lock held; the result is valid until it is dropped.
 */
static struct pfn_address_space *pfn_address_space_lookup(unsigned long pfn)
{
	struct interval_tree_node *node;

	lockdep_assert(lockdep_is_held(&pfn_space_lock) ||
		       lockdep_is_held(&pfn_space_tree_lock));
	node = interval_tree_iter_first(&pfn_space_root, pfn, pfn);
	return node ? container_of(node, struct pfn_address_space, node) : NULL;
}

/**
 * pfn_address_space_registered() - whether memory_failure() has an owner
 *	for a PFN without struct page
 * @pfn: the PFN
 *
 * For firmware error handlers (GHES) deciding whether to queue a memory
 * failure or to signal the current task themselves. The answer may change
 * as soon as this returns. Any context, hard IRQ included.
 *
 * Return: true when a registered range holds @pfn.
 */
bool pfn_address_space_registered(unsigned long pfn)
{
	unsigned long flags;
	bool found;

	spin_lock_irqsave(&pfn_space_tree_lock, flags);
	found = pfn_address_space_lookup(pfn);
	spin_unlock_irqrestore(&pfn_space_tree_lock, flags);
	return found;
}
EXPORT_SYMBOL_GPL(pfn_address_space_registered);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * pfn_address_space_find() - look a PFN up as memory_failure() does
 * @pfn: the PFN
 *
 * For KUnit tests only: the result may be unregistered once this returns.
 *
 * Return: the registered &struct pfn_address_space holding @pfn, or NULL.
 */
struct pfn_address_space *pfn_address_space_find(unsigned long pfn)
{
	guard(mutex)(&pfn_space_lock);
	return pfn_address_space_lookup(pfn);
}
EXPORT_SYMBOL_IF_KUNIT(pfn_address_space_find);
#endif

struct pfn_to_kill {
	struct list_head nd;
	struct task_struct *tsk;
	unsigned long addr;
};

/*
 * The user address at which @vma maps @pfn, or -EFAULT. The owner's
 * callback checks the bounds; check them again so that a wrong answer
 * cannot make us signal an address outside the VMA. Called under RCU and
 * i_mmap_rwsem: the callback must not sleep.
 */
static unsigned long pfn_vma_address(struct pfn_address_space *pfn_space,
				     struct vm_area_struct *vma,
				     unsigned long pfn)
{
	pgoff_t pgoff;

	if (pfn_space->pfn_to_vma_pgoff(vma, pfn, &pgoff))
		return -EFAULT;
	if (pgoff < vma->vm_pgoff || pgoff - vma->vm_pgoff >= vma_pages(vma)) {
		pr_warn_once("%#lx: pgoff %#lx outside VMA [%#lx, +%#lx)\n",
			     pfn, pgoff, vma->vm_pgoff, vma_pages(vma));
		return -EFAULT;
	}
	return vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
}

/*
 * Collect the tasks to signal: for an action-required error the current
 * task if it maps @pfn, and in every case the early-kill thread of each
 * process mapping it. One entry per mapping.
 */
static void collect_procs_pfn(struct pfn_address_space *pfn_space,
			      unsigned long pfn, int flags,
			      struct list_head *to_kill)
{
	struct address_space *mapping = pfn_space->mapping;
	struct vm_area_struct *vma;
	struct task_struct *tsk;

	i_mmap_lock_read(mapping);
	rcu_read_lock();
	for_each_process(tsk) {
		struct task_struct *t;

		t = task_early_kill(tsk, flags & MF_ACTION_REQUIRED);
		if (!t)
			continue;
		vma_interval_tree_foreach(vma, &mapping->i_mmap, 0, ULONG_MAX) {
			struct pfn_to_kill *tk;
			unsigned long addr;

			if (vma->vm_mm != t->mm)
				continue;
			addr = pfn_vma_address(pfn_space, vma, pfn);
			if (IS_ERR_VALUE(addr))
				continue;
			tk = kmalloc(sizeof(*tk), GFP_ATOMIC);
			if (!tk) {
				pr_err("%#lx: out of memory, %s:%d not signalled\n",
				       pfn, t->comm, task_pid_nr(t));
				continue;
			}
			get_task_struct(t);
			tk->tsk = t;
			tk->addr = addr;
			list_add_tail(&tk->nd, to_kill);
		}
	}
	rcu_read_unlock();
	i_mmap_unlock_read(mapping);
}

static void kill_procs_pfn(struct list_head *to_kill, unsigned long pfn,
			   int flags)
{
	struct pfn_to_kill *tk, *next;
	int ret;

	list_for_each_entry_safe(tk, next, to_kill, nd) {
		struct task_struct *t = tk->tsk;
		void __user *addr = (void __user *)tk->addr;

		pr_err("%#lx: Sending SIGBUS to %s:%d due to hardware memory corruption\n",
		       pfn, t->comm, task_pid_nr(t));
		if ((flags & MF_ACTION_REQUIRED) && t == current)
			ret = force_sig_mceerr(BUS_MCEERR_AR, addr, PAGE_SHIFT);
		else
			ret = send_sig_mceerr(BUS_MCEERR_AO, addr, PAGE_SHIFT, t);
		if (ret < 0)
			pr_err("%#lx: Cannot send SIGBUS to %s:%d: %d\n",
			       pfn, t->comm, task_pid_nr(t), ret);
		list_del(&tk->nd);
		put_task_struct(t);
		kfree(tk);
	}
}

/**
 * memory_failure_pfn() - handle a memory failure of a PFN without struct page
 * @pfn: the failed PFN
 * @flags: memory_failure() flags (MF_ACTION_REQUIRED, ...)
 *
 * Called by memory_failure() with mf_mutex held for a PFN that has no
 * struct page.
 *
 * Return: -ENOENT when no registered range holds @pfn (the caller goes on as
 * before), otherwise the result of action_result(): 0 when the owner
 * isolated the page, -EBUSY when it could not, -EHWPOISON when the page was
 * already poisoned.
 */
int memory_failure_pfn(unsigned long pfn, int flags)
{
	struct pfn_address_space *pfn_space;
	enum mf_action_page_type type = MF_MSG_PFN_MAP;
	enum mf_result result = MF_RECOVERED;
	LIST_HEAD(to_kill);
	int ret = 0;

	guard(mutex)(&pfn_space_lock);
	pfn_space = pfn_address_space_lookup(pfn);
	if (!pfn_space)
		return -ENOENT;

	if (pfn_space->failure)
		ret = pfn_space->failure(pfn_space, pfn);
	if (ret == -EHWPOISON) {
		type = MF_MSG_ALREADY_POISONED;
		result = MF_FAILED;
	} else if (ret || !pfn_space->failure) {
		/* Nobody stops further use: each access will fault again. */
		result = MF_IGNORED;
	}

	collect_procs_pfn(pfn_space, pfn, flags, &to_kill);
	kill_procs_pfn(&to_kill, pfn, flags);

	ret = action_result(pfn, type, result);
	return type == MF_MSG_ALREADY_POISONED ? -EHWPOISON : ret;
}
