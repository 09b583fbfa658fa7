"""QEMU's human monitor on a Unix socket, for the suites that press keys
(tools/input-driver.py, tools/tty-suite.py): command() connects on first
use (QEMU may not have made the socket yet), sends one line and drains
the answer; keys() presses keys with sendkey, one at a time."""
import socket
import time


class Monitor:
    def __init__(self, path):
        self.path, self.sock = path, None

    def command(self, line):
        if self.sock is None:
            for _ in range(100):
                try:
                    self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    self.sock.connect(self.path)
                    break
                except OSError:
                    self.sock = None
                    time.sleep(0.05)
            if self.sock is None:
                raise RuntimeError("no QEMU monitor at " + self.path)
            self.sock.setblocking(False)
        self.sock.sendall(line.encode() + b"\n")
        self.drain()

    def drain(self):
        try:
            while self.sock.recv(4096):
                pass
        except (BlockingIOError, OSError):
            pass

    def keys(self, names, hold_ms=20, gap=0.08):
        for k in names.split():
            self.command("sendkey %s %d" % (k, hold_ms))
            time.sleep(gap)
