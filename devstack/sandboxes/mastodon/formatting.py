"""What a Mastodon server does with a status's text: counts it against its limit, and renders
it as the HTML `content` it hands back (which is what a reconciling lookup has to read)."""

from __future__ import annotations

import html
import re
import unicodedata

_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w/])@([A-Za-z0-9_]+)(?:@([\w.-]+\w))?")


def server_length(text: str, spoiler: str, per_url: int) -> int:
    """The server's own count (status_length_validator.rb): each link `per_url`, a remote
    mention without its domain, the content warning with the text, code points of NFC text
    (the sandbox does not segment graphemes; Soku's check counts clusters, never more)."""
    countable = _URL.sub("x" * per_url, text)
    countable = _MENTION.sub(lambda m: f"@{m.group(1)}", countable)
    return len(unicodedata.normalize("NFC", spoiler + countable))


def render_html(text: str) -> str:
    """The `content` Mastodon's TextFormatter makes of plain text: paragraphs, `<br />`, links
    with their scheme and overflow in invisible spans, mentions by their local part."""
    def inline(chunk: str) -> str:
        out, last = [], 0
        for match in re.finditer(f"{_URL.pattern}|{_MENTION.pattern}", chunk, re.IGNORECASE):
            out.append(html.escape(chunk[last:match.start()], quote=False))
            token = match.group(0)
            if token.lower().startswith(("http://", "https://")):
                trail = len(token) - len(token.rstrip(".,;:!?)'\""))
                url, rest = (token[:-trail], token[-trail:]) if trail else (token, "")
                scheme, _, tail = url.partition("://")
                visible, hidden = tail[:30], tail[30:]
                out.append(f'<a href="{html.escape(url)}" target="_blank" rel="nofollow noopener" translate="no">'
                           f'<span class="invisible">{scheme}://</span><span class="{"ellipsis" if hidden else ""}">'
                           f'{html.escape(visible)}</span><span class="invisible">{html.escape(hidden)}</span></a>'
                           f"{html.escape(rest)}")
            else:
                name = match.group(0)[1:].split("@")[0]
                out.append(f'<span class="h-card" translate="no"><a href="#" class="u-url mention">'
                           f"@<span>{html.escape(name)}</span></a></span>")
            last = match.end()
        out.append(html.escape(chunk[last:], quote=False))
        return "".join(out)

    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{'<br />'.join(inline(line) for line in p.split(chr(10)))}</p>" for p in paragraphs)
