#!/usr/bin/env python3
"""Run QEMU and type into it when the guest asks.

    tools/input-driver.py QEMU ARGS...

Runs the QEMU command line given (which must use -serial stdio) with a
monitor on a Unix socket of our own, copies everything the guest prints
to our standard output, and answers the guest's requests, lines of the
form "#> REQUEST ARGS" on the serial line:

    serial-flood N   write N bytes to the serial line, byte i = i % 251
    serial TEXT      write TEXT (\\r, \\n, \\t, \\\\ and \\xHH decoded)
    keys K1 K2 ...   press each key with the monitor's sendkey (QEMU key
                     names; "ctrl-c" is a chord)
    out-check N      were lines "# out I ..." for I in 0..N-1 each printed
                     once and intact (as the guest's out_line makes them)?
                     Answer one byte on the serial line: Y or N.

Serial bytes are written by a thread of their own, so that a flood the
guest takes slowly never stops us reading what it prints.  The exit
status is QEMU's.  Used by tools/run-suite.sh (SUITE_DRIVER) for the
"input" suite; see user/ktest/test_input.c.
"""
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time


def decode(text):
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            n = text[i + 1]
            if n == "x" and i + 3 < len(text):
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
            out += {"r": b"\r", "n": b"\n", "t": b"\t"}.get(n, n.encode())
            i += 2
            continue
        out += c.encode()
        i += 1
    return bytes(out)


def out_line(i):
    """The line user/ktest/test_input.c's out_line(i) prints."""
    words = " ".join("%08x" % ((i * 2654435761 + k) & 0xFFFFFFFF) for k in range(8))
    return "# out %d %s" % (i, words)


from qemu_monitor import Monitor  # noqa: E402 (tools/ is on sys.path)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: input-driver.py QEMU ARGS...")
    tmp = tempfile.mkdtemp(prefix="tess-input-")
    mon_path = os.path.join(tmp, "monitor")
    cmd = sys.argv[1:] + ["-monitor", "unix:%s,server=on,wait=off" % mon_path]
    qemu = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, bufsize=0)
    monitor = Monitor(mon_path)
    to_serial = queue.Queue()

    def writer():
        while True:
            data = to_serial.get()
            if data is None:
                return
            try:
                qemu.stdin.write(data)
                qemu.stdin.flush()
            except (BrokenPipeError, OSError):
                return

    threading.Thread(target=writer, daemon=True).start()
    seen = {}
    out = sys.stdout.buffer
    for raw in iter(qemu.stdout.readline, b""):
        out.write(raw)
        out.flush()
        line = raw.decode("latin-1").rstrip("\r\n")
        if line.startswith("# out "):
            seen[line] = seen.get(line, 0) + 1
        if not line.startswith("#> "):
            continue
        words = line[3:].split(" ", 1)
        req, arg = words[0], words[1] if len(words) > 1 else ""
        if req == "serial-flood":
            n = int(arg)
            to_serial.put(bytes(i % 251 for i in range(n)))
        elif req == "serial":
            to_serial.put(decode(arg))
        elif req == "keys":
            for key in arg.split():
                monitor.command("sendkey %s 20" % key)
                time.sleep(0.06)
        elif req == "out-check":
            good = all(seen.get(out_line(i)) == 1 for i in range(int(arg)))
            to_serial.put(b"Y" if good else b"N")
        else:
            print("input-driver: unknown request %r" % line, flush=True)
    to_serial.put(None)
    status = qemu.wait()
    try:
        os.unlink(mon_path)
        os.rmdir(tmp)
    except OSError:
        pass
    sys.exit(status)


if __name__ == "__main__":
    main()
