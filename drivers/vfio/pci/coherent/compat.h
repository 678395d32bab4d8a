/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-coherent is written against mainline. On the stable 6.12 line this
 * header, included in every file of the core, its backends and their tests
 * by the Makefile, gives it what mainline spells differently. Mainline has
 * no such file (bases/7.3.conf skips it) and no such include.
 */
#ifndef __VFIO_COHERENT_COMPAT_H
#define __VFIO_COHERENT_COMPAT_H

#include <linux/export.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pfn_t.h>

/* Symbol namespaces are string literals since 6.13. */
#undef MODULE_IMPORT_NS
#define MODULE_IMPORT_NS(ns)		MODULE_INFO(import_ns, ns)
#undef EXPORT_SYMBOL_NS_GPL
#define EXPORT_SYMBOL_NS_GPL(sym, ns)	__EXPORT_SYMBOL(sym, "GPL", ns)

/* Mainline has no pfn_t any more: the huge PFN inserts take a PFN. */
#define vmf_insert_pfn_pmd(vmf, pfn, write) \
	vmf_insert_pfn_pmd(vmf, __pfn_to_pfn_t(pfn, PFN_DEV), write)
#define vmf_insert_pfn_pud(vmf, pfn, write) \
	vmf_insert_pfn_pud(vmf, __pfn_to_pfn_t(pfn, PFN_DEV), write)

#endif /* __VFIO_COHERENT_COMPAT_H */
