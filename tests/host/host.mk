# Host unit tests: kernel/core compiled for Linux with AddressSanitizer and
# UndefinedBehaviorSanitizer.  Each tests/host/test_*.c is one program that
# prints TAP lines; `run` collects them into $(BUILD)/test/host.tap.

BUILD ?= build
HOSTCC ?= gcc
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -pthread -DHOST_TEST -Ikernel -Iinclude -I. -Itests/host
HOST_OUT := $(BUILD)/host
# `make coverage`: the host tests count the lines they reach too.
ifdef COVERAGE
HOST_CFLAGS += --coverage -O0
endif
Q := $(if $(V),,@)

# The kernel files the host tests link against: the portable core (all of
# the capability machinery, with the thread, scheduler and IPC files it
# calls into) and the x86_64 page-table code, which is plain C over tables
# in memory.  tests/host/arch_host.c stands in for the rest of the
# architecture layer.
HOST_CORE := kernel/core/bootmem.c kernel/core/elf.c lib/format.c \
	kernel/core/cdt.c kernel/core/cspace.c kernel/core/delete.c \
	kernel/core/untyped.c kernel/core/object.c kernel/core/space.c \
	kernel/core/thread.c kernel/core/container.c kernel/core/capctrl.c \
	kernel/core/invariants.c kernel/core/sys_memory.c kernel/core/sched.c \
	kernel/core/ipc.c kernel/core/mutex.c kernel/core/tctrl.c \
	kernel/core/root.c kernel/core/time.c kernel/core/input.c kernel/core/coverage.c \
	kernel/arch/x86_64/vspace.c
HOST_SUPPORT := tests/host/harness.c tests/host/arch_host.c tests/host/kworld.c
HOST_OBJ := $(patsubst %.c,$(HOST_OUT)/obj/%.o,$(HOST_CORE) $(HOST_SUPPORT))
HOST_TESTS := $(patsubst tests/host/%.c,$(HOST_OUT)/%,$(wildcard tests/host/test_*.c))

# The kernel's sched_yield would interpose on the C library's (which the
# sanitizer runtime calls): inside the kernel files it gets another name.
$(patsubst %.c,$(HOST_OUT)/obj/%.o,$(HOST_CORE)): HOST_DEFS := -Dsched_yield=kernel_sched_yield

# test_malloc links the libc's allocator, renamed so that it does not
# replace the host C library's (which the sanitizers use).
$(HOST_OUT)/obj/user/lib/libc/malloc.o: HOST_DEFS := -Dmalloc=libc_malloc -Dfree=libc_free \
	-Dcalloc=libc_calloc -Drealloc=libc_realloc -Dmalloc_stats=libc_malloc_stats
$(HOST_OUT)/test_malloc: $(HOST_OUT)/obj/user/lib/libc/malloc.o

$(HOST_OUT)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(HOST_DEFS) -MMD -MP -c $< -o $@

$(HOST_OUT)/test_%: $(HOST_OUT)/obj/tests/host/test_%.o $(HOST_OBJ)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $^

# mm0's file system, tested on the host against the C library.
$(HOST_OUT)/test_fs: $(HOST_OUT)/obj/user/mm0/fs.o $(HOST_OUT)/obj/user/mm0/cpio.o

# The root task's manifest parser, tested on the host: its headers reach
# libtess's (tess.h) after the host C library's.
$(HOST_OUT)/obj/user/root/manifest.o $(HOST_OUT)/obj/tests/host/test_manifest.o: \
	HOST_DEFS := -idirafter user/lib/include
$(HOST_OUT)/test_manifest: $(HOST_OUT)/obj/user/root/manifest.o

# The objects are shared by every test program: keep them.
.SECONDARY:

-include $(wildcard $(HOST_OUT)/obj/*/*.d $(HOST_OUT)/obj/*/*/*.d $(HOST_OUT)/obj/*/*/*/*.d)

.PHONY: run
run: $(HOST_TESTS)
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
	@cat $(BUILD)/test/host.tap
