#!/usr/bin/python3
"""The terminal suite: drive the shell on the serial console like a user.

    tools/tty-suite.py BUILD_DIR

Boots the POSIX container with the login shell alone
(user/root/manifest-tty.txt) under QEMU, its serial line on pipes and its
monitor on a Unix socket (for key presses on the PS/2 keyboard), and
checks with pexpect (Debian's python3-pexpect) what a user would see:
the prompt, pipes, sleep's length measured with the guest's own clock,
^C, ^Z, jobs, bg, fg, kill %1, end of file, typing ahead, the keyboard,
bad input (a megabyte pasted at once, bytes that are not text, a line
longer than the terminal's buffer, ^C at the prompt, a background read),
and `exit` powering the machine off; then that `make run </dev/null`
powers off by itself.  Results: TEST_OUT/tty.tap (TAP lines "ok - tty:
..."), the serial log TEST_OUT/tty.log.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

import pexpect
from pexpect.popen_spawn import PopenSpawn

PROMPT = r"tessera:[^\r\n#]*# "
build = sys.argv[1] if len(sys.argv) > 1 else "build"
out_dir = os.environ.get("TEST_OUT", os.path.join(build, "test"))
os.makedirs(out_dir, exist_ok=True)
tap_path = os.path.join(out_dir, "tty.tap")
log_path = os.path.join(out_dir, "tty.log")
results = []


def record(good, desc):
    line = "%s - tty: %s" % ("ok" if good else "not ok", desc)
    results.append(line)
    print(line, flush=True)


from qemu_monitor import Monitor  # noqa: E402 (tools/ is on sys.path)


tmp = tempfile.mkdtemp(prefix="tess-tty-")
mon = Monitor(os.path.join(tmp, "monitor"))
mods = ("{b}/user/root.elf root,user/root/manifest-tty.txt manifest,"
        "{b}/user/mm0.elf mm0,{b}/initrd.cpio initrd").format(b=build)
qemu = os.environ.get("QEMU", "qemu-system-x86_64")
cmd = [qemu, "-machine", "pc", "-cpu", "max", "-m", "512M", "-no-reboot",
       "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-display", "none",
       "-serial", "stdio", "-monitor", "unix:%s,server=on,wait=off" % mon.path,
       "-kernel", os.path.join(build, "kernel.bin"), "-initrd", mods]
log = open(log_path, "w", encoding="latin-1")
sh = PopenSpawn(cmd, timeout=20, encoding="latin-1")
sh.logfile_read = log


def send(text):
    sh.send(text)


def prompt(timeout=20):
    sh.expect(PROMPT, timeout=timeout)


def run(line, timeout=20):
    """Type a command line, wait for the next prompt: what came between."""
    send(line + "\r")
    prompt(timeout)
    return sh.before


def resync():
    """After a failure: ^C, then a marker to find the prompt again."""
    try:
        send("\x03\x15\r")
        send('echo RE""SYNC\r')
        sh.expect("RESYNC", timeout=10)
        prompt(10)
    except pexpect.ExceptionPexpect:
        pass


def no_jobs():
    """End every job the shell has (SIGKILL), and forget them."""
    run("kill -9 $(jobs -p) 2>/dev/null; sleep 0.2")
    run("jobs >/dev/null")


def check(desc, fn):
    try:
        good = bool(fn())
    except pexpect.ExceptionPexpect as e:
        good = False
        print("# %s: %s" % (desc, type(e).__name__), flush=True)
    record(good, desc)
    if not good:
        resync()
    if desc != "exit powers the machine off":
        try:
            no_jobs()
        except pexpect.ExceptionPexpect:
            resync()


def boots():
    prompt(120)
    return True


def pipe():
    return re.search(r"\nHELLO\r", run("echo hello | tr a-z A-Z"))


def sleep_one():
    out = run("time sleep 1")
    m = re.search(r"real\s+0m\s*([0-9.]+)s", out)
    secs = float(m.group(1)) if m else -1
    print("# sleep 1 took %.2f s of guest time (0.95..1.5 allowed)" % secs,
          flush=True)
    return 0.95 <= secs <= 1.5


def interrupt():
    send("sleep 100\r")
    time.sleep(1.0)
    t0 = time.time()
    send("\x03")
    prompt(10)
    took = time.time() - t0
    print("# ^C to the prompt: %.2f s (host time, 2 s allowed)" % took,
          flush=True)
    return took < 2.0 and "^C" in sh.before


def background_job():
    run("sleep 100 &")
    if not re.search(r"\[1\]\+?\s+Running\s+sleep 100", run("jobs")):
        return False
    out = run("kill %1")
    time.sleep(0.5)
    out += run("jobs")  # the job's end is reported once, then nothing
    return (re.search(r"Terminated\s+sleep 100", out)
            and "sleep 100" not in run("jobs"))


def suspend_resume():
    send("sleep 100\r")
    time.sleep(1.0)
    send("\x1a")
    sh.expect(r"\[1\]\+\s+Stopped\s+sleep 100", timeout=10)
    prompt()
    if not re.search(r"Stopped\s+sleep 100", run("jobs")):
        return False
    run("bg")
    if not re.search(r"Running\s+sleep 100", run("jobs")):
        return False
    send("fg\r")
    sh.expect("sleep 100", timeout=10)
    time.sleep(0.5)
    send("\x03")
    prompt()
    return "sleep" not in run("jobs")


def cat_eof():
    send("cat\r")
    time.sleep(0.5)
    send("one line\r")
    sh.expect(r"one line\r*\n\r*one line", timeout=10)
    send("mid\x04")  # ^D mid-line pushes the line: cat writes it at once
    sh.expect("midmid", timeout=10)
    send("\x04")
    prompt(10)
    send("cat\r")  # a blocked read ended by ^C
    time.sleep(0.5)
    send("\x03")
    prompt(10)
    return True


def raw_reads():
    # Non-canonical reads: VMIN 3 returns once three bytes are there;
    # VMIN 0 with VTIME 10 returns nothing after a second.
    send("stty -icanon min 3 time 0; dd bs=10 count=1 2>/dev/null | od -c;"
         " stty icanon\r")
    time.sleep(1)
    send("abc")
    sh.expect(r"a\s+b\s+c\s*\r", timeout=10)
    prompt()
    out = run("stty -icanon min 0 time 10; time dd bs=10 count=1; stty icanon")
    m = re.search(r"0\+0 records in.*real\s+0m\s*([0-9.]+)s", out, re.S)
    return m and 0.9 <= float(m.group(1)) <= 2.0


def type_ahead():
    send("sleep 2\r")
    time.sleep(0.5)
    send('echo AHE""AD\r')
    sh.expect(r"\nAHEAD\r", timeout=20)
    prompt()
    return True


def canonical_edit():
    # cat reads in canonical mode: erase (DEL) and kill (^U) edit the line.
    send("cat | od -c | head -n 1\r")
    time.sleep(0.5)
    send("abx\x7fc\r")
    send("junk\x15xy\r")
    send("\x04")
    prompt(10)
    return re.search(r"a\s+b\s+c\s+\\n\s+x\s+y\s+\\n", sh.before)


def keyboard():
    # echo $((6*7)) on the PS/2 keyboard: the answer, 42, is not typed.
    mon.keys("e c h o spc shift-4 shift-9 shift-9 6 shift-8 7 shift-0 "
             "shift-0 ret")
    sh.expect(r"\n42\r", timeout=20)
    prompt()
    mon.keys("s l e e p spc 1 0 0 ret")
    time.sleep(1.5)
    mon.keys("ctrl-c")
    prompt(10)
    return True


def ctrl_c_idle():
    send("\x03")
    prompt(10)
    return re.search(r"\n42\r", run("echo $((40+2))"))


def flood():
    # A megabyte pasted at once: the terminal keeps what fits and drops
    # the rest, counted (mm0 says how much once its buffer is empty
    # again); the shell lives on.  What is typed while the flood is still
    # coming may be dropped with it: try again until it is taken.
    t0 = time.time()
    send("x" * (1 << 20))
    seen = ""
    for _ in range(12):
        send("\x15\x03\r")
        send('echo AL""IVE\r')
        try:
            sh.expect(r"\nALIVE\r", timeout=10)
            seen += sh.before
            break
        except pexpect.TIMEOUT:
            seen += sh.before if isinstance(sh.before, str) else ""
            continue
    else:
        return False
    prompt(20)
    seen += sh.before + run("true")
    m = re.search(r"terminal: (\d+) bytes of input dropped", seen)
    print("# flood: back at the prompt in %.0f s; mm0 dropped %s bytes"
          % (time.time() - t0, m.group(1) if m else "no"), flush=True)
    return m is not None


def not_text():
    send("cat >/not-text\r")
    time.sleep(0.5)
    send("\x01\x02\x1b\x80\xfe\xff\r")
    send("\x04")
    prompt()
    out = run("od -An -tx1 /not-text")
    return re.search(r"01 02 1b 80 fe ff 0a", out)


def long_line():
    # A canonical line longer than the 4096-byte buffer: cut to 4095
    # bytes and its newline, as Linux's N_TTY.
    send("wc -c\r")
    time.sleep(0.5)
    send("y" * 5000 + "\r")
    time.sleep(2)
    send("\x04")
    sh.expect(r"\n\s*(\d+)\r", timeout=30)
    n = int(sh.match.group(1))
    prompt()
    print("# wc -c read %d bytes of the 5001-byte line" % n, flush=True)
    return n == 4096


def background_read():
    # A background job that reads the terminal is stopped (SIGTTIN); with
    # stty tostop, one that writes too (SIGTTOU).
    run("cat &")
    time.sleep(1)
    if not re.search(r"Stopped \(tty input\)\s+cat", run("jobs")):
        return False
    no_jobs()
    # ...and one that ignores SIGTTIN gets EIO.
    out = run("(trap '' TTIN; exec cat) & sleep 1")
    if not re.search(r"Input/output error", out):
        return False
    no_jobs()
    run("stty tostop")
    run("echo OUT &")
    time.sleep(1)
    out = run("jobs")
    run("stty -tostop")
    return re.search(r"Stopped \(tty output\)\s+echo OUT", out)


def window_size():
    return re.search(r"\n24 80\r", run("stty size"))


def tty_unit():
    # lxt-tty (user/linux-tests/tty.c) on its controlling terminal.
    out = run("lxt-tty; echo STATUS=$?", 60)
    oks = len(re.findall(r"^ok - ", out, re.M))
    bad = re.findall(r"^not ok - .*", out, re.M)
    for b in bad:
        print("# " + b.strip(), flush=True)
    print("# lxt-tty: %d ok" % oks, flush=True)
    return not bad and oks >= 20 and "STATUS=0" in out


def poweroff():
    no_jobs()
    send("exit\r")
    sh.expect(pexpect.EOF, timeout=60)
    return "powering off" in sh.before


check("the shell's prompt appears", boots)
if results[-1].startswith("ok"):
    check("echo hello | tr a-z A-Z prints HELLO", pipe)
    check("sleep 1 takes about one second of guest time", sleep_one)
    check("^C ends sleep 100 and the prompt is back", interrupt)
    check("sleep 100 &, jobs, kill %1", background_job)
    check("^Z stops sleep 100; bg runs it; fg brings it back", suspend_resume)
    check("cat: a line, ^D mid-line, ^D at the start ends it; ^C ends "
          "another", cat_eof)
    check("non-canonical reads: VMIN and VTIME", raw_reads)
    check("a line typed while a command runs goes to the next", type_ahead)
    check("canonical editing: erase and kill", canonical_edit)
    check("the PS/2 keyboard (QEMU's sendkey): a command, and ctrl-C", keyboard)
    check("^C at the prompt: a new prompt", ctrl_c_idle)
    check("stty size: 24 rows, 80 columns", window_size)
    check("bytes that are not text pass through cat", not_text)
    check("a line longer than the buffer is cut, not lost", long_line)
    check("background reads stop (SIGTTIN) or fail (EIO); TOSTOP writes stop",
          background_read)
    check("lxt-tty: hostile ioctls, reads that would wait, job control",
          tty_unit)
    check("a megabyte pasted at once: dropped beyond the buffer, no hang",
          flood)
    check("exit powers the machine off", poweroff)
try:
    sh.proc.kill()
except OSError:
    pass
sh.proc.wait()
log.close()

# make run with no input: the shell gets end of file and the machine
# powers off by itself.
t0 = time.time()
try:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    r = subprocess.run(["make", "--no-print-directory", "run", "BUILD=" + build],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=180, env=env)
    text = r.stdout.decode("latin-1")
    with open(os.path.join(out_dir, "tty-run.log"), "w") as f:
        f.write(text)
    good = r.returncode == 0 and "powered off cleanly" in text
except subprocess.TimeoutExpired:
    good = False
record(good, "make run </dev/null powers off by itself (%.0f s)"
       % (time.time() - t0))

with open(tap_path, "w") as f:
    f.write("\n".join(results) + "\n")
try:
    os.unlink(mon.path)
    os.rmdir(tmp)
except OSError:
    pass
failed = sum(1 for r in results if r.startswith("not ok"))
print("# tty: %d passed, %d failed" % (len(results) - failed, failed))
