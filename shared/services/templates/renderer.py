"""Render a template to PNG, in this process (Pillow), no browser involved.

`render()` is pure: validated config and decoded images in, PNG bytes and a
layout report out. Storage, caching and remote rendering live in
shared/services/templates/service.py.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from PIL import Image

from shared.services.templates import canvas as cv
from shared.services.templates import png
from shared.services.templates.base import Scene, Template
from shared.services.templates.typeset import Drawn

# Bump when a template's look changes: cached renders (keyed on it) are redone.
RENDER_VERSION = "1"

# Pillow frees an image's memory at once by default (blocks_max 0), so each
# render's canvas-sized images (8 MiB for 9:16) come back from the kernel as
# fresh pages: ~8,500 page faults, a third of a 9:16 render. Keeping a few
# freed blocks for reuse removes them; it holds at most 4 blocks of Pillow's
# block size (16 MiB) between renders. PILLOW_BLOCKS_MAX, if set higher, wins.
BLOCKS_KEPT = 4
Image.core.set_blocks_max(max(Image.core.get_blocks_max(), BLOCKS_KEPT))

# FreeType faces are shared between threads through the font cache and are not
# safe to use concurrently; one render at a time per process.
_lock = threading.Lock()


@dataclass
class RenderResult:
    png: bytes
    width: int
    height: int
    drawn: dict[str, Drawn] = field(default_factory=dict)
    seconds: float = 0.0


def render(template: Template, config, ratio: str | None, images: dict[str, Image.Image] | None = None) -> RenderResult:
    started = time.perf_counter()
    size = cv.size_for(ratio)
    with _lock:
        scene = Scene(image=cv.new_canvas(size, (0, 0, 0)), config=config, images=images or {})
        template.draw(scene)
        data = png.encode(scene.image)
    return RenderResult(png=data, width=size[0], height=size[1], drawn=scene.drawn,
                        seconds=time.perf_counter() - started)
