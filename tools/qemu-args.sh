# The QEMU machine every Tessera run uses (sourced by the tools/ scripts).
# -cpu max under TCG; isa-debug-exit lets the kernel end QEMU with a status.
QEMU=${QEMU:-qemu-system-x86_64}
QEMU_MACHINE=(-machine pc -cpu max -m 512M -no-reboot
	-device isa-debug-exit,iobase=0xf4,iosize=0x04)
