"""The docs' own commands, run as a reader runs them: every ```sh block of the README and docs/.

Each page's blocks run in order in one bash (a variable one block sets, the next one uses), taken
from the Markdown itself so the docs cannot drift from what works. They run against the CLI's
Hosting as `make run` serves it (the session's `hosting`), from a folder holding what the reader's
checkout would (`venv/`, `devstack/`, `shared/`, and `.local/dev.env` as `make run` writes it,
for a seeded user of the page's own). `make run` is the stack the test already started.

Every page runs twice in a row, as a reader re-running it would: an example that only works
once, or needs an input no earlier step made, fails here. So does any HTTP call that answers an
error: curl records each answer's status, and a call's final status must be below 400 unless its
block says otherwise (`<!-- docs-test: allow 409 -->` on the line before the fence), and what a
block says the reader will see must be shown (`<!-- docs-test: expect <text> -->`). A block that
cannot run here (a deploy, Zapier's CLI) says why (`<!-- docs-test: skip <why> -->`), and the
reason is printed.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.cli_stack import add_auth_user
from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE_OPEN = re.compile(r"^```sh\s*$")
DIRECTIVE = re.compile(r"^<!--\s*docs-test:\s*(skip|allow|expect)\s+(.*?)\s*-->\s*$")
PASSWORD = "docs-test-password"
# Each curl call's answer headers go to a file named for its block (all the statuses of a
# redirect chain followed with -L, the last one final); the command line beside it.
PRELUDE = r"""
set -e -o pipefail
source .local/dev.env  # as the README's tour has the reader do, once per terminal
curl() {
  local dump; dump=$(mktemp "$SOKU_DOCS_LOG/block$SOKU_DOCS_BLOCK.XXXXXX")
  printf '%s\n' "curl $*" > "$dump.cmd"
  command curl -D "$dump" "$@" | tee "$dump.body"  # the answer as the page shows it, kept to explain a refusal
}
make() {
  if [ "$*" = run ]; then echo "(make run: the test's own stack is running)"; return 0; fi
  echo "docs test: 'make $*' is not run here" >&2; return 1
}
"""


@dataclass
class Block:
    page: Path
    line: int
    code: str
    skip: str | None = None
    allowed: set[int] = field(default_factory=set)
    expect: str | None = None  # what the page's output must show once this block has run


def blocks_of(page: Path) -> list[Block]:
    lines = page.read_text().splitlines()
    found, i = [], 0
    while i < len(lines):
        if FENCE_OPEN.match(lines[i]):
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            block = Block(page, i + 1, "\n".join(lines[i + 1:end]))
            directive = DIRECTIVE.match(lines[i - 1]) if i else None
            if directive and directive[1] == "skip":
                block.skip = directive[2]
            elif directive and directive[1] == "expect":
                block.expect = directive[2]
            elif directive:
                block.allowed = {int(s) for s in re.findall(r"\d{3}", directive[2])}
            found.append(block)
            i = end
        i += 1
    return found


RUNNABLE = [p for p in PAGES if any(b.skip is None for b in blocks_of(p))]


def _id_token(hosting, uid: str) -> str:
    """The user in the CLI's Auth emulator, signed in with a password as the console does: a
    token the functions verify there."""
    email = add_auth_user(hosting, uid, PASSWORD)
    r = httpx.post(f"http://{hosting.emulator_env['FIREBASE_AUTH_EMULATOR_HOST']}/identitytoolkit.googleapis.com"
                   "/v1/accounts:signInWithPassword?key=local", timeout=10,
                   json={"email": email, "password": PASSWORD, "returnSecureToken": True})
    assert r.status_code == 200, r.text
    return r.json()["idToken"]


@pytest.fixture
def reader_folder(tmp_path, hosting, stack, make_user):
    """What a reader's checkout holds after `make run`: the code the docs' commands import, and
    `.local/dev.env` for a seeded user of this page's own."""
    from devstack.seed import seed_demo_user

    user = make_user()
    seed_demo_user(user.uid)
    folder = tmp_path / "checkout"
    folder.mkdir()
    for name in ("venv", "devstack", "shared"):
        (folder / name).symlink_to(ROOT / name)
    env = {
        "SOKU_BASE_URL": hosting.hosting_url,
        "SOKU_API_KEY": user.api_key,
        "SOKU_ID_TOKEN": _id_token(hosting, user.uid),
        "SOKU_FUNCTIONS_URL": hosting.functions_base_url,
        "SOKU_API_URL": f"{hosting.functions_base_url}/api",
        "SOKU_SANDBOX_URL": stack.sandboxes.base_url,
    }
    (folder / ".local").mkdir()
    (folder / ".local/dev.env").write_text("".join(f"export {k}={v}\n" for k, v in env.items()))
    return folder


def _run(page: Path, folder: Path, log: Path) -> subprocess.CompletedProcess:
    script = PRELUDE + "".join(
        f"\n# --- {page.name}:{b.line}\nSOKU_DOCS_BLOCK={n}\n{b.code}\n"
        for n, b in enumerate(blocks_of(page)) if b.skip is None)
    log.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(folder), "LANG": "C.UTF-8", "SOKU_DOCS_LOG": str(log)}
    output = log.parent / f"{log.name}.out"
    with open(output, "w") as out:  # a file, not a pipe: what a page leaves running holds no pipe open
        process = subprocess.Popen(["bash", "-c", script], cwd=folder, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            process.wait(timeout=300)
        finally:  # what the page left running (a file server, a webhook receiver) goes with it
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    return subprocess.CompletedProcess(process.args, process.returncode, output.read_text(errors="replace"))


def _refused_calls(page: Path, log: Path) -> list[str]:
    """Every curl call whose final answer was an error its block does not allow."""
    blocks = blocks_of(page)  # numbered as _run numbers them: every block of the page
    refused = []
    for dump in sorted(log.glob("block*.*")):
        if dump.suffix in (".cmd", ".body"):
            continue
        statuses = re.findall(r"^HTTP/\S+ (\d{3})", dump.read_text(errors="replace"), re.M)
        block = blocks[int(re.match(r"block(\d+)", dump.name)[1])]
        if statuses and int(statuses[-1]) >= 400 and int(statuses[-1]) not in block.allowed:
            command = Path(f"{dump}.cmd").read_text().strip()
            body = Path(f"{dump}.body").read_text(errors="replace")[:600] if Path(f"{dump}.body").exists() else ""
            refused.append(f"{page.name}:{block.line}: {statuses[-1]} for {command[:300]}\n  answered: {body}")
    return refused


@pytest.mark.skipif(shutil.which("curl") is None,
                    reason="no curl: `make test` installs Debian's curl package only as root with apt-get")
@pytest.mark.parametrize("page", RUNNABLE, ids=[p.name for p in RUNNABLE])
def test_the_pages_commands_work_and_work_again(page, reader_folder, tmp_path, sandbox):
    """(`sandbox`: a fault a page asks the sandboxes for never outlives its test.)"""
    for block in blocks_of(page):
        if block.skip:
            print(f"not run: {page.name}:{block.line}: {block.skip}")
    for attempt in ("first", "second"):
        log = tmp_path / f"calls-{attempt}"
        run = _run(page, reader_folder, log)
        assert run.returncode == 0, f"{page.name}, {attempt} run, exit {run.returncode}:\n{run.stdout[-4000:]}"
        refused = _refused_calls(page, log)
        assert not refused, f"{page.name}, {attempt} run:\n" + "\n".join(refused) + f"\n{run.stdout[-3000:]}"
        assert list(log.glob("block*")), f"{page.name}: no HTTP call was made"
        for block in blocks_of(page):
            assert block.expect is None or block.expect in run.stdout, \
                f"{page.name}:{block.line}, {attempt} run: {block.expect!r} not shown:\n{run.stdout[-3000:]}"


def test_every_block_is_run_or_says_why_not():
    for page in PAGES:
        for block in blocks_of(page):
            assert block.skip is None or len(block.skip) > 10, f"{page.name}:{block.line}: say why it is not run"
