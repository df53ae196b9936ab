"""The template registry: which templates exist, by slug.

The route layer only ever asks this module for a slug, so adding a template is
one new module (a `TEMPLATE` built from base.py's `Template`) and one line in
`_all()` below. Template modules import base.py, never this module, so the
registry importing them makes no cycle. `Scene`, `Template` and
`describe_fields` are re-exported for callers that name them from here.
"""

from __future__ import annotations

from shared.errors import NotFoundError
from shared.models.templates import TemplateInfo
from shared.services.templates.base import Scene, Template, describe_fields

__all__ = ["Scene", "Template", "describe", "describe_fields", "get", "slugs"]


def _all() -> dict[str, Template]:
    # Imported here, not at module import: keeps `import main` light (deploy discovery).
    from shared.services.templates import announcement, quote_card, tweet_image, video_thumbnail

    templates = [tweet_image.TEMPLATE, video_thumbnail.TEMPLATE, quote_card.TEMPLATE, announcement.TEMPLATE]
    return {t.slug: t for t in templates}


def slugs() -> list[str]:
    return list(_all())


def get(slug: str, field: str = "body.templateSlug") -> Template:
    templates = _all()
    template = templates.get(slug)
    if template is None:
        available = list(templates)
        raise NotFoundError(
            f"Unknown templateSlug '{slug[:64]}'. Available templates: {', '.join(available)}",
            details={"field": field, "available": available},
        )
    return template


def describe() -> list[TemplateInfo]:
    return [t.info() for t in _all().values()]
