/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest code, copied to IPA 0. Identity map with 1 GiB level-1 blocks:
 * [0 GiB] code, Normal; [1 GiB] aperture, Normal; [2 GiB] report page,
 * Device (no memslot: MMIO exits); [3 GiB] aperture again, Device.
 * Report: +0 the value loaded back, +8 ESR of an exception, +16 "the
 * Device alias did not fault".
 */

	.section .rodata.vc_guest, "a"
	.balign 4096
.globl vc_guest_start
.globl vc_guest_end
vc_guest_start:
	adr	x0, vc_guest_vectors
	msr	vbar_el1, x0
	ldr	x4, =0x80000000
	str	xzr, [x4, #24]	// alive, MMU off
	ldr	x0, =0xff	// attr0 Normal WB, attr1 Device
	msr	mair_el1, x0
	ldr	x0, =0x100803520	// T0SZ 32, 4K, WB, ISH, EPD1
	msr	tcr_el1, x0
	ldr	x0, =0x10000
	msr	ttbr0_el1, x0
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	mrs	x0, sctlr_el1
	ldr	x1, =0x1005	// M, C, I
	orr	x0, x0, x1
	bic	x0, x0, #2	// no alignment checking
	msr	sctlr_el1, x0
	isb
	str	xzr, [x4, #32]	// alive, MMU on
	ldr	x1, =0x40000001
	ldr	x2, =0x1122334455667788
	str	x2, [x1]
	ldr	x3, [x1]
	str	x3, [x4]
	ldr	x1, =0xc0000001
	ldr	x3, [x1]
	str	x3, [x4, #16]
1:	b	1b
	.ltorg
	.balign 2048
vc_guest_vectors:
	.rept	16
	mrs	x5, esr_el1
	str	x5, [x4, #8]
2:	b	2b
	.balign	0x80
	.endr
vc_guest_end:
