# Unmodified static Linux binaries (included by the top Makefile).
#
# Debian's busybox-static and programs of ours built with `musl-gcc
# -static` go into the initrd beside the native programs:
#
#   /bin/busybox        the Debian binary, as it is
#   /bin/NAME           a symbolic link to /bin/busybox for each applet of
#                       `busybox --list` (sh among them), except names a
#                       native program already has
#   /bin/lxrun          the conformance suite's runner (tests/linux/lxrun.c)
#   /bin/lxhelp         a helper the cases exec (tests/linux/lxhelp.c)
#   /bin/lxbench        the Linux-vs-Tessera benchmark (tests/linux/lxbench.c)
#   /bin/lxtiny         the tiny program lxbench execs
#   /tests/NAME         the cases: tests/linux/cases/*.sh as they are,
#                       tests/linux/cases/*.c built
#
# $(LX)/root is the same tree on the host (applet links relative there), so
# that the host runs the very same busybox: $(LX)/expected.log is the
# host's run of the suite, the oracle.  LINUX_SUITE=1 also runs the suite
# and the benchmark under Tessera (mm0's Linux personality).

LINUX_SUITE ?= 1
MUSL_CC := musl-gcc
BUSYBOX := /bin/busybox
LX := $(BUILD)/linux
LX_CFLAGS := -static -O2 -Wall -Wextra -Werror -Wno-format-truncation -pthread
LX_PROGS := $(addprefix $(LX)/root/bin/,lxrun lxhelp lxbench lxtiny)
LX_CASES := $(patsubst tests/linux/cases/%.c,$(LX)/root/tests/%,$(wildcard tests/linux/cases/*.c)) \
	$(patsubst tests/linux/cases/%,$(LX)/root/tests/%,$(wildcard tests/linux/cases/*.sh))

# busybox-static and musl-tools (Debian), installed when missing.
$(BUILD)/.deps-linux:
	@mkdir -p $(@D)
	@for p in busybox-static musl-tools; do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' && continue; \
		echo "installing $$p (apt-get)"; \
		apt-get install -y --no-install-recommends $$p || \
		{ apt-get update && apt-get install -y --no-install-recommends $$p; } || exit 1; \
	done
	@touch $@

$(LX)/root/bin/%: tests/linux/%.c | $(BUILD)/.deps-linux
	@mkdir -p $(@D)
	$(Q)$(MUSL_CC) $(LX_CFLAGS) -o $@ $<
$(LX)/root/tests/%: tests/linux/cases/%.c | $(BUILD)/.deps-linux
	@mkdir -p $(@D)
	$(Q)$(MUSL_CC) $(LX_CFLAGS) -o $@ $<
$(LX)/root/tests/%.sh: tests/linux/cases/%.sh
	@mkdir -p $(@D)
	$(Q)install -m 644 $< $@

# The applets: one name a line, and their links in $(LX)/root/bin.
$(LX)/root/bin/busybox: $(wildcard $(BUSYBOX)) | $(BUILD)/.deps-linux
	@mkdir -p $(@D)
	$(Q)cp $(BUSYBOX) $@
$(LX)/applets.txt: $(LX)/root/bin/busybox
	$(Q)$< --list | grep -vxF -e busybox $(foreach n,$(POSIX_NAMES) $(notdir $(LX_PROGS)),-e $(n)) >$@.tmp
	$(Q)for a in $$(cat $@.tmp); do ln -sfn busybox $(LX)/root/bin/$$a; done
	$(Q)mv $@.tmp $@

# The initrd's share, as arguments to tools/mkinitrd (one a line).  A case
# whose source is gone leaves $(LX)/root/tests too (the host runs what is
# there); the directory is a prerequisite so that a removal counts.
$(LX)/initrd.list: $(LX)/applets.txt $(LX_PROGS) $(LX_CASES) tests/linux/cases
	$(Q)for f in $(LX)/root/tests/*; do \
		case " $(LX_CASES) " in *" $$f "*) ;; *) rm -f "$$f" ;; esac; \
	done
	$(Q){ echo "/bin/busybox=$(LX)/root/bin/busybox"; \
		sed 's|.*|/bin/&->/bin/busybox|' $(LX)/applets.txt; \
		$(foreach p,$(LX_PROGS),echo "/bin/$(notdir $(p))=$(p)";) \
		$(foreach c,$(LX_CASES),echo "/tests/$(notdir $(c))=$(c)";) } >$@

# The oracle: the suite on this machine (tools/lxoracle.sh).
$(LX)/expected.log: $(LX)/initrd.list tools/lxoracle.sh
	$(Q)tools/lxoracle.sh $(LX)/root $@

.PHONY: test-linux linux-check bench-linux
# The suite under Tessera (LINUX_SUITE=1), and the oracle's own check.
test-linux: all deps $(BUILD)/tools/lxcheck
	@mkdir -p $(BUILD)/test
	@LINUX_SUITE=$(LINUX_SUITE) LX_NATIVE="$(POSIX_PROGS)" tools/linux-suite.sh $(BUILD) test

# The same initrd and the same runner under Linux 6.1 in QEMU (downloads a
# Debian kernel package once).
linux-check: all deps $(BUILD)/tools/lxcheck
	@mkdir -p $(BUILD)/test
	@tools/linux-suite.sh $(BUILD) linux

bench-linux: all deps
	@LINUX_SUITE=$(LINUX_SUITE) tools/lxbench.sh $(BUILD)

$(BUILD)/tools/lxcheck: tools/lxcheck.c
	@mkdir -p $(@D)
	$(Q)gcc -O2 -Wall -Wextra -Werror -o $@ $<
