# Tessera: build, run and test.  GNU make only.
#
#   make          build the kernel and user programs under build/
#   make run      boot the demo in QEMU (serial on this terminal), power off
#   make test     host unit tests, then the QEMU test suites
#   make debug    like run, stopped at the first instruction for gdb
#   make bench    microbenchmarks under QEMU -icount (guest instructions)
#   make iso      a bootable CD image (BIOS, GRUB): build/tessera.iso
#   make captree  the capability tree of the running system: build/captree.svg
#   make linux-check  the Linux conformance suite under Linux 6.1 in QEMU
#   make fuzz N=<calls> [SEED=<n>]   a coverage-guided fuzzing campaign
#   make coverage the lines of kernel/core and mm0 that `make test` reaches
#
# Missing tools are installed with apt-get on first use (see `deps`).

.DEFAULT_GOAL := all
BUILD := build
CC := gcc
LD := ld
OBJCOPY := objcopy
QEMU := qemu-system-x86_64
GCC_INC := $(shell $(CC) -print-file-name=include)

# V=1 shows the commands.
Q := $(if $(V),,@)

WARN := -Wall -Wextra -Werror -Wno-unused-parameter
BASE_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin \
	-nostdinc -isystem $(GCC_INC) -MMD -MP
# kernel/arch/hooks.h includes the architecture's inline half, machine.h,
# from kernel/arch/x86_64/include.
KCFLAGS := $(BASE_CFLAGS) -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-Ikernel -Iinclude -I. -Ikernel/arch/x86_64/include
UCFLAGS := $(BASE_CFLAGS) -mno-red-zone -Iuser/lib/include -Iinclude -I.

# ---------------------------------------------------------------- kernel
KLDFLAGS := -nostdlib -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments \
	-T kernel/arch/x86_64/kernel.ld
KSRC_C := $(wildcard kernel/core/*.c kernel/core/api/*.c) \
	$(wildcard kernel/arch/x86_64/*.c) lib/format.c \
	lib/string.c
KSRC_S := $(wildcard kernel/arch/x86_64/*.S)

# Builds of the same sources: `kernel` for run and bench, `kcheck`
# (TESS_CHECK) for the test suites: kernel invariants checked after every
# system call; `kbench` (TESS_BENCH_COUNTERS), built only for `make bench`:
# it counts CR3 writes, TLB flushes and FPU saves for the bench's second
# table; `kfuzz`, kcheck with edge coverage for the fuzzer (TESS_COVERAGE,
# kernel/core/coverage.c).  KINSTR (set per object below) is the
# instrumentation of one file.
define kernel_build
$(1)_OBJ := $$(patsubst %.c,$(BUILD)/$(1)/%.o,$(KSRC_C)) \
	$$(patsubst %.S,$(BUILD)/$(1)/%.o,$(KSRC_S))
$(BUILD)/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$(Q)$(CC) $(KCFLAGS) $(2) $$(KINSTR) -c $$< -o $$@
$(BUILD)/$(1)/%.o: %.S
	@mkdir -p $$(@D)
	$(Q)$(CC) $(KCFLAGS) $(2) -D__ASSEMBLER__ -c $$< -o $$@
$(BUILD)/$(1).elf: $$($(1)_OBJ) $(GCOV_LIB) kernel/arch/x86_64/kernel.ld
	$(Q)$(LD) $(KLDFLAGS) -o $$@ $$($(1)_OBJ) $(GCOV_LIB)
$(BUILD)/$(1).bin: $(BUILD)/$(1).elf
	$(Q)$(OBJCOPY) -O binary $$< $$@
-include $$($(1)_OBJ:.o=.d)
endef

# `make coverage` builds everything again under $(BUILD)/cov with
# COVERAGE=1: the kernel's and mm0's C files count their lines (gcov; at
# -O0, which keeps each line's code its own, where -O2 and even -Og merge
# the same `return -E_X;` of several lines into one), and every kernel and program
# writes its profile to the console when it ends (TESS_GCOV; lib/gcov.h,
# kernel/core/coverage.c, tools/coverage.py).
GCOV_FLAGS := -fprofile-arcs -ftest-coverage -fprofile-update=single \
	-fprofile-info-section -O0
ifdef COVERAGE
KSRC_C += lib/gcov.c
GCOV_DEFS := -DTESS_GCOV
GCOV_LIB := $(BUILD)/gcov_info_to_gcda.o
UCFLAGS += -DTESS_GCOV
export TESS_COVERAGE := 1
endif
# libgcov's serializer, with its two calls into a C library renamed to
# stubs of lib/gcov.c (neither is called for edge counters).
$(BUILD)/gcov_info_to_gcda.o:
	@mkdir -p $(@D)
	$(Q)cd $(@D) && ar x $(shell $(CC) -print-file-name=libgcov.a) _gcov_info_to_gcda.o
	$(Q)$(OBJCOPY) --redefine-sym mmap=gcov_mmap --redefine-sym abort=gcov_abort \
		$(@D)/_gcov_info_to_gcda.o $@ && rm $(@D)/_gcov_info_to_gcda.o

$(eval $(call kernel_build,kernel,$(GCOV_DEFS)))
$(eval $(call kernel_build,kcheck,-DTESS_CHECK $(GCOV_DEFS)))
$(eval $(call kernel_build,kbench,-DTESS_BENCH_COUNTERS))
$(eval $(call kernel_build,kfuzz,-DTESS_CHECK -DTESS_COVERAGE $(GCOV_DEFS)))
KFUZZ_FLAGS := -fprofile-arcs -fprofile-update=single -fprofile-info-section \
	-fdata-sections
$(BUILD)/kfuzz/kernel/%.o: KINSTR = $(KFUZZ_FLAGS)
$(BUILD)/kfuzz/kernel/core/invariants.o: KINSTR =
ifdef COVERAGE
$(BUILD)/kernel/kernel/%.o $(BUILD)/kcheck/kernel/%.o: KINSTR = $(GCOV_FLAGS)
$(BUILD)/kfuzz/kernel/%.o: KINSTR = $(GCOV_FLAGS) -fdata-sections
# The invariant checker, run after every system call, at -O0 would make the
# suites many times slower: it stays at -O2 and uncounted in the kernels
# (the host tests, which run it too, count its lines).
$(BUILD)/kcheck/kernel/core/invariants.o $(BUILD)/kfuzz/kernel/core/invariants.o: KINSTR =
endif

# ---------------------------------------------------------------- user
LIBC_SRC := $(wildcard user/lib/libc/*.c) $(wildcard user/lib/libtess/*.c) lib/format.c lib/string.c \
	lib/gcov.c
LIBC_OBJ := $(patsubst %.c,$(BUILD)/user/%.o,$(LIBC_SRC)) $(BUILD)/user/user/lib/crt0.o
# Coverage builds: every program's tess_exit writes its profile, with
# libgcov's serializer from the libc.
LIBC_OBJ += $(GCOV_LIB)

$(BUILD)/user/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(UCFLAGS) $(UINSTR) -c $< -o $@
$(BUILD)/user/%.o: %.S
	@mkdir -p $(@D)
	$(Q)$(CC) $(UCFLAGS) -D__ASSEMBLER__ -c $< -o $@
$(BUILD)/user/libc.a: $(LIBC_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

# prog name, objects
define user_prog
$(BUILD)/user/$(1).elf: $(2) $(BUILD)/user/libc.a user/user.ld
	$(Q)$(LD) -nostdlib -static -z max-page-size=4096 -z noexecstack -T user/user.ld -o $$@ \
		$(BUILD)/user/user/lib/crt0.o $(2) $(BUILD)/user/libc.a
USER_PROGS += $(BUILD)/user/$(1).elf
endef
$(eval $(call user_prog,hello,$(BUILD)/user/user/demos/hello/main.o))
KTEST_OBJ := $(patsubst %.c,$(BUILD)/user/%.o,$(filter-out user/ktest/faulter.c,$(wildcard user/ktest/*.c)))
$(eval $(call user_prog,ktest,$(KTEST_OBJ)))
$(eval $(call user_prog,faulter,$(BUILD)/user/user/ktest/faulter.o))
$(eval $(call user_prog,bench,$(BUILD)/user/user/bench/main.o))

# Native programs with a directory of their own: every .c and .S in it.
objs_of = $(patsubst %.c,$(BUILD)/user/%.o,$(wildcard $(1)/*.c)) \
	$(patsubst %.S,$(BUILD)/user/%.o,$(wildcard $(1)/*.S))
define native_dir
$(if $(wildcard $(2)/*.c),$(eval $(call user_prog,$(1),$(call objs_of,$(2)))))
endef
$(call native_dir,root,user/root)
$(eval $(call user_prog,mm0,$(call objs_of,user/mm0) $(call objs_of,user/mm0/linux)))
$(call native_dir,demo,user/demos/demo)
include user/llp/llp.mk

ifdef COVERAGE
$(BUILD)/user/user/mm0/%.o: UINSTR = $(GCOV_FLAGS)
endif

# POSIX programs: user/posix/NAME/*.c, linked with libposix (its own crt0)
# and the libc, by user/user.ld or by the program's own link.ld.  They run
# in the POSIX container, served by mm0.
LIBPOSIX_SRC := $(wildcard user/lib/posix/*.c)
LIBPOSIX_OBJ := $(patsubst %.c,$(BUILD)/user/%.o,$(LIBPOSIX_SRC))

# The system's own libraries and servers never use the FPU or SSE: the
# kernel saves and loads FPU state only for threads that use it
# (kernel/arch/x86_64/fpu.c), so a call to mm0 or the root task costs no
# FPU switch.  Programs (POSIX programs, ktest, bench) may use it.
$(LIBC_OBJ) $(LIBPOSIX_OBJ) $(call objs_of,user/mm0) $(call objs_of,user/root): \
	UCFLAGS += -mgeneral-regs-only
$(BUILD)/user/libposix.a: $(LIBPOSIX_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
POSIX_NAMES := $(notdir $(patsubst %/,%,$(dir $(wildcard user/posix/*/*.c))))
posix_ld = $(or $(wildcard user/posix/$(1)/link.ld),user/user.ld)
define posix_prog
$(BUILD)/user/posix/$(1).elf: $(call objs_of,user/posix/$(1)) $(BUILD)/user/user/lib/posix/crt0.o \
		$(BUILD)/user/libposix.a $(BUILD)/user/libc.a $(call posix_ld,$(1))
	@mkdir -p $$(@D)
	$(Q)$(LD) -nostdlib -static -z max-page-size=4096 -z noexecstack -T $(call posix_ld,$(1)) -o $$@ \
		$(BUILD)/user/user/lib/posix/crt0.o $(call objs_of,user/posix/$(1)) \
		$(BUILD)/user/libposix.a $(BUILD)/user/libc.a
POSIX_PROGS += $(BUILD)/user/posix/$(1).elf
endef
$(foreach p,$(sort $(POSIX_NAMES)),$(eval $(call posix_prog,$(p))))

# Static Linux binaries: busybox, the musl programs and the conformance
# suite (tests/linux/linux.mk).
include tests/linux/linux.mk

# The initrd: every POSIX program as /bin/NAME, the tree under
# user/initrd/ as it is, the Linux binaries, and lxt-tty (the terminal's
# unit test, run from the shell by the tty suite) (tools/mkinitrd writes a
# cpio "newc" archive).
$(BUILD)/tools/mkinitrd: tools/mkinitrd.c
	@mkdir -p $(@D)
	$(Q)gcc -O2 -Wall -Werror -o $@ $<
INITRD_FILES := $(shell find user/initrd -type f 2>/dev/null)
$(BUILD)/initrd.cpio: $(BUILD)/tools/mkinitrd $(POSIX_PROGS) $(INITRD_FILES) $(LX)/initrd.list \
		$(BUILD)/linux-tests/lxt-tty
	$(Q)$(BUILD)/tools/mkinitrd $@ $(foreach p,$(POSIX_PROGS),/bin/$(basename $(notdir $(p)))=$(p)) \
		/bin/lxt-tty=$(BUILD)/linux-tests/lxt-tty \
		$(foreach f,$(INITRD_FILES),$(patsubst user/initrd/%,/%,$(f))=$(f)) @$(LX)/initrd.list

# The unit tests of mm0's Linux personality: user/linux-tests/NAME.c
# built unmodified for Linux with musl-gcc -static (a "// lxt-cflags:"
# line in the source adds flags), packed as /bin/lxt-NAME beside their
# runner /bin/lxunit, /bin/busybox and the shell scripts of
# user/linux-tests/sh/ (in /lxt/sh/) in an initrd of their own.  start.c
# is built a second time as a static-PIE; dyn-hello is dynamically
# linked, to be refused.  (The conformance suite, with the host as its
# oracle, is tests/linux/.)
MUSL_GCC := musl-gcc
MUSL_LIB := /usr/lib/x86_64-linux-musl
LXT_DIR := $(BUILD)/linux-tests
LXT_NAMES := $(filter-out lxunit,$(basename $(notdir $(wildcard user/linux-tests/*.c))))
LXT_BINS := $(patsubst %,$(LXT_DIR)/lxt-%,$(LXT_NAMES)) $(LXT_DIR)/lxt-start-pie
$(LXT_DIR)/lxt-%: user/linux-tests/%.c user/linux-tests/lxt.h | $(BUILD)/.deps-linux
	@mkdir -p $(@D)
	$(Q)$(MUSL_GCC) -static -O2 -Wall -Werror -o $@ $< $(shell sed -n 's|^// lxt-cflags: ||p' $<)
$(LXT_DIR)/lxunit: user/linux-tests/lxunit.c | $(BUILD)/.deps-linux
	@mkdir -p $(@D)
	$(Q)$(MUSL_GCC) -static -O2 -Wall -Werror -o $@ $<
$(LXT_DIR)/lxt-start-pie: user/linux-tests/start.c user/linux-tests/lxt.h | $(BUILD)/.deps-linux
	@mkdir -p $(@D)
	$(Q)$(MUSL_GCC) -fPIE -O2 -Wall -Werror -c $< -o $(LXT_DIR)/start-pie.o
	$(Q)$(CC) -nostdlib -static-pie -Wl,-e,lxt_entry -o $@ $(MUSL_LIB)/rcrt1.o \
		$(MUSL_LIB)/crti.o $(LXT_DIR)/start-pie.o $(MUSL_LIB)/libc.a $$($(CC) -print-libgcc-file-name) \
		$(MUSL_LIB)/crtn.o
$(LXT_DIR)/dyn-hello: user/linux-tests/lxunit.c | $(BUILD)/.deps-linux
	@mkdir -p $(@D)
	$(Q)$(MUSL_GCC) -O2 -o $@ $<
LXT_SH := $(wildcard user/linux-tests/sh/*)
$(BUILD)/linux-unit.cpio: $(BUILD)/tools/mkinitrd $(LXT_BINS) $(LXT_DIR)/lxunit $(LXT_DIR)/dyn-hello \
		$(LXT_SH)
	$(Q)$(BUILD)/tools/mkinitrd $@ /bin/lxunit=$(LXT_DIR)/lxunit /bin/dyn-hello=$(LXT_DIR)/dyn-hello \
		/bin/busybox=/bin/busybox $(foreach p,$(LXT_BINS),/bin/$(notdir $(p))=$(p)) \
		$(foreach f,$(LXT_SH),/lxt/sh/$(notdir $(f))=$(f))
LINUX_UNIT_MODULES = $(BUILD)/user/root.elf root,user/linux-tests/manifest.txt manifest,$\
$(BUILD)/user/mm0.elf mm0,$(BUILD)/linux-unit.cpio initrd
BUSYBOX_MODULES = $(BUILD)/user/root.elf root,user/linux-tests/busybox.txt manifest,$\
$(BUILD)/user/mm0.elf mm0,$(BUILD)/linux-unit.cpio initrd

# The whole system: the root task, its manifest, the pagers, the initrd.
SYSTEM_MODULES = $(BUILD)/user/root.elf root,user/root/manifest.txt manifest,$\
$(BUILD)/user/mm0.elf mm0,$(BUILD)/user/demo.elf demo,$(BUILD)/initrd.cpio initrd
# The same with test0 as init (the `system` suite).  (The `tty` suite,
# tools/tty-suite.py, boots user/root/manifest-tty.txt: the shell alone.)
SYSTEM_TEST_MODULES = $(subst manifest.txt,manifest-test.txt,$(SYSTEM_MODULES))
# mm0 with an unsuitable IPC capability first (user/posix/capreq).
CAPREQ_MODULES = $(BUILD)/user/root.elf root,user/root/manifest-capreq.txt manifest,$\
$(BUILD)/user/mm0.elf mm0,$(BUILD)/initrd.cpio initrd
# mm0's hardening suite: a small POSIX container running user/posix/mm0test.
# It boots the kernel without invariant checks: it makes hundreds of
# thousands of system calls over thousands of objects, and the checks after
# each (linear in the objects) would take many minutes.  The kernel's
# invariants are the ktest and system suites' business.
MM0TEST_MODULES = $(BUILD)/user/root.elf root,user/root/manifest-mm0test.txt manifest,$\
$(BUILD)/user/mm0.elf mm0,$(BUILD)/initrd.cpio initrd

# The pxfuzz suite: the POSIX container alone, running the mm0 fuzzer.
PXFUZZ_MODULES = $(BUILD)/user/root.elf root,user/root/manifest-pxfuzz.txt manifest,$\
$(BUILD)/user/mm0.elf mm0,$(BUILD)/initrd.cpio initrd

-include $(LIBC_OBJ:.o=.d) $(patsubst %.elf,%.d,$(USER_PROGS))
-include $(shell find $(BUILD)/user -name '*.d' 2>/dev/null)

# The CD image: GRUB and the kernel with SYSTEM_MODULES as Multiboot
# modules (tools/mkiso.sh).  ISO_EXPECT is what says the system booted
# from it is up: the shell's prompt (tools/iso-suite.sh).
ISO := $(BUILD)/tessera.iso
ISO_EXPECT := tessera:/\#
comma := ,
SYSTEM_FILES = $(foreach w,$(subst $(comma), ,$(SYSTEM_MODULES)),$(if $(findstring /,$(w)),$(w)))
$(ISO): $(BUILD)/kernel.bin $(SYSTEM_FILES) tools/mkiso.sh | $(BUILD)/.deps-iso
	$(Q)tools/mkiso.sh $@ $(BUILD)/kernel.bin "$(SYSTEM_MODULES)"

# ---------------------------------------------------------------- targets
.PHONY: all run debug test test-format test-host test-qemu test-lxunit test-mm0 bench deps clean \
	format iso captree fuzz coverage
all: $(BUILD)/kernel.bin $(BUILD)/kcheck.bin $(BUILD)/kfuzz.bin $(USER_PROGS) \
	$(POSIX_PROGS) $(BUILD)/initrd.cpio $(LX)/expected.log

# The machine every run uses: defined once, in tools/qemu-args.sh (which
# the test and bench scripts source too).
QEMU_BASE := $(shell bash -c '. tools/qemu-args.sh && echo "$${QEMU_MACHINE[*]}"')

# Install what is missing (Debian).  A stamp file keeps this to one check.
deps: $(BUILD)/.deps $(BUILD)/.deps-linux
$(BUILD)/.deps:
	@mkdir -p $(BUILD)
	@command -v $(QEMU) >/dev/null 2>&1 || { \
		echo "installing qemu-system-x86 (apt-get)"; \
		apt-get install -y --no-install-recommends qemu-system-x86 || \
		{ apt-get update && apt-get install -y --no-install-recommends qemu-system-x86; }; }
	@command -v timeout >/dev/null 2>&1 || apt-get install -y coreutils
	@command -v python3 >/dev/null 2>&1 || apt-get install -y python3
	@$(call apt_need,/usr/bin/python3 -c 'import pexpect',python3-pexpect)
	@touch $@

# $(call apt_need,TEST,PACKAGES): install PACKAGES unless the shell TEST holds.
apt_need = { $(1); } >/dev/null 2>&1 || { echo "installing $(2) (apt-get)"; \
	apt-get install -y --no-install-recommends $(2) || \
	{ apt-get update && apt-get install -y --no-install-recommends $(2); }; }
$(BUILD)/.deps-iso:
	@mkdir -p $(BUILD)
	@$(call apt_need,command -v grub-mkrescue && [ -f /usr/lib/grub/i386-pc/cdboot.img ] \
		&& command -v xorriso && command -v mformat,grub-common grub-pc-bin xorriso mtools)
	@touch $@
$(BUILD)/.deps-format:
	@mkdir -p $(BUILD)
	@$(call apt_need,command -v clang-format,clang-format)
	@touch $@
$(BUILD)/.deps-captree:
	@mkdir -p $(BUILD)
	@$(call apt_need,command -v dot && [ -x /usr/bin/python3 ],graphviz python3)
	@touch $@

# The whole system: the root task reads its manifest and starts the POSIX
# container (mm0: init starts test0 and the shell on the console) and the
# native demo container.  Input that is not a terminal is typed into the
# shell once its prompt is there, then ctrl-D: the shell ends and the
# machine powers off, so `make run </dev/null` returns by itself
# (tools/run-feed.py).
RUN_QEMU = $(QEMU) $(QEMU_BASE) -nographic -kernel $(BUILD)/kernel.bin \
	-initrd "$(SYSTEM_MODULES)"
run: all deps
	@status=0; if [ -t 0 ]; then $(RUN_QEMU) || status=$$?; \
	else tools/run-feed.py $(RUN_QEMU) || status=$$?; fi; \
	if [ $$status -eq 1 ]; then echo "(QEMU exited: the system powered off cleanly)"; \
	else echo "(QEMU exited with status $$status: see the log above)"; exit 1; fi

debug: all deps
	@echo "QEMU waits for gdb on :1234.  In another terminal:"
	@echo "    gdb -x .gdbinit      (loads build/kernel.elf, connects, breaks at kmain)"
	$(QEMU) $(QEMU_BASE) -nographic -s -S -kernel $(BUILD)/kernel.bin \
		-initrd "$(SYSTEM_MODULES)"

iso: $(ISO)
	@echo "$(ISO): write it to a USB stick or a CD and boot a PC from it (README.md)"

# Boot the system with the `captree` option and draw the capabilities the
# kernel dumps: build/captree.svg (and .dot, and the serial log).
captree: all deps $(BUILD)/.deps-captree
	@tools/captree.sh $(BUILD)/kernel.bin "$(SYSTEM_MODULES)" $(BUILD)/captree

test:
	@rm -rf $(BUILD)/test
	@$(MAKE) --no-print-directory test-format test-host test-qemu test-linux
	@tools/summary.sh $(BUILD)/test

# Every C file as clang-format writes it (tools/format-check.sh).
test-format: $(BUILD)/.deps-format
	@mkdir -p $(BUILD)/test
	@tools/format-check.sh

test-host:
	@mkdir -p $(BUILD)/test
	@$(MAKE) --no-print-directory -f tests/host/host.mk BUILD=$(BUILD) run

export TEST_OUT := $(BUILD)/test

test-qemu: all deps $(ISO) $(BUILD)/.deps-captree $(BUILD)/linux-unit.cpio
	@mkdir -p $(BUILD)/test
	@tools/run-suite.sh ktest 120 -kernel $(BUILD)/kcheck.bin \
		-initrd $(BUILD)/user/ktest.elf -append "now=$$(date +%s)"
	@SUITE_DRIVER=tools/input-driver.py tools/run-suite.sh input 120 \
		-kernel $(BUILD)/kcheck.bin -initrd $(BUILD)/user/ktest.elf \
		-append "suite=input"
	@tools/fault-suite.sh $(BUILD)
	@tools/root-suite.sh $(BUILD)
	@tools/llp-suite.sh $(BUILD)
	@tools/run-suite.sh system 300 -kernel $(BUILD)/kcheck.bin \
		-initrd "$(SYSTEM_TEST_MODULES)"
	@tools/run-suite.sh capreq 60 -kernel $(BUILD)/kcheck.bin \
		-initrd "$(CAPREQ_MODULES)"
	@tools/tty-suite.py $(BUILD)
	@tools/iso-suite.sh $(ISO) "$(ISO_EXPECT)" $(BUILD)/test/system.log
	@tools/captree.sh --test $(BUILD)/kcheck.bin "$(SYSTEM_TEST_MODULES)" \
		$(BUILD)/test/captree
	@tools/run-suite.sh mm0 300 -kernel $(BUILD)/kernel.bin \
		-initrd "$(MM0TEST_MODULES)"
	@tools/run-suite.sh pxfuzz 180 -kernel $(BUILD)/kcheck.bin \
		-initrd "$(PXFUZZ_MODULES)"
	@tools/run-suite.sh fuzz 180 -kernel $(BUILD)/kfuzz.bin \
		-initrd $(BUILD)/user/ktest.elf -append "fuzz calls=$(FUZZ_TEST_CALLS) seed=1"
	@$(MAKE) --no-print-directory test-lxunit

# The unit suites of mm0's Linux personality alone (user/linux-tests/).
test-lxunit: all deps $(BUILD)/linux-unit.cpio
	@mkdir -p $(BUILD)/test
	@tools/run-suite.sh lxunit 300 -kernel $(BUILD)/kcheck.bin \
		-initrd "$(LINUX_UNIT_MODULES)"
	@tools/run-suite.sh lxbusybox 300 -kernel $(BUILD)/kernel.bin \
		-initrd "$(BUSYBOX_MODULES)"

# The mm0 suite alone (while working on mm0).
test-mm0: all deps
	@mkdir -p $(BUILD)/test
	@tools/run-suite.sh mm0 300 -kernel $(BUILD)/kernel.bin \
		-initrd "$(MM0TEST_MODULES)"

bench: all deps $(BUILD)/kbench.bin
	@tools/bench.sh $(BUILD)
	@LINUX_SUITE=$(LINUX_SUITE) tools/lxbench.sh $(BUILD)

# The short campaign of `make test`; `make fuzz` runs one of any length
# (docs/fuzzing.md): N calls from SEED (a new one if not given; printed),
# repeatable under QEMU -icount unless ICOUNT=0.
FUZZ_TEST_CALLS := 20000
N ?= 100000
SEED ?=
SHOW ?= 0
ICOUNT ?= 1
TRACE ?= 0
fuzz: all deps
	@tools/fuzz.sh $(BUILD) $(N) "$(SEED)" $(SHOW) $(ICOUNT) $(TRACE)

# The lines of kernel/core and user/mm0 that `make test` reaches: the
# whole tree built again under $(BUILD)/cov with COVERAGE=1, the host tests
# and the QEMU suites run there, and tools/coverage.py's figures, with the
# documented errors no test gets back (docs/fuzzing.md).
coverage: deps
	@find $(BUILD)/cov -name '*.gcda' -delete 2>/dev/null; rm -rf $(BUILD)/cov/test
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/cov COVERAGE=1 test-host test-qemu \
		>$(BUILD)/coverage-tests.log 2>&1 || true
	@tools/summary.sh $(BUILD)/cov/test | tail -n 20 || true
	@/usr/bin/python3 tools/coverage.py $(BUILD)/cov $(BUILD)/cov/test/*.log

clean:
	rm -rf $(BUILD)

format: $(BUILD)/.deps-format
	clang-format -i $$(git ls-files '*.c' '*.h')
