#!/usr/bin/env python3
"""The figures of `make coverage`.

    tools/coverage.py BUILD LOG...

BUILD is the coverage build (build/cov); each LOG is the serial log of one
boot of a coverage build, in which the kernel and the user programs wrote
their profiles as text when they ended (lib/gcov.h), and the kernel every
(system call, result) pair it gave ("GCOV-RESULTS nr:err ...",
kernel/core/coverage.c).  This script

 1. adds up the profiles of every boot (a file's counters summed over all
    of them) into gcda files beside the gcno files under BUILD, which the
    host tests (built with --coverage) have written their own gcda files
    into already;
 2. runs gcov on every gcda file under BUILD and prints the line
    coverage of every file of kernel/core and user/mm0 and of each
    directory, a line counting as reached if any build of its file (kernel,
    host test) reached it; the lines not reached go to BUILD/coverage.txt;
 3. reads the "Errors" list of every system call in docs/ABI.md and names
    each documented (call, error) pair that no system call of any test
    returned.
"""
import json
import os
import re
import struct
import subprocess
import sys

COUNTER_TAG_MASK = 0xFFFF0000
FUNCTION_TAG = 0x01000000
SUMMARY_TAG = 0xA1000000
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_gcda(data):
    """A gcda file as (header bytes, [(tag, payload)]); counters as ints."""
    header, pos, recs = data[:16], 16, []
    while pos + 8 <= len(data):
        tag, length = struct.unpack_from("<Ii", data, pos)
        pos += 8
        counters = (tag & 0xFF000000) == 0x01000000 and tag != FUNCTION_TAG
        if counters and length < 0:  # all zero, stored without payload
            recs.append((tag, [0] * (-length // 8)))
            continue
        payload = data[pos:pos + length]
        pos += length
        if counters:
            recs.append((tag, list(struct.unpack("<%dQ" % (length // 8), payload))))
        else:
            recs.append((tag, payload))
    return header, recs


def merge(a, b):
    """Two profiles of one build of one file: counters summed."""
    if a[0] != b[0] or len(a[1]) != len(b[1]):
        raise ValueError("profiles of different builds")
    out = []
    for (ta, pa), (tb, pb) in zip(a[1], b[1]):
        if ta != tb:
            raise ValueError("profiles of different builds")
        if isinstance(pa, list):
            out.append((ta, [x + y for x, y in zip(pa, pb)]))
        elif ta == SUMMARY_TAG and len(pa) == 8:
            ra, ma = struct.unpack("<II", pa)
            rb, mb = struct.unpack("<II", pb)
            out.append((ta, struct.pack("<II", ra + rb, max(ma, mb))))
        else:
            out.append((ta, pa))
    return a[0], out


def write_gcda(path, prof):
    with open(path, "wb") as f:
        f.write(prof[0])
        for tag, payload in prof[1]:
            if isinstance(payload, list):
                f.write(struct.pack("<Ii", tag, 8 * len(payload)))
                f.write(struct.pack("<%dQ" % len(payload), *payload))
            else:
                f.write(struct.pack("<Ii", tag, len(payload)))
                f.write(payload)


def read_logs(logs):
    """Every profile in the logs, summed per gcda path; every result seen."""
    profiles, results, incomplete = {}, set(), []
    for log in logs:
        cur, buf, begun = None, None, 0
        with open(log, errors="replace") as f:
            for line in f:
                line = line.rstrip("\n")
                if line.startswith("GCOV-BEGIN "):
                    begun += 1
                elif line.startswith("GCOV-DONE "):
                    begun -= 1
                elif line.startswith("GCOV-FILE "):
                    cur, buf = line[10:], bytearray()
                elif line.startswith("GCOV-DATA ") and cur:
                    buf += bytes.fromhex(line[10:])
                elif line == "GCOV-END" and cur:
                    prof = parse_gcda(bytes(buf))
                    old = profiles.get(cur)
                    profiles[cur] = merge(old, prof) if old else prof
                    cur = None
                elif line.startswith("GCOV-RESULTS "):
                    for pair in line.split()[1:]:
                        nr, err = pair.split(":")
                        results.add((int(nr), int(err)))
        if begun:
            incomplete.append(log)
    return profiles, results, incomplete


def syscall_names():
    names = {}
    text = open(os.path.join(ROOT, "include/tessera/syscall.h")).read()
    for name, nr in re.findall(r"SYS_(\w+)\s*=\s*(\d+)", text):
        names[int(nr)] = name
    return names


def error_values():
    text = open(os.path.join(ROOT, "include/tessera/errors.h")).read()
    return {n: int(v) for n, v in re.findall(r"\b(E_[A-Z_]+)\s*=\s*(\d+)", text)}


LOOKUP_ERRORS = ["E_BADCAP", "E_EMPTY", "E_CAPTYPE"]


def documented_errors():
    """{call name: [error names in the order documented]} from ABI.md."""
    doc, out = open(os.path.join(ROOT, "docs/ABI.md")).read(), {}
    for m in re.finditer(r"^### \d+ `(\w+)\(", doc, re.M):
        end = doc.find("\n### ", m.end())
        end = doc.find("\n## ", m.end()) if end < 0 else end
        sec = doc[m.end():end if end > 0 else len(doc)]
        errs = []
        for em in re.finditer(r"^(?:Errors[^\n]*:|Errors common[^\n]*:)\n((?:[-\s].*\n?)*)",
                              sec, re.M):
            block = em.group(1)
            if "lookup(" in block:
                errs += LOOKUP_ERRORS
            errs += re.findall(r"`(E_[A-Z_]+)`", block)
            errs += re.findall(r"(?<![`\w])(E_[A-Z_]+)\b", block)
        seen = []
        for e in errs:
            if e not in seen and e != "E_RESTART":
                seen.append(e)
        out[m.group(1)] = seen
    return out


def line_coverage(build):
    """{source file: {line: count}} over every gcda file under BUILD, the
    counts of one line summed over the builds that compiled it."""
    lines = {}
    for dirpath, _, files in os.walk(build):
        gcdas = sorted(os.path.join(dirpath, f) for f in files if f.endswith(".gcda"))
        if not gcdas:
            continue
        out = subprocess.run(["gcov", "--json-format", "--stdout", "-o", dirpath] + gcdas,
                             capture_output=True, text=True, cwd=dirpath).stdout
        for doc in out.splitlines():
            d = json.loads(doc)
            cwd = d.get("current_working_directory", ROOT)
            for f in d["files"]:
                name = os.path.relpath(os.path.join(cwd, f["file"]), ROOT)
                if not any(name.startswith(g + "/") for g in GROUPS):
                    continue
                counts = lines.setdefault(name, {})
                for ln in f["lines"]:
                    n = ln["line_number"]
                    counts[n] = counts.get(n, 0) + ln["count"]
    return lines


def ranges(nums):
    out, start, prev = [], None, None
    for n in sorted(nums):
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(str(start) if start == prev else "%d-%d" % (start, prev))
            start = prev = n
    if start is not None:
        out.append(str(start) if start == prev else "%d-%d" % (start, prev))
    return out


GROUPS = ["kernel/core", "kernel/arch", "user/mm0"]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    build = os.path.abspath(sys.argv[1])
    profiles, results, incomplete = read_logs(sys.argv[2:])
    for log in incomplete:
        print("coverage: %s: a profile was cut short (the boot did not end)" % log)
    written = 0
    for path, prof in profiles.items():
        if not path.startswith(build + "/") or not path.endswith(".gcda"):
            continue  # another tree's build: not ours to write
        if os.path.exists(path[:-5] + ".gcno"):
            write_gcda(path, prof)
            written += 1
    print("coverage: %d boots, %d profiles written" % (len(sys.argv) - 2, written))

    lines = line_coverage(build)
    groups = {g: [0, 0] for g in GROUPS}
    detail = open(os.path.join(build, "coverage.txt"), "w")
    print("%-28s %7s %7s %7s" % ("file", "lines", "reached", "percent"))
    for name in sorted(lines):
        counts = lines[name]
        total, cov = len(counts), sum(1 for c in counts.values() if c)
        for g in groups:
            if name.startswith(g + "/"):
                groups[g][0] += total
                groups[g][1] += cov
        print("%-28s %7d %7d %6.1f%%" % (name, total, cov, 100.0 * cov / max(total, 1)))
        missed = [n for n, c in counts.items() if not c]
        if missed:
            detail.write("%s: %s\n" % (name, " ".join(ranges(missed))))
    detail.close()
    for g, (total, cov) in groups.items():
        print("%-28s %7d %7d %6.1f%%" % (g + " (total)", total, cov,
                                          100.0 * cov / max(total, 1)))
    print("coverage: the lines not reached, file by file: %s"
          % os.path.relpath(os.path.join(build, "coverage.txt")))

    names, values = syscall_names(), error_values()
    numbers = {v: k for k, v in names.items()}
    missing, documented = [], 0
    for call, errs in documented_errors().items():
        nr = numbers.get(call)
        for e in errs:
            documented += 1
            if nr is None or e not in values or (nr, values[e]) not in results:
                missing.append("%s %s" % (call, e))
    print("coverage: %d documented (call, error) pairs, %d returned by a test"
          % (documented, documented - len(missing)))
    for m in missing:
        print("coverage: never returned: %s" % m)


if __name__ == "__main__":
    main()
