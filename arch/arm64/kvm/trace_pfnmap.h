/* SPDX-License-Identifier: GPL-2.0-only */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kvm_pfnmap

#if !defined(_TRACE_KVM_PFNMAP_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_KVM_PFNMAP_H

#include <linux/tracepoint.h>

/*
 * kvm_s2_pfnmap: a stage-2 fault on memory outside the linear map was
 * mapped; the memory type and block size KVM chose.
 */
TRACE_EVENT(kvm_s2_pfnmap,
	TP_PROTO(phys_addr_t ipa, u64 pfn, int type, long size),
	TP_ARGS(ipa, pfn, type, size),

	TP_STRUCT__entry(
		__field(phys_addr_t, ipa)
		__field(u64, pfn)
		__field(int, type)
		__field(long, size)
	),

	TP_fast_assign(
		__entry->ipa = ipa;
		__entry->pfn = pfn;
		__entry->type = type;
		__entry->size = size;
	),

	TP_printk("ipa %#llx pfn %#llx type %s size %#lx",
		  (unsigned long long)__entry->ipa, __entry->pfn,
		  __print_symbolic(__entry->type,
				   { 0, "device" }, { 1, "normal-nc" },
				   { 2, "cacheable" }, { 3, "unsupported" }),
		  __entry->size)
);

#endif /* _TRACE_KVM_PFNMAP_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace_pfnmap

/* This part must be outside protection */
#include <trace/define_trace.h>
