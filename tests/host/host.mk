# Host unit tests: kernel/core compiled for Linux with AddressSanitizer and
# UndefinedBehaviorSanitizer.  Each tests/host/test_*.c is one program that
# prints TAP lines; `run` collects them into $(BUILD)/test/host.tap.

BUILD ?= build
HOSTCC ?= gcc
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -pthread -DHOST_TEST -Ikernel -Iinclude -I. -Itests/host
HOST_OUT := $(BUILD)/host
# `make coverage`: the host tests count the lines they reach too, built
# without the sanitizers (`make test` runs those): their code on lines that
# have none in the kernel (AddressSanitizer's guard of a local array, on
# the line declaring it) would count as lines no test reaches.
ifdef COVERAGE
HOST_CFLAGS := $(filter-out -fsanitize=% -fno-sanitize-recover=%,$(HOST_CFLAGS)) \
	--coverage -O0
endif
Q := $(if $(V),,@)

# The kernel files the host tests link against: all of the portable core
# (kernel/core, built against tests/host/machine.h, never an x86_64
# header: tools/core-check.sh checks the dependency files) except
# kprintf.c, whose kprintf and panic the harness replaces (it is compiled,
# for that check, but not linked), and the x86_64 page-table code, which
# is plain C over tables in memory.  tests/host/arch_host.c stands in for
# the rest of the architecture layer.
CORE_SRC := $(wildcard kernel/core/*.c kernel/core/*/*.c)
HOST_CORE := $(filter-out kernel/core/kprintf.c,$(CORE_SRC)) lib/format.c \
	kernel/arch/x86_64/vspace.c
CORE_CHECK_OBJ := $(patsubst %.c,$(HOST_OUT)/obj/%.o,$(CORE_SRC))
HOST_SUPPORT := tests/host/harness.c tests/host/arch_host.c tests/host/kworld.c
HOST_OBJ := $(patsubst %.c,$(HOST_OUT)/obj/%.o,$(HOST_CORE) $(HOST_SUPPORT))
HOST_TESTS := $(patsubst tests/host/%.c,$(HOST_OUT)/%,$(wildcard tests/host/test_*.c))

# The kernel's sched_yield would interpose on the C library's (which the
# sanitizer runtime calls): inside the kernel files it gets another name.
$(CORE_CHECK_OBJ) $(patsubst %.c,$(HOST_OUT)/obj/%.o,$(HOST_CORE)): HOST_DEFS := -Dsched_yield=kernel_sched_yield

# test_malloc links the libc's allocator, renamed so that it does not
# replace the host C library's (which the sanitizers use).
$(HOST_OUT)/obj/user/lib/libc/malloc.o: HOST_DEFS := -Dmalloc=libc_malloc -Dfree=libc_free \
	-Dcalloc=libc_calloc -Drealloc=libc_realloc -Dmalloc_stats=libc_malloc_stats
$(HOST_OUT)/test_malloc: $(HOST_OUT)/obj/user/lib/libc/malloc.o
$(HOST_OUT)/test_malloc_pager: $(HOST_OUT)/obj/user/lib/libc/malloc.o

$(HOST_OUT)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(HOST_DEFS) -MMD -MP -c $< -o $@

$(HOST_OUT)/test_%: $(HOST_OUT)/obj/tests/host/test_%.o $(HOST_OBJ)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $^

# The TLB rules (kernel/arch/x86_64/tlb.c) against a model of the CPU's
# TLB: test_tlb replaces the instructions and the weak hooks arch_host.c
# gives the other tests.
$(HOST_OUT)/test_tlb: $(HOST_OUT)/obj/kernel/arch/x86_64/tlb.o

# mm0's file system, tested on the host against the C library.
$(HOST_OUT)/test_fs: $(HOST_OUT)/obj/user/mm0/fs.o $(HOST_OUT)/obj/user/mm0/fs_file.o \
	$(HOST_OUT)/obj/user/mm0/cpio.o $(HOST_OUT)/obj/user/mm0/pagemap.o

# The root task's manifest parser, tested on the host: its headers reach
# libtess's (tess.h) after the host C library's.
$(HOST_OUT)/obj/user/root/manifest.o $(HOST_OUT)/obj/tests/host/test_manifest.o: \
	HOST_DEFS := -idirafter user/lib/include
$(HOST_OUT)/test_manifest: $(HOST_OUT)/obj/user/root/manifest.o

# The objects are shared by every test program: keep them.
.SECONDARY:

-include $(wildcard $(HOST_OUT)/obj/*/*.d $(HOST_OUT)/obj/*/*/*.d $(HOST_OUT)/obj/*/*/*/*.d)

.PHONY: run
run: $(HOST_TESTS) $(CORE_CHECK_OBJ)
	@mkdir -p $(BUILD)/test
	@: > $(BUILD)/test/host.tap
	@for t in $(HOST_TESTS); do \
		n=$$(basename $$t); \
		out=$$( ASAN_OPTIONS=detect_leaks=1 timeout 300 $$t 2>&1 ); st=$$?; \
		echo "$$out" > $(BUILD)/test/host-$$n.log; \
		echo "$$out" | grep -E '^(not )?ok [0-9]+ - ' | \
			sed -E "s/^(not )?ok [0-9]+ - /\1ok - host\/$$n: /" >> $(BUILD)/test/host.tap; \
		if [ $$st -ne 0 ]; then \
			echo "not ok - host/$$n: exited with status $$st (see $(BUILD)/test/host-$$n.log)" >> $(BUILD)/test/host.tap; \
		fi; \
	done
	@tools/core-check.sh $(HOST_OUT)/obj >> $(BUILD)/test/host.tap
	@cat $(BUILD)/test/host.tap
