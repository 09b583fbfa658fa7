#!/usr/bin/python3
"""Where a benchmark's instructions go: one pass of a loop, instruction by
instruction, kernel and user, grouped by function.

    tools/insn-trace.py [--build DIR] [--skip N] FUNCTION [FUNCTION...]

Boots the kernel benchmarks (user/bench as the root task) under QEMU with
-icount shift=0 and one guest instruction per translation block, logging
each block executed (-d exec,nochain), and follows the log: from the
N-th time (default 1000, past the warm-up) execution enters one of the
user FUNCTIONs from outside them (the loop comes back to it, from the
kernel or from its callees) to the next such entry, it prints each run of
instructions in one function ("count function") and the totals per
function, the kernel's and the user's.  The instructions are the ones
`make bench` counts (the figures there also hold the user code around
the system call and subtract the counter's cost).

Examples: stamp_server (one IPC Call and ReplyRecv, both one-way
halves), page_toucher (one page fault to a pager in another space, its
map and its reply), faulter (one ud2 round trip).

A developer's tool, not run by `make bench`: the single-step log makes
QEMU slow (half a minute or more to reach the loop).
"""
import argparse
import bisect
import collections
import os
import re
import signal
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))


def symbols(elf):
    """(start, end, name) of the code symbols of `elf`: the C functions
    with their sizes, the assembly labels (no size) up to the next."""
    out = subprocess.run(["nm", "-S", "--defined-only", elf],
                         capture_output=True, text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "tTwW":
            start = int(f[0], 16)
            syms.append((start, start + int(f[1], 16), f[3]))
        elif len(f) == 3 and f[1] in "tT":
            syms.append((int(f[0], 16), -1, f[2]))
    syms.sort()
    return [(s, e if e >= 0 else
             (syms[i + 1][0] if i + 1 < len(syms) else s + 4096), n)
            for i, (s, e, n) in enumerate(syms)]


def qemu_machine():
    out = subprocess.run(
        ["bash", "-c", '. "%s/qemu-args.sh"; echo "$QEMU"; '
         'printf "%%s\\n" "${QEMU_MACHINE[@]}"' % here],
        capture_output=True, text=True, check=True).stdout.splitlines()
    return out[0], out[1:]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--skip", type=int, default=1000)
    ap.add_argument("--max", type=int, default=20000,
                    help="give up after this many instructions")
    ap.add_argument("functions", nargs="+")
    a = ap.parse_args()

    syms = symbols(os.path.join(a.build, "kernel.elf")) + \
        symbols(os.path.join(a.build, "user/bench.elf"))
    syms.sort()
    starts = [s[0] for s in syms]
    targets = [s for s in syms if s[2] in a.functions]
    if len(targets) != len(set(a.functions)):
        sys.exit("insn-trace: not all of %s are functions of bench.elf"
                 % " ".join(a.functions))

    def name(pc):
        i = bisect.bisect_right(starts, pc) - 1
        if i >= 0 and syms[i][0] <= pc < syms[i][1]:
            return syms[i][2]
        return "?%x" % pc

    def in_target(pc):
        return any(s <= pc < e for s, e, _ in targets)

    qemu, machine = qemu_machine()
    tmp = tempfile.mkdtemp()
    fifo = os.path.join(tmp, "exec.log")
    os.mkfifo(fifo)
    p = subprocess.Popen(
        [qemu] + machine + [
            "-display", "none", "-monitor", "none", "-serial", "null",
            "-kernel", os.path.join(a.build, "kernel.bin"),
            "-initrd", os.path.join(a.build, "user/bench.elf"),
            "-icount", "shift=0,sleep=off", "-singlestep",
            "-d", "exec,nochain", "-D", fifo],
        stdin=subprocess.DEVNULL)
    pcre = re.compile(rb"/([0-9a-f]{16})/")
    entries, inside, trace = 0, False, []
    try:
        with open(fifo, "rb") as log:
            for line in log:
                m = pcre.search(line)
                if not m:
                    continue
                pc = int(m.group(1), 16)
                now = in_target(pc)
                if now and not inside:
                    entries += 1
                    if entries > a.skip + 1:
                        break
                inside = now
                if entries > a.skip:
                    trace.append(pc)
                    if len(trace) > a.max:
                        break
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
        os.unlink(fifo)
        os.rmdir(tmp)
    if entries <= a.skip:
        sys.exit("insn-trace: entered %s only %d times" %
                 (" ".join(a.functions), entries))

    total = collections.Counter()
    kernel = user = 0
    run_name, run = None, 0
    for pc in trace + [None]:
        n = name(pc) if pc is not None else None
        if n != run_name and run_name is not None:
            print("%6d  %s" % (run, run_name))
            run = 0
        run_name = n
        run += 1
        if pc is not None:
            total[n] += 1
            if pc >= 0xffff800000000000:
                kernel += 1
            else:
                user += 1
    print("\nper function (instructions, in one pass):")
    for n, c in total.most_common():
        print("%6d  %s" % (c, n))
    print("\n%6d  kernel\n%6d  user\n%6d  in all" % (kernel, user,
                                                   kernel + user))


if __name__ == "__main__":
    main()
