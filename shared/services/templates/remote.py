"""Remote rendering, for parity with the spec: the web app's `/og/{templateSlug}`
route renders the card (satori + resvg there) and this function stores it.

Used when SOKU_OG_RENDER_BASE is set. The config travels as base64 of its JSON
in `config` (what the spec names), the size as `aspectRatio`. The fetch goes
through shared/adapters/safe_http like any other remote file, so a
misconfigured base URL cannot reach internal addresses either. The answer
must be a PNG; anything else is a 502 `render_failed` naming what came back.
"""

from __future__ import annotations

import base64
import io
import json
from urllib.parse import quote, urlencode

from PIL import Image

from shared.adapters import safe_http
from shared.services.templates import RenderFailedError

MAX_BYTES = 20 * 1024 * 1024
TIMEOUT = 30.0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def og_url(base: str, slug: str, config: dict, ratio: str | None) -> str:
    encoded = base64.b64encode(json.dumps(config, separators=(",", ":"), ensure_ascii=False).encode()).decode()
    params = {"config": encoded}
    if ratio:
        params["aspectRatio"] = ratio
    return f"{base}/og/{quote(slug, safe='')}?{urlencode(params)}"


def render(base: str, slug: str, config: dict, ratio: str | None) -> tuple[bytes, int, int, str]:
    """(png, width, height, final URL) from the web app."""
    url = og_url(base, slug, config, ratio)
    try:
        with safe_http.open_remote(url, max_bytes=MAX_BYTES, timeout=TIMEOUT) as remote:
            png = b"".join(remote.iter_bytes(256 * 1024))
            final_url = remote.final_url
    except safe_http.FetchRefused as refused:
        raise RenderFailedError(f"The renderer at {base} failed: {refused.reason}") from None
    if not png.startswith(PNG_SIGNATURE):
        raise RenderFailedError(f"The renderer at {base} answered something that is not a PNG "
                                f"({len(png)} bytes starting {png[:8]!r})")
    try:
        with Image.open(io.BytesIO(png)) as image:
            width, height = image.size
    except Exception:  # noqa: BLE001 - any decoder failure means the same thing here
        raise RenderFailedError(f"The renderer at {base} answered a PNG that cannot be read") from None
    return png, width, height, final_url
