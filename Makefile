# vfio-coherent: build the arm64 test kernel with our overlay, boot it in
# QEMU, test. See README.md. Everything built lands in $(BUILD).

REPO	:= $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
# The base (bases/$(VC_BASE).conf): 6.12 builds in .build, any other in
# .build/$(VC_BASE).
VC_BASE	?= 6.12
export VC_BASE
BUILD	?= $(REPO)/.build$(if $(filter-out 6.12,$(VC_BASE)),/$(VC_BASE))
KSRC	:= $(BUILD)/linux
KOUT	:= $(KSRC)/out
GUEST	:= $(BUILD)/guest
# When this make began: make check reports its whole time against it.
CHECK_START	:= $(shell date +%s)
HDRS	:= $(BUILD)/headers/include
export VC_BUILD := $(BUILD)

GUEST_CC	:= aarch64-linux-gnu-gcc
GUEST_CFLAGS	:= -static -O2 -Wall -I$(HDRS)
# The plan (scripts/vc/plan.py) says which selftests exist and where they run.
SELFTESTS	:= $(shell python3 $(REPO)/scripts/vc/plan.py selftests)
STDIR		:= $(KSRC)/tools/testing/selftests/vfio_coherent
TOOLDIR		:= $(KSRC)/tools/testing/vfio-coherent
# The selftests' helper library (lib/*.c), linked into every guest program.
LIBVC		:= $(GUEST)/libvc.a

.PHONY: all deps base-update kernel kernel-release kernel-64k objects-64k guest check check-64k demo bench run lint \
	series debian-objects docs clean distclean

all: kernel guest

deps:
	@$(REPO)/scripts/install-deps.sh

kernel: deps
	@$(REPO)/scripts/build-kernel.sh $(REPO) $(BUILD)

# Guest programs are compiled from the assembled tree so that selftests see
# ../kselftest_harness.h as they would upstream. Every one links the
# helper library; the KVM tests also the guest code of
# vfio_coherent_kvm_guest.S.
guest: kernel
	@mkdir -p $(GUEST)/bin
	@echo "  GUEST   init vc-demo vc-bench vc-parity vc-vmm vc-l2-guest $(SELFTESTS)"
	@gcc -O2 -o $(GUEST)/gen_init_cpio $(KSRC)/usr/gen_init_cpio.c
	@rm -f $(LIBVC)
	@for f in $(STDIR)/lib/*.c; do \
		$(GUEST_CC) $(GUEST_CFLAGS) -c -o $(GUEST)/lib-$$(basename $$f .c).o $$f || exit 1; \
	done
	@aarch64-linux-gnu-ar rcs $(LIBVC) $(GUEST)/lib-*.o
	@$(GUEST_CC) $(GUEST_CFLAGS) -o $(GUEST)/bin/init $(TOOLDIR)/init.c
	@$(GUEST_CC) $(GUEST_CFLAGS) -o $(GUEST)/bin/vc-demo $(TOOLDIR)/demo.c $(LIBVC)
	@$(GUEST_CC) $(GUEST_CFLAGS) -o $(GUEST)/bin/vc-bench $(TOOLDIR)/bench.c $(LIBVC)
	@$(GUEST_CC) $(GUEST_CFLAGS) -o $(GUEST)/bin/vc-parity $(TOOLDIR)/parity.c $(LIBVC)
	@$(GUEST_CC) $(GUEST_CFLAGS) -I$(KSRC)/tools/testing/selftests -I$(STDIR) \
		-o $(GUEST)/bin/vc-vmm $(TOOLDIR)/l2/vc-vmm.c $(LIBVC)
	@$(GUEST_CC) $(GUEST_CFLAGS) -o $(GUEST)/bin/vc-l2-guest $(TOOLDIR)/l2/vc-l2-guest.c
	@$(REPO)/scripts/build-kernel.sh $(REPO) $(BUILD) M=$(TOOLDIR)/l2 modules >/dev/null
	@$(REPO)/scripts/build-l2-image.sh $(BUILD)
	@for t in $(SELFTESTS); do \
		$(GUEST_CC) $(GUEST_CFLAGS) -o $(GUEST)/bin/$$t $(STDIR)/$$t.c \
			$$(case $$t in vfio_coherent_kvm*) \
				echo $(STDIR)/vfio_coherent_kvm_guest.S;; esac) $(LIBVC) || exit 1; \
	done

check: guest
	@VC_CHECK_START=$(CHECK_START) python3 $(REPO)/scripts/vc_machine.py check $(if $(V),-v)

# The 64 KiB-page kernel's KUnit suites and page-size-aware selftests. Not
# in check: the cold build of a second kernel does not fit CI's budget;
# check compiles our code and what our patches touch with Debian's arm64
# config at 64 KiB pages instead (debian-objects, arm64-64k).
check-64k: guest kernel-64k
	@python3 $(REPO)/scripts/vc_machine.py check-64k $(if $(V),-v)

demo: guest
	@python3 $(REPO)/scripts/vc_machine.py demo

# Not part of check: prints numbers, judges nothing. Every table on the
# debug kernel the checks run on and on a release kernel built from the
# same fragments without debug.config (KASAN, lockdep, DEBUG_VM, fault
# injection, kmemleak), in its own output directory; the host-side tables
# again on kernel-64k (release options, 64 KiB pages).
RELEASE_CONFIGS	:= $(BUILD)/release-configs

kernel-release: deps
	@mkdir -p $(RELEASE_CONFIGS)
	@rm -f $(RELEASE_CONFIGS)/*.config
	@for f in $(REPO)/configs/*.config $(REPO)/configs/release/*.config; do \
		[ "$${f##*/}" = debug.config ] || ln -s $$f $(RELEASE_CONFIGS)/; \
	done
	@VC_KOUT=out-release VC_CONFIGS=$(RELEASE_CONFIGS) \
		$(REPO)/scripts/build-kernel.sh $(REPO) $(BUILD)

# The same fragments with 64 KiB pages (what Grace systems run: a PMD maps
# 512 MiB, a page fails as a whole 64 KiB), release options (no KASAN), in
# out-64k: make check-64k boots it for the KUnit suites and the
# page-size-aware selftests.
C64K_CONFIGS	:= $(BUILD)/configs-64k

define link-64k-configs
	@mkdir -p $(C64K_CONFIGS)
	@rm -f $(C64K_CONFIGS)/*.config
	@for f in $(REPO)/configs/*.config $(REPO)/configs/release/*.config \
		  $(REPO)/configs/64k/*.config; do \
		[ "$${f##*/}" = debug.config ] || ln -s $$f $(C64K_CONFIGS)/; \
	done
endef

kernel-64k: deps
	$(link-64k-configs)
	@VC_KOUT=out-64k VC_CONFIGS=$(C64K_CONFIGS) \
		$(REPO)/scripts/build-kernel.sh $(REPO) $(BUILD)

# Only the objects we wrote, with 64 KiB pages and W=1 (its own output
# directory: W=1 must not make kernel-64k rebuild). Fails on any warning.
C64K_OBJS	:= drivers/vfio/pci/coherent/ mm/memory-failure-pfn.o \
		   arch/arm64/kvm/pfnmap.o

objects-64k: deps
	$(link-64k-configs)
	@VC_KOUT=out-64k-w1 VC_CONFIGS=$(C64K_CONFIGS) \
		$(REPO)/scripts/build-kernel.sh $(REPO) $(BUILD) W=1 $(C64K_OBJS) \
		> $(BUILD)/objects-64k.log 2>&1 || { cat $(BUILD)/objects-64k.log; exit 1; }
	@! grep -E 'warning:|error:' $(BUILD)/objects-64k.log
	@echo "  64K     $(C64K_OBJS): no warning"

# Try the series on the newest Debian base the archive offers (or
# TO=VERSION) and move the pin in bases/6.12.conf when it holds; prints per
# patch what happened. Needs neither root nor QEMU; not part of check.
base-update:
	@PYTHONPATH=$(REPO)/scripts python3 $(REPO)/scripts/base_update.py $(if $(TO),--to $(TO)) \
		$(if $(DRY),--dry-run)

# The patch series for Debian's linux-source-6.12 (scripts/series.txt), with
# a cover letter, in $(BUILD)/series/out; make check also applies it with
# git am and compiles each prefix.
series: deps
	@python3 $(REPO)/scripts/series.py write

# Our code and every object our patches touch, W=1, with Debian's own
# arm64, arm64-16k and amd64 configs plus CONFIG_VFIO_COHERENT=m.
debian-objects: deps
	@$(REPO)/scripts/debian-objects.sh $(REPO) $(BUILD) arm64 arm64-16k arm64-64k amd64

# Our rst pages and kernel-doc through the kernel's Sphinx setup.
docs: deps
	@$(REPO)/scripts/docs-check.sh $(REPO) $(BUILD)

bench: guest kernel-release kernel-64k
	@python3 $(REPO)/scripts/vc_machine.py bench
	@VC_MACHINE_KOUT=out-release python3 $(REPO)/scripts/vc_machine.py bench
	@VC_MACHINE_KOUT=out-64k python3 $(REPO)/scripts/vc_machine.py bench

# make run ADD="./myclient" RUN="/extra/myclient 0000:00:02.0"
# make run NESTED="ram noras"	(QEMU in the machine: vc-vmm per mode)
run: guest
	@python3 $(REPO)/scripts/vc_machine.py run \
		$(foreach f,$(ADD),--add $(f)) $(if $(RUN),--run "$(RUN)") \
		$(if $(STEP),--step "$(STEP)") $(foreach m,$(NESTED),--nested $(m))

clean:
	rm -rf $(GUEST)

distclean:
	rm -rf $(BUILD)

# Kernel style: checkpatch --strict on every C file and header we wrote,
# then our code rebuilt with W=1 and sparse (C=2 checks every file).
LINT_TARGETS = drivers/vfio/pci/coherent/ mm/memory-failure-pfn.o \
	       mm/memory-failure-pfn-test.o arch/arm64/kvm/pfnmap.o \
	       arch/arm64/kvm/pfnmap_test.o arch/arm64/kvm/pfnmap_testdev.o
LINT_FILES = $(shell cd $(REPO) && git ls-files '*.c' '*.h')
lint: kernel
	@cd $(REPO) && perl $(KSRC)/scripts/checkpatch.pl --strict --no-tree --terse \
		--ignore FILE_PATH_CHANGES -f $(LINT_FILES)
	@cd $(KSRC)/out-lint && rm -rf $(LINT_TARGETS)
	@VC_KOUT=out-lint $(REPO)/scripts/build-kernel.sh $(REPO) $(BUILD) W=1 C=2 \
		$(LINT_TARGETS)
