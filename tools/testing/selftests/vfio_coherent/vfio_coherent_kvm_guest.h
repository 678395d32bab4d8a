/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The nested guest's code (vfio_coherent_kvm_guest.S), copied to IPA 0;
 * the entry points are labels inside it.
 */
#ifndef VFIO_COHERENT_KVM_GUEST_H
#define VFIO_COHERENT_KVM_GUEST_H

extern const char vc_guest_start[], vc_guest_touch[], vc_guest_zva[],
	vc_guest_end[];

#endif
