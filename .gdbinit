# gdb for `make debug`: run `gdb -x .gdbinit` from the top of the tree
# while `make debug` waits.  (gdb may ask to allow this file; or add
# "add-auto-load-safe-path <this dir>" to ~/.gdbinit.)
set pagination off
file build/kernel.elf
target remote localhost:1234
hbreak kmain
continue
