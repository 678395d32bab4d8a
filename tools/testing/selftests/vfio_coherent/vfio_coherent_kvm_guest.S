/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest code, copied to IPA 0. Identity map with 1 GiB level-1 blocks:
 * [0 GiB] code, Normal; [1 GiB] aperture, Normal; [2 GiB] report page,
 * Device (no memslot: MMIO exits); [3 GiB] aperture again, Device.
 * Report: +0 the value loaded back, +8 ESR of an exception, +16 "the
 * Device alias did not fault", +24 alive with the MMU off, +32 alive with
 * it on, +40 pages touched, +48 DC ZVA done (its block size), +56 DC ZVA
 * prohibited (DCZID_EL0).
 *
 * Entry points (the VMM sets PC to their offset from vc_guest_start):
 * vc_guest_start	unaligned 64-bit store and load at the aperture, then
 *			the same load through the Device alias
 * vc_guest_touch	a store to every 4 KiB page of [x19, x19 + x20)
 * vc_guest_zva		DC ZVA over the 4 KiB page at x19
 */

	.section .rodata.vc_guest, "a"
	.balign 4096
.globl vc_guest_start
.globl vc_guest_touch
.globl vc_guest_zva
.globl vc_guest_end
vc_guest_start:
	bl	mmu_on
	ldr	x1, =0x40000001
	ldr	x2, =0x1122334455667788
	str	x2, [x1]
	ldr	x3, [x1]
	str	x3, [x4]
	ldr	x1, =0xc0000001
	ldr	x3, [x1]
	str	x3, [x4, #16]
1:	b	1b

vc_guest_touch:
	bl	mmu_on
	mov	x1, x19
	add	x2, x19, x20
	mov	x3, #0
2:	str	x1, [x1]
	add	x1, x1, #4096
	add	x3, x3, #1
	cmp	x1, x2
	b.lo	2b
	dsb	sy
	str	x3, [x4, #40]
3:	b	3b

vc_guest_zva:
	bl	mmu_on
	mrs	x0, dczid_el0
	tbnz	x0, #4, 6f	// DZP: DC ZVA prohibited
	and	x0, x0, #0xf
	mov	x1, #4
	lsl	x1, x1, x0	// block size: 4 << BS bytes
	mov	x2, x19
	add	x3, x19, #4096
4:	dc	zva, x2
	add	x2, x2, x1
	cmp	x2, x3
	b.lo	4b
	dsb	sy
	str	x1, [x4, #48]
5:	b	5b
6:	str	x0, [x4, #56]
7:	b	7b

/* Vectors, stage-1 MMU on with Normal attributes; x4 = the report page. */
mmu_on:
	adr	x0, vc_guest_vectors
	msr	vbar_el1, x0
	ldr	x4, =0x80000000
	str	xzr, [x4, #24]	// alive, MMU off
	ldr	x0, =0xff	// attr0 Normal WB, attr1 Device
	msr	mair_el1, x0
	ldr	x0, =0x10080351d	// T0SZ 29, 4K, WB, ISH, EPD1
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
	ret
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
