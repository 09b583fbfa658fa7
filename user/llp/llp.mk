# The LLP lab layer and the lab programs (included by the Makefile).
#
#   build/user/libllp.a     the lab layer (user/lib/llp): llp.h, capio.h
#   build/user/llp-*.elf    user/llp/NAME: the lab's demo, a lab program,
#                           the layer's unit tests
#
# Lab code is compiled with llp.h and capio.h on its include path and the
# warnings its 32-bit habits (addresses held in unsigned) would raise
# turned off; it starts at cmain (user/lib/llp/start.c).  See docs/llp.md.
LLP_INC := -Iuser/lib/llp/include
LLP_CFLAGS := $(LLP_INC) -Wno-int-to-pointer-cast -Wno-pointer-to-int-cast
LLP_LIB_OBJ := $(patsubst %.c,$(BUILD)/user/%.o,$(filter-out user/lib/llp/start.c,\
	$(wildcard user/lib/llp/*.c)))
LLP_START := $(BUILD)/user/user/lib/llp/start.o
$(LLP_LIB_OBJ) $(LLP_START): UCFLAGS += $(LLP_INC)
$(BUILD)/user/libllp.a: $(LLP_LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

# llp_prog NAME DIR START: a program from DIR's sources, with the lab's
# start (cmain) if START is yes, linked with the lab layer and the libc.
define llp_prog
$(call objs_of,$(2)): UCFLAGS += $(LLP_CFLAGS)
$(BUILD)/user/$(1).elf: $(call objs_of,$(2)) $(if $(filter yes,$(3)),$(LLP_START)) \
		$(BUILD)/user/libllp.a $(BUILD)/user/libc.a user/user.ld
	$(Q)$(LD) -nostdlib -static -z max-page-size=4096 -z noexecstack -T user/user.ld -o $$@ \
		$(BUILD)/user/user/lib/crt0.o $(call objs_of,$(2)) \
		$(if $(filter yes,$(3)),$(LLP_START)) $(BUILD)/user/libllp.a $(BUILD)/user/libc.a
USER_PROGS += $(BUILD)/user/$(1).elf
endef
$(eval $(call llp_prog,llp-demo,user/llp/demo,yes))
$(eval $(call llp_prog,llp-lab,user/llp/labtest,yes))
$(eval $(call llp_prog,llp-unit,user/llp/unit,no))
