"""`POST /v1/templates` (and its alias `/v1/media/render-og`): validate, look for a
cached render, render (here or at the web app), store, answer `{url, rawUrl, id}`."""

from __future__ import annotations

import logging
from typing import Any

from shared.config import get_settings
from shared.models.templates import RenderTemplateRequest
from shared.services.templates import images, registry, remote, renderer, store

log = logging.getLogger("soku.templates")


def render_template(user_id: str, key_hash: str | None, request: RenderTemplateRequest,
                    meter: Any = None) -> tuple[dict, bool]:
    """The response body, and whether it came from the cache. `meter` (budgets.Meter, the
    daily `renders`) is charged one image on a cache miss, before rendering, and refunded
    if the render or its storing fails; a cached render is free."""
    template = registry.get(request.templateSlug)
    config = template.validate(request.config)
    # The config as stored and hashed: only what the caller set, so adding a
    # field with a default later does not change existing ids.
    canonical = config.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    base = get_settings().og_render_base
    mode = f"remote:{base}" if base else f"local:{renderer.RENDER_VERSION}"
    render_id = store.render_id(user_id, template.slug, request.aspectRatio, canonical, mode)

    hit = store.cached(render_id)
    if hit is not None:
        return hit, True

    charge = meter.charge(1) if meter is not None else None
    try:
        return _render(user_id, key_hash, request, template, config, canonical, base, render_id), False
    except BaseException:
        if charge is not None:
            charge.refund()
        raise


def _render(user_id: str, key_hash: str | None, request: RenderTemplateRequest, template, config,
            canonical: dict, base: str | None, render_id: str) -> dict:
    sources = config.image_sources()
    if base:
        # The web app cannot read our bucket: media ids travel as their public URLs.
        sent = dict(canonical)
        for role, url in images.media_urls(user_id, sources).items():
            sent.pop(f"{role}MediaId", None)
            sent[f"{role}Url"] = url
        png, width, height, source_url = remote.render(base, template.slug, sent, request.aspectRatio)
    else:
        result = renderer.render(template, config, request.aspectRatio, images.load(user_id, sources))
        png, width, height, source_url = result.png, result.width, result.height, None
        log.info("rendered %s %s in %.0f ms (%d bytes)", template.slug, request.aspectRatio or "og",
                 result.seconds * 1000, len(png))
    body = store.save(render_id_=render_id, user_id=user_id, key_hash=key_hash, slug=template.slug,
                      ratio=request.aspectRatio, config=canonical, png=png, width=width, height=height,
                      renderer="remote" if base else "local", source_url=source_url)
    return body
