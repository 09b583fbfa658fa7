# Host unit tests: kernel/core compiled for Linux with AddressSanitizer and
# UndefinedBehaviorSanitizer.  Each tests/host/test_*.c is one program that
# prints TAP lines; `run` collects them into $(BUILD)/test/host.tap.

BUILD ?= build
HOSTCC ?= gcc
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -DHOST_TEST -Ikernel -Iinclude -I. -Itests/host
HOST_OUT := $(BUILD)/host

# kernel/core files the host tests link against (no arch, no asm).
HOST_CORE := kernel/core/bootmem.c kernel/core/elf.c lib/format.c
HOST_TESTS := $(patsubst tests/host/%.c,$(HOST_OUT)/%,$(wildcard tests/host/test_*.c))

$(HOST_OUT)/%: tests/host/%.c tests/host/harness.c tests/host/harness.h $(HOST_CORE) $(wildcard kernel/core/*.h)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $< tests/host/harness.c $(HOST_CORE)

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
