"""README.md is a short landing page and docs/*.md hold the rest: their links must hold.

Fast and offline (no emulators): every relative link in README.md and docs/*.md names a file
that exists, every `#anchor` names a heading of its page (GitHub's slugs), every docs page is
reachable from the README, and the README stays short.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
README_MAX_LINES = 260

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, in_fence = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            lines.append(line)
    return lines


def github_slug(heading: str) -> str:
    """GitHub's anchor for a heading: its text (code spans, emphasis and link targets dropped),
    lowercased, punctuation but '-' and '_' removed, each space a '-'."""
    text = INLINE_CODE.sub(lambda m: m.group(2), heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.strip().lower()
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for line in prose_lines(path.read_text()):
        match = HEADING.match(line)
        if not match:
            continue
        slug = github_slug(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def links(path: Path) -> list[str]:
    """Link targets outside code (fenced blocks and inline code spans)."""
    targets = []
    for line in prose_lines(path.read_text()):
        targets += LINK.findall(INLINE_CODE.sub("", line))
    return targets


def is_external(target: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target)) or target.startswith("//")


def relative_links() -> list[tuple[Path, str]]:
    return [(page, target) for page in PAGES for target in links(page) if not is_external(target)]


def test_the_parser_sees_links_and_headings():
    assert github_slug("Connecting accounts: `POST /v1/connections/{platform}/start`") == \
        "connecting-accounts-post-v1connectionsplatformstart"
    assert github_slug("The crash soak: `make chaos`") == "the-crash-soak-make-chaos"
    assert github_slug("API contract (OpenAPI)") == "api-contract-openapi"
    assert links(README), "no links found in README.md"
    assert DOCS, "no docs/*.md pages"


@pytest.mark.parametrize("page,target", relative_links(),
                         ids=lambda v: v.name if isinstance(v, Path) else v)
def test_relative_links_point_at_files_and_headings(page, target):
    path_part, _, anchor = target.partition("#")
    destination = (page.parent / path_part).resolve() if path_part else page
    assert destination.exists(), f"{page.relative_to(ROOT)}: {target} names no file"
    if anchor:
        assert destination.suffix == ".md", f"{page.relative_to(ROOT)}: {target}: anchor into a non-Markdown file"
        assert anchor in anchors(destination), (
            f"{page.relative_to(ROOT)}: {target}: no heading with that anchor in "
            f"{destination.relative_to(ROOT)} (has: {sorted(anchors(destination))})")


def test_every_docs_page_is_linked_from_the_readme():
    linked = {(README.parent / target.partition("#")[0]).resolve()
              for target in links(README) if not is_external(target) and target.partition("#")[0]}
    unlinked = [page.relative_to(ROOT).as_posix() for page in DOCS if page.resolve() not in linked]
    assert not unlinked, f"docs pages the README does not link to: {unlinked}"


def test_the_readme_is_short_and_starts_with_the_two_commands():
    lines = README.read_text().splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines (at most {README_MAX_LINES}): move detail into docs/")
    first_block = "\n".join(lines[:8])
    assert "make run" in first_block and "make test" in first_block
    # CI runs the README's test command.
    assert "make test" in (ROOT / ".ci" / "run").read_text()
