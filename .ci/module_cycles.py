#!/usr/bin/env python3
"""Finds import cycles between the modules of each library crate.

A module depends on another when its code names an item through `crate::`, `super::` or
`self::` paths that resolve into that module (a name the crate root re-exports resolves to the
module it comes from). `pub use` lines of lib.rs and mod.rs files are re-exports, not
dependencies (elsewhere they count), and `#[cfg(test)]` modules at the end of a file are left out. Exit 1 and print each cycle when there is one.
"""

import re
import sys
from pathlib import Path

CRATES = ["emv-tlv", "iso8583", "emvqr", "cardsec", "unionpay-cps", "wechat-pay", "alipay", "pos"]
PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
GROUP = re.compile(r"\buse\s+(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{([^}]*)\}", re.S)
REEXPORT = re.compile(r"^\s*pub\s+use\s+([a-z_][a-z0-9_]*)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::(?:\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))\s*;", re.M | re.S)


def module_of(src: Path, file: Path) -> tuple:
    rel = file.relative_to(src).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] in ("lib", "mod"):
        parts = parts[:-1]
    return tuple(parts)


def code_of(text: str, facade: bool) -> str:
    """The file without its test module and, in a facade (lib.rs, mod.rs), without its `pub use`
    re-exports: there they only name a child's items, elsewhere they are imports too."""
    cut = re.search(r"#\[cfg\(test\)\]\s*mod\s+tests\b", text)
    if cut:
        text = text[: cut.start()]
    if facade:
        text = re.sub(r"^\s*pub(\([^)]*\))?\s+use\s[^;]*;", "", text, flags=re.M)
    return re.sub(r"//[^\n]*", "", text)


def resolve(modules: set, current: tuple, base: str, segments: list, root_names: dict):
    if base == "crate":
        at = ()
    elif base == "super":
        at = current[:-1]
    else:
        at = current
    rest = list(segments)
    while rest and rest[0] == "super":
        at = at[:-1]
        rest.pop(0)
    while rest and at + (rest[0],) in modules:
        at = at + (rest.pop(0),)
    if at == () and rest and rest[0] in root_names:
        return root_names[rest[0]]
    return at


def check(crate: str) -> list:
    src = Path(crate) / "src"
    files = {module_of(src, f): f for f in src.rglob("*.rs")}
    modules = set(files)
    root_text = files[()].read_text()
    root_names = {}
    for m in REEXPORT.finditer(root_text):
        module = (m.group(1),) + tuple(s for s in m.group(2).split("::") if s)
        names = m.group(3).split(",") if m.group(3) else [m.group(4)]
        for name in names:
            name = name.strip().split(" as ")[-1].strip()
            if name:
                root_names[name] = module
    edges = {m: set() for m in modules}
    for module, file in files.items():
        text = code_of(file.read_text(), file.name in ("lib.rs", "mod.rs"))
        refs = []
        for g in GROUP.finditer(text):
            prefix = [s for s in g.group(2).split("::") if s]
            for item in g.group(3).split(","):
                item = item.strip()
                if item and item != "self":
                    refs.append((g.group(1), prefix + item.split("::")))
                elif item == "self":
                    refs.append((g.group(1), prefix))
        text = GROUP.sub("", text)
        for p in PATH.finditer(text):
            refs.append((p.group(1), [s for s in p.group(2).split("::") if s]))
        for base, segments in refs:
            target = resolve(modules, module, base, segments, root_names)
            while target and target not in modules:
                target = target[:-1]
            if target != module:
                edges[module].add(target)
    return cycles(edges)


def cycles(edges: dict) -> list:
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                out.append(sorted("::".join(m) or "crate" for m in scc))

    sys.setrecursionlimit(10000)
    for v in list(edges):
        if v not in index:
            visit(v)
    return out


def main() -> int:
    failed = False
    for crate in CRATES:
        found = check(crate)
        for scc in found:
            failed = True
            print(f"{crate}: import cycle between modules {', '.join(scc)}")
        if not found:
            print(f"{crate}: no module import cycle")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
