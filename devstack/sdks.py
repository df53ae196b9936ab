"""`make sdks`: the generated parts of the Python and TypeScript clients, from openapi.json.

- clients/python/soku_client/: openapi-python-client (pinned in requirements-dev.txt, with the
  ruff it formats with), configured by clients/python/openapi-python-client.yml.
- clients/typescript/src/generated/schema.ts: openapi-typescript (pinned in
  clients/typescript/package-lock.json); openapi-fetch is the runtime that reads it.

Both generate into a temporary folder first, then replace the committed copies: nothing else
under clients/ (the hand-written layers, READMEs, tests) is touched. The output carries no time
or path, so the same openapi.json gives the same files. `--check` writes nothing and exits 1
naming the files that differ (tests/test_sdks.py).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "openapi.json"
PYTHON_CONFIG = ROOT / "clients" / "python" / "openapi-python-client.yml"
TS = ROOT / "clients" / "typescript"
# generated output -> its place in the repository (a folder or a file, replaced whole)
OUTPUTS = {
    "python/soku_client": ROOT / "clients" / "python" / "soku_client",
    "typescript/schema.ts": TS / "src" / "generated" / "schema.ts",
}


def _run(command: list[str], cwd: Path, env: dict | None = None) -> None:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def generate(out: Path, document: Path = DOCUMENT) -> None:
    """Both generators' output under `out` (keys of OUTPUTS)."""
    bin_dir = Path(sys.executable).parent  # the venv's: openapi-python-client and ruff
    generator = bin_dir / "openapi-python-client"
    if not generator.exists():
        raise SystemExit(f"{generator} is missing: `make sdks` installs requirements-dev.txt")
    env = os.environ | {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    # Its warnings (the text/csv form of POST /v1/posts/batch, not generated) go to stdout.
    _run([str(generator), "generate", "--path", str(document), "--meta", "none",
          "--output-path", str(out / "python" / "soku_client"), "--config", str(PYTHON_CONFIG)], cwd=out, env=env)

    openapi_typescript = TS / "node_modules" / ".bin" / "openapi-typescript"
    if not openapi_typescript.exists():
        raise SystemExit(f"{openapi_typescript} is missing: `make sdks` runs npm ci in clients/typescript")
    (out / "typescript").mkdir(parents=True)
    _run([str(openapi_typescript), str(document), "--output", str(out / "typescript" / "schema.ts")],
         cwd=TS, env=os.environ | {"NO_COLOR": "1"})


def _files(path: Path) -> dict[str, Path]:
    if path.is_file():
        return {path.name: path}
    if not path.is_dir():
        return {}
    return {p.relative_to(path).as_posix(): p for p in sorted(path.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def differences(out: Path) -> list[str]:
    """The committed files that differ from, lack or add to the output in `out`."""
    found = []
    for key, target in OUTPUTS.items():
        fresh, committed = _files(out / key), _files(target)
        shown = target.relative_to(ROOT).as_posix()
        for name in sorted(fresh.keys() | committed.keys()):
            where = shown if target.suffix else f"{shown}/{name}"
            if name not in committed:
                found.append(f"missing: {where}")
            elif name not in fresh:
                found.append(f"not generated: {where}")
            elif not filecmp.cmp(fresh[name], committed[name], shallow=False):
                found.append(f"differs: {where}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 naming what differs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="soku-sdks-") as tmp:
        out = Path(tmp)
        generate(out)
        found = differences(out)
        if args.check:
            print("\n".join(found) if found else "sdks: the committed clients are up to date")
            return 1 if found else 0
        for key, target in OUTPUTS.items():
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            target.parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if (out / key).is_dir() else shutil.copy2)(out / key, target)
        shown = found[:20] + ([f"... and {len(found) - 20} more"] if len(found) > 20 else [])
        print(f"sdks: {len(found)} generated file(s) changed" + "".join(f"\n  {line}" for line in shown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
