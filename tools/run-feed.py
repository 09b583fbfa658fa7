#!/usr/bin/python3
"""`make run` when its input is not a terminal: type that input into the
shell once the system is up, then ctrl-D.

    tools/run-feed.py QEMU ARGS...      (QEMU with -nographic or -serial stdio)

Bytes sent to the serial line before the kernel reads it can be lost
(they reach the UART before its driver is up), so this waits for the
shell's first prompt, then writes what it has on standard input (nothing,
for </dev/null) followed by a newline and ctrl-D: the shell ends and the
machine powers off.  Everything the guest prints is copied to standard
output; the exit status is QEMU's.
"""
import re
import subprocess
import sys
import threading

PROMPT = re.compile(rb"tessera:[^\r\n#]*# ")

qemu = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, bufsize=0)
script = sys.stdin.buffer.read()


def feed():
    try:
        qemu.stdin.write(script + b"\n\x04")
        qemu.stdin.flush()
    except (BrokenPipeError, OSError):
        pass


seen = b""
fed = False
while True:
    data = qemu.stdout.read1(4096) if hasattr(qemu.stdout, "read1") \
        else qemu.stdout.read(4096)
    if not data:
        break
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    if not fed:
        # Search all that came since the last look (a read may bring
        # the prompt and, right after it, more than the tail kept).
        seen += data
        found = PROMPT.search(seen)
        seen = seen[-256:]
        if found:
            fed = True
            threading.Thread(target=feed, daemon=True).start()
sys.exit(qemu.wait())
