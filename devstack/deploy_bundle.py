"""Build the folder Firebase would upload for the functions codebase.

Applies firebase.json's `functions[].ignore` globs to the `source` folder the
way the Firebase CLI's archiver does (minimatch-style: `*` stays in one path
segment, `**/` spans any number of them, an ignored folder drops everything
under it). Usage: python -m devstack.deploy_bundle DEST
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(f"^{out}$")


def functions_config(root: Path = ROOT) -> dict:
    config = json.loads((root / "firebase.json").read_text())
    functions = config["functions"]
    return functions[0] if isinstance(functions, list) else functions


def build(dest: Path, root: Path = ROOT) -> list[str]:
    """Copy the deployable files into `dest`; return their relative paths."""
    config = functions_config(root)
    source = (root / config["source"]).resolve()
    ignore = [_glob_regex(p) for p in config.get("ignore", [])]

    def ignored(rel: str) -> bool:
        return any(rx.match(rel) for rx in ignore)

    copied: list[str] = []
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source).as_posix()
        parts = rel.split("/")
        if any(ignored("/".join(parts[: i + 1])) for i in range(len(parts))):
            continue
        if path.is_file():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied.append(rel)
    return copied


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m devstack.deploy_bundle DEST")
    files = build(Path(sys.argv[1]))
    print("\n".join(files))
