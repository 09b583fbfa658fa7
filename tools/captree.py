#!/usr/bin/python3
"""The capability derivation tree of a running Tessera, as a picture.

    tools/captree.py dot LOG OUT.dot   the last dump in LOG, as Graphviz
    tools/captree.py check LOG         check that dump (TAP lines, exit status)
    tools/captree.py selftest LOG      break copies of it: does `check` see?

LOG is a serial log holding the lines of debug_dump(DUMP_CAPTREE) (the
format is in docs/ABI.md): "captree begin", one "captree holder" line per
object with slots followed by a "captree cap" line per capability in it,
"captree end caps=N tree=N".  `make captree` boots the system with the
`captree` option and runs this, then `dot -Tsvg`.

The picture: the CDT's anchor (boot) on the left; Untyped memory and the
boot capabilities below it; each object's first capability below the
Untyped it was made from (solid edge), its copies, mints and replicas
below their sources (dashed edge).  A capability's colour is the
container whose objects hold it; scope capabilities (IPC, ThreadControl,
...) are also boxed by that container.  Sibling subtrees of identical
shape (typically hundreds of Page leaves) are drawn once, marked "xN".

`check` is the consistency test run by `make test`: every capability is
listed once, every parent exists, there are no cycles, the roots are
Untyped or boot capabilities of the root task, objects lie inside the
Untyped they were made from, and every container holds capabilities.
"""
import re
import sys

SCOPE_TYPES = {"IPC", "ThreadControl", "ExRegs", "CapControl", "Mutex"}
# What the kernel makes at boot, outside any Untyped (kernel/arch/x86_64/
# boot_root.c): devices, the root task's own objects, system scope caps.
BOOT_TYPES = {"Console", "Window", "Timer", "Debug", "Input", "CSpace",
              "Thread", "Space", "Container"} | SCOPE_TYPES
OBJECT_TYPES = {"CSpace", "Thread", "Space", "PDPT", "PD", "PT", "Page",
                "LargePage", "Container"}
COLLAPSE_MIN = 3  # identical siblings drawn once from this many on
PALETTE = ["#cfd8e6", "#c8e6c9", "#ffe0b2", "#f8bbd0", "#d1c4e9",
           "#b2ebf2", "#fff59d", "#d7ccc8"]
UNKNOWN_COLOUR = "#ffffff"


class DumpError(Exception):
    pass


def parse_fields(text):
    fields = {}
    for word in text.split():
        key, eq, value = word.partition("=")
        if not eq or not key:
            raise DumpError("not key=value: %r" % word)
        fields[key] = value
    return fields


def parse(path):
    """The last complete dump in the log: (holders, caps, end fields)."""
    with open(path, "rb") as f:
        lines = f.read().decode("latin-1").replace("\r", "").split("\n")
    begin = None
    end = None
    for i, line in enumerate(lines):
        if line == "captree begin":
            begin = i
        elif line.startswith("captree end") and begin is not None:
            end = i
    if begin is None or end is None or end < begin:
        raise DumpError("no complete dump (captree begin ... captree end)")
    holders, caps, order = {}, {}, []
    holder = None
    for n, line in enumerate(lines[begin + 1:end], begin + 2):
        m = re.match(r"captree (holder|cap) (.*)$", line)
        if not m:
            raise DumpError("line %d: not a captree line: %r" % (n, line))
        f = parse_fields(m.group(2))
        for key in ("id", "type") + (("slots",) if m.group(1) == "holder"
                                     else ("parent", "holder", "slot",
                                           "rights", "obj")):
            if key not in f:
                raise DumpError("line %d: no %s=" % (n, key))
        f["id"] = int(f["id"], 16)
        if m.group(1) == "holder":
            if f["id"] in holders:
                raise DumpError("line %d: holder %x listed twice" %
                                (n, f["id"]))
            holders[f["id"]] = f
            holder = f["id"]
            continue
        for key in ("parent", "holder", "obj"):
            f[key] = int(f[key], 16)
        f["slot"] = int(f["slot"])
        if f["holder"] != holder:
            raise DumpError("line %d: capability outside its holder's "
                            "block" % n)
        if f["id"] in caps:
            raise DumpError("line %d: capability %x listed twice" %
                            (n, f["id"]))
        caps[f["id"]] = f
        order.append(f["id"])
    endf = parse_fields(lines[end][len("captree end"):])
    return holders, caps, order, endf


def holder_containers(holders, caps):
    """The container of each holder: its own for Threads, Spaces and
    Containers; for a CSpace, that of whoever holds a capability to it
    (a Space's root CSpace first)."""
    cid = {}
    for h in holders.values():
        if "cid" in h:
            cid[h["id"]] = int(h["cid"])
    by_obj = {}
    for c in caps.values():
        if c["type"] == "CSpace" and c["obj"] != c["holder"]:
            by_obj.setdefault(c["obj"], []).append(c)
    changed = True
    while changed:
        changed = False
        for h in holders.values():
            if h["id"] in cid:
                continue
            refs = sorted(by_obj.get(h["id"], []),
                          key=lambda c: (holders[c["holder"]]["type"]
                                         != "Space", c["slot"]))
            for c in refs:
                if c["holder"] in cid:
                    cid[h["id"]] = cid[c["holder"]]
                    changed = True
                    break
    return cid


def check(holders, caps, order, endf):
    """[(ok, description)]: the consistency of one dump."""
    results = []

    def t(ok, desc):
        results.append((bool(ok), desc))

    n = len(caps)
    t(n > 0, "the dump lists capabilities (%d)" % n)
    t(endf.get("caps") == str(n) and endf.get("tree") == str(n),
      "every capability in the tree is in a holder's slot, and only those "
      "(%d listed, end line %s)" %
      (n, " ".join("%s=%s" % kv for kv in sorted(endf.items()))))
    missing = [c for c in caps.values()
               if c["parent"] and c["parent"] not in caps]
    t(not missing, "every parent exists" +
      (" (%x has parent %x)" % (missing[0]["id"], missing[0]["parent"])
       if missing else ""))
    outside = [c for c in caps.values() if c["holder"] not in holders]
    t(not outside, "every holder is listed")
    # No cycles: from each capability the parents lead to the anchor.
    state = {}
    cycle = None
    for start in order:
        path = []
        k = start
        while k and k in caps and k not in state:
            state[k] = "open"
            path.append(k)
            k = caps[k]["parent"]
        if k and state.get(k) == "open":
            cycle = k
        for p in path:
            state[p] = "done"
        if cycle:
            break
    t(cycle is None, "no cycles" +
      (" (through %x)" % cycle if cycle else ""))
    cid = holder_containers(holders, caps)
    bad_roots = [c for c in caps.values() if not c["parent"] and not (
        c["type"] == "Untyped" or
        (c["type"] in BOOT_TYPES and cid.get(c["holder"]) == 0))]
    t(not bad_roots, "the roots are Untyped and the root task's boot "
      "capabilities" + (" (a %s at %x)" % (bad_roots[0]["type"],
                                           bad_roots[0]["id"])
                        if bad_roots else ""))
    bad_ut = [c for c in caps.values() if c["type"] == "Untyped" and
              c["parent"] and caps.get(c["parent"], {}).get("type")
              != "Untyped"]
    t(not bad_ut, "every Untyped comes from the boot or from an Untyped")
    bad_obj = []
    for c in caps.values():
        p = caps.get(c["parent"])
        if not p or p["type"] != "Untyped" or "zombie" in p:
            continue
        lo = int(p["phys"], 16)
        hi = lo + (1 << int(p["bits"]))
        where = int(c["phys"], 16) if "phys" in c else c["obj"]
        if c["type"] in OBJECT_TYPES | {"Untyped"} and not lo <= where < hi:
            bad_obj.append(c)
    t(not bad_obj, "objects lie inside the Untyped they were made from" +
      (" (%s %x)" % (bad_obj[0]["type"], bad_obj[0]["id"])
       if bad_obj else ""))
    containers = sorted(int(c["cid"]) for c in caps.values()
                        if c["type"] == "Container" and "cid" in c)
    held = set(cid.get(c["holder"]) for c in caps.values())
    idle = [k for k in set(containers) if k not in held]
    t(len(set(containers)) > 1 and not idle,
      "every container holds capabilities (containers %s)" %
      ", ".join(str(k) for k in sorted(set(containers))))
    return results


def selftest(holders, caps, order, endf):
    """[(ok, description)]: does check() catch each kind of broken dump?
    Each case breaks a copy of a good dump in one way."""
    import copy

    def leaf_of(pred):
        parents = set(c["parent"] for c in caps.values())
        for k in order:
            if k not in parents and pred(caps[k]):
                return k
        return None

    def missing_parent(h, c, o, e):
        k = next(k for k in o if c[k]["parent"])
        c[k]["parent"] = 1

    def cycle(h, c, o, e):
        k = next(k for k in o if c[k]["parent"] in c)
        c[c[k]["parent"]]["parent"] = k

    def page_root(h, c, o, e):
        c[leaf_of(lambda x: x["type"] == "Page")]["parent"] = 0

    def unlisted(h, c, o, e):
        k = leaf_of(lambda x: True)
        del c[k]
        o.remove(k)

    def outside(h, c, o, e):
        k = leaf_of(lambda x: x["type"] == "Page" and
                    c[x["parent"]]["type"] == "Untyped")
        u = c[c[k]["parent"]]
        c[k]["phys"] = "%x" % (int(u["phys"], 16) + (1 << int(u["bits"])))

    def idle_container(h, c, o, e):
        top = max(int(x["cid"]) for x in h.values() if "cid" in x)
        for x in h.values():
            if x.get("cid") == str(top):
                x["cid"] = str(top + 100)

    cases = [
        (missing_parent, "every parent exists", "a missing parent"),
        (cycle, "no cycles", "a cycle"),
        (page_root, "the roots are", "a Page at the root"),
        (unlisted, "every capability in the tree", "a capability left "
         "out of the list"),
        (outside, "objects lie inside", "a Page outside its Untyped"),
        (idle_container, "every container holds", "a container holding "
         "nothing"),
    ]
    results = []
    for breaker, check_name, what in cases:
        h, c, o, e = copy.deepcopy((holders, caps, order, endf))
        try:
            breaker(h, c, o, e)
            found = [ok for ok, desc in check(h, c, o, e)
                     if desc.startswith(check_name)]
            caught = found == [False]
        except (StopIteration, KeyError, TypeError):
            caught = False  # the good dump has no such capability
        results.append((caught, "the check catches %s" % what))
    return results


# ---------------------------------------------------------------- picture

def label_of(c):
    t = c["type"]
    if "zombie" in c:
        return "%s (being deleted)" % t
    if t == "Untyped":
        size, used = 1 << int(c["bits"]), int(c["used"])
        return "Untyped %s @%s\\nused %s" % (human(size), c["phys"],
                                             human(used))
    if t == "CSpace":
        return "CSpace %d slots" % (1 << int(c["bits"]))
    if t == "Thread":
        return "Thread %s" % ("0x" + c["tid"] if c.get("tid") != "0"
                              else "(unbound)")
    if t == "Space":
        return "Space %s" % c["spid"]
    if t == "Container":
        return "Container %s" % c["cid"]
    if t == "Window":
        return "Window %s" % c["window"]
    if t in SCOPE_TYPES:
        scope = c["scope"]
        if scope == "thread":
            what = "thread 0x%s" % c["resid"]
        elif scope == "system":
            what = "system"
        else:
            what = "%s %d" % (scope, int(c["resid"], 16))
        return "%s: %s" % (t, what)
    return t


def human(n):
    """A byte count: exact where it can be (64M), else to a tenth."""
    for unit, size in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if n >= size:
            if n % size == 0:
                return "%d%s" % (n // size, unit)
            return "%.1f%s" % (n / size, unit)
    return "%d" % n


def dot(holders, caps, order):
    cid = holder_containers(holders, caps)
    children = {0: []}
    for k in order:
        children.setdefault(caps[k]["parent"], []).append(k)
    colour_of = {}
    for k in sorted(set(v for v in cid.values())):
        colour_of[k] = PALETTE[len(colour_of) % len(PALETTE)]

    def container(k):
        return cid.get(caps[k]["holder"])

    # Shape signature: what a subtree looks like, without ids.
    sig = {}

    def signature(k):
        if k in sig:
            return sig[k]
        c = caps[k]
        kids = tuple(sorted(signature(x) for x in children.get(k, [])))
        key = (c["type"], container(k), "zombie" in c,
               c["type"] == "Untyped" and c["used"] != "0",
               c["type"] in SCOPE_TYPES and c["scope"], kids)
        sig[k] = key
        return key

    # Iterative post-order so deep trees do not hit Python's recursion
    # limit.
    stack = [(0, False)]
    while stack:
        k, done = stack.pop()
        if done:
            if k:
                signature(k)
            continue
        stack.append((k, True))
        for x in children.get(k, []):
            stack.append((x, False))

    out = []
    emit = out.append
    emit("digraph captree {")
    emit('  graph [rankdir=LR, fontname="Helvetica", fontsize=11, '
         'ranksep=0.35, nodesep=0.08, label="Tessera: the capability '
         'derivation tree (debug_dump DUMP_CAPTREE)", labelloc=t];')
    emit('  node [shape=box, style="rounded,filled", fontname="Helvetica",'
         ' fontsize=9, height=0.2, margin="0.06,0.02"];')
    emit('  edge [arrowsize=0.5, color="#555555"];')
    emit('  anchor [label="boot\\n(the CDT anchor)", shape=oval, '
         'fillcolor="#eeeeee"];')
    scope_nodes = {}
    drawn = {"n": 0, "collapsed": 0}
    # Walk from the anchor; groups of identical sibling subtrees become
    # one drawn subtree whose nodes carry a multiplier.
    work = [(0, "anchor", 1)]
    while work:
        k, name, mult = work.pop()
        groups = {}
        for x in children.get(k, []):
            groups.setdefault(sig[x], []).append(x)
        for members in groups.values():
            if len(members) >= COLLAPSE_MIN:
                reps = [(members[0], len(members))]
                drawn["collapsed"] += len(members) - 1
            else:
                reps = [(x, 1) for x in members]
            for x, count in reps:
                c = caps[x]
                m = mult * count
                node = "c%x" % x
                label = label_of(c)
                if m > 1:
                    label = "\u00d7%d %s" % (m, c["type"])
                    if c["type"] == "Untyped" and c["used"] == "0":
                        label += ", unused"
                    if c["type"] == "Untyped":
                        sizes = [1 << int(caps[y]["bits"]) for y in members]
                        label += "\\n%s to %s, %s in all" % (
                            human(min(sizes)), human(max(sizes)),
                            human(sum(sizes) * mult))
                    elif c["type"] not in ("Page", "PT", "PD", "PDPT"):
                        label += "\\n(like: %s)" % label_of(c).replace(
                            "\\n", ", ")
                colour = colour_of.get(container(x), UNKNOWN_COLOUR)
                emit('  %s [label="%s", fillcolor="%s"%s];' %
                     (node, label, colour,
                      ", penwidth=2" if m > 1 else ""))
                drawn["n"] += 1
                p = caps.get(c["parent"])
                # Untyped are never copied: one below another is a
                # retype, even when both start at one address.
                copy = (p is not None and p["type"] == c["type"] and
                        c["type"] != "Untyped" and p["obj"] == c["obj"])
                emit("  %s -> %s%s;" % (name, node,
                                        " [style=dashed]" if copy else ""))
                if c["type"] in SCOPE_TYPES:
                    scope_nodes.setdefault(container(x), []).append(node)
                work.append((x, node, m))
    for k, nodes in sorted(scope_nodes.items(),
                           key=lambda kv: -1 if kv[0] is None else kv[0]):
        emit("  subgraph cluster_scope_%s {" %
             ("unknown" if k is None else k))
        emit('    label="scope capabilities held in %s"; style="rounded,'
             'dashed"; color="%s"; penwidth=2; fontsize=9;' %
             ("an unknown container" if k is None else "container %d" % k,
              colour_of.get(k, "#999999")))
        emit("    " + "; ".join(nodes) + ";")
        emit("  }")
    # The legend: colours, edges, the multiplier.
    rows = ['<tr><td colspan="2"><b>legend</b></td></tr>']
    for k, colour in colour_of.items():
        rows.append('<tr><td bgcolor="%s" width="24"></td><td align="left">'
                    'held in container %d%s</td></tr>' %
                    (colour, k, " (the root task)" if k == 0 else ""))
    rows.append('<tr><td>&#8212;</td><td align="left">made from an Untyped '
                '(retype), or boot</td></tr>')
    rows.append('<tr><td>- -</td><td align="left">a copy, mint, replica or '
                'deduction of its source</td></tr>')
    rows.append('<tr><td><b>&#215;N</b></td><td align="left">N identical '
                'sibling subtrees drawn once<br align="left"/>(%d '
                'capabilities folded; %d in all)</td></tr>' %
                (drawn["collapsed"], len(caps)))
    emit('  legend [shape=plain, fillcolor=white, label=<<table border="0" '
         'cellborder="1" cellspacing="0" cellpadding="3">%s</table>>];' %
         "".join(rows))
    emit("}")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) == 4 and argv[1] == "dot":
        try:
            holders, caps, order, _ = parse(argv[2])
        except (OSError, DumpError) as e:
            print("captree: %s: %s" % (argv[2], e), file=sys.stderr)
            return 1
        with open(argv[3], "w") as f:
            f.write(dot(holders, caps, order))
        return 0
    if len(argv) == 3 and argv[1] in ("check", "selftest"):
        test = check if argv[1] == "check" else selftest
        try:
            results = test(*parse(argv[2]))
        except (OSError, DumpError) as e:
            results = [(False, "the dump parses (%s)" % e)]
        else:
            if test is check:
                results.insert(0, (True, "the dump parses"))
        for ok, desc in results:
            print("%s - captree: %s" % ("ok" if ok else "not ok", desc))
        return 0 if all(ok for ok, _ in results) else 1
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
