"""`make deploy` refuses `.env` files that would deploy emulator settings or a non-production SOKU_ENV.

The Firebase CLI gives a deployed function every variable of the dotenv files of its
codebase: `.env`, `.env.<project id>` and `.env.<project alias>`, read from the codebase's
`configDir`, or else its `source` folder (firebase-tools 15.34.2, lib/functions/env.js
`findEnvfiles`; here `"source": "."`, the repo root). `.env.local` is read only by the
CLI's emulators and never deployed. The CLI refuses reserved names there (FIREBASE_*,
K_SERVICE, ...) but not FUNCTIONS_EMULATOR, FIRESTORE_EMULATOR_HOST or SOKU_CRASHPOINTS.

Those are the emulator switches of shared/config.py `emulated()`. A deployed function
never honours them (K_SERVICE, which Cloud Run sets, is a production marker), but a
deployment that carries them points its clients at emulators that are not there and
says it is something it is not; so the deploy stops first, naming file, line and
variable.

Likewise SOKU_ENV set to anything but `production` (shared/config.py: unset means production;
`development` puts stack traces in error bodies, and `development`, `local` and `test` check
every answer against its documented model and take the request's origin as the OAuth
redirect base): a deployed function is production, so such a line is refused too, with its
value. Usage: python -m devstack.deploy_env PROJECT [--root DIR] (exit 2: refused).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

# Emulator settings: never in a deployed function's environment.
FORBIDDEN = re.compile(r"^(FUNCTIONS_EMULATOR|[A-Z0-9_]*_EMULATOR_HOST|[A-Z0-9_]*_EMULATOR_HUB|SOKU_CRASHPOINTS)$")

# The one SOKU_ENV a deployed function may have (shared/config.py: unset is production too).
SOKU_ENV, DEPLOYED_ENV = "SOKU_ENV", "production"

# The CLI's own dotenv grammar (lib/functions/env.js LINE_RE): `KEY=value`, optional
# `export`, quoted values spanning lines, `#` comments.
_LINE = re.compile(
    r"^\s*(?:export)?\s*([\w./]+)\s*=[\f\t\v]*"
    r"(\s*'(?:\\'|[^'])*'|\s*\"(?:\\\"|[^\"])*\"|[^#\r\n]*)?"
    r"\s*(?:#[^\n]*)?$",
    re.MULTILINE | re.DOTALL,
)


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    name: str
    value: str | None = None  # for SOKU_ENV: the value refused


def _value(raw: str | None) -> str:
    """A value as the CLI reads it: trimmed, its quotes removed (escapes do not matter here:
    anything but the bare word `production` is refused)."""
    value = (raw or "").strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value


def _functions_dirs(root: Path) -> list[Path]:
    """Where the CLI reads each codebase's dotenv files: configDir, else source."""
    config = json.loads((root / "firebase.json").read_text())
    functions = config.get("functions") or []
    if isinstance(functions, dict):
        functions = [functions]
    return list(dict.fromkeys((root / (entry.get("configDir") or entry.get("source") or "functions")).resolve()
                              for entry in functions))


def _env_suffixes(root: Path, project: str) -> list[str]:
    """`project` as given to --project, the project id it is an alias of, and that id's aliases:
    every `.env.<name>` the CLI may load for this deploy."""
    names = {project}
    try:
        aliases = json.loads((root / ".firebaserc").read_text()).get("projects") or {}
    except (OSError, ValueError):
        aliases = {}
    project_id = aliases.get(project, project)
    names.add(project_id)
    names.update(alias for alias, target in aliases.items() if target == project_id)
    return sorted(names)


def env_files(root: Path, project: str) -> list[Path]:
    """The dotenv files `firebase deploy --project <project>` would read, that exist."""
    files = []
    for folder in _functions_dirs(root):
        for name in [".env", *(f".env.{suffix}" for suffix in _env_suffixes(root, project))]:
            if name == ".env.local":
                continue  # the emulators' own file: never deployed
            path = folder / name
            if path.is_file() and path not in files:
                files.append(path)
    return files


def findings(root: Path, project: str) -> list[Finding]:
    found = []
    for path in env_files(root, project):
        text = path.read_text(errors="replace").replace("\r\n", "\n")
        for match in _LINE.finditer(text):
            name = match.group(1)
            line = text.count("\n", 0, match.start(1)) + 1
            if FORBIDDEN.match(name):
                found.append(Finding(path, line, name))
            elif name == SOKU_ENV and _value(match.group(2)) != DEPLOYED_ENV:
                found.append(Finding(path, line, name, _value(match.group(2))))
    return found


def message(found: list[Finding], root: Path) -> str:
    def where(item: Finding) -> str:
        try:
            shown = item.path.relative_to(root.resolve())
        except ValueError:
            shown = item.path
        return f"  {shown}:{item.line}: {item.name}"

    lines = []
    emulator = [item for item in found if item.name != SOKU_ENV]
    if emulator:
        lines += ["make deploy: refusing to deploy emulator settings to a real project:",
                  *(where(item) for item in emulator),
                  "These variables are for the local emulators only (FUNCTIONS_EMULATOR, *_EMULATOR_HOST,",
                  "SOKU_CRASHPOINTS): the Firebase CLI deploys every variable of .env and .env.<project>.",
                  "Remove them from those files; settings for the emulators belong in .env.local, which",
                  "the CLI reads only for its emulators (docs/deploying.md)."]
    soku_env = [item for item in found if item.name == SOKU_ENV]
    if soku_env:
        lines += ["make deploy: refusing to deploy SOKU_ENV other than production to a real project:",
                  *(f"{where(item)}={item.value}" for item in soku_env),
                  "A deployed function is production: leave SOKU_ENV unset or set it to production in",
                  ".env and .env.<project>; development, local and test belong in .env.local, which the",
                  "CLI reads only for its emulators (docs/deploying.md)."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", help="the --project given to firebase deploy (id or alias)")
    parser.add_argument("--root", default=".", help="the folder of firebase.json (default: here)")
    args = parser.parse_args(argv)
    root = Path(args.root)
    found = findings(root, args.project)
    if found:
        print(message(found, root), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
