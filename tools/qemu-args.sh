# The QEMU machine every Tessera run uses (sourced by the tools/ scripts).
# -cpu max under TCG; isa-debug-exit lets the kernel end QEMU with a status.
QEMU=${QEMU:-qemu-system-x86_64}
QEMU_MACHINE=(-machine pc -cpu max -m 512M -no-reboot
	-device isa-debug-exit,iobase=0xf4,iosize=0x04)
# Coverage builds (`make coverage` exports TESS_COVERAGE) run at -O0 with
# a counter on every edge, several times slower: the suites' timeouts,
# which only catch hangs, stretch by this factor.
TIMEOUT_SCALE=1
if [ -n "${TESS_COVERAGE:-}" ]; then
	TIMEOUT_SCALE=6
fi
