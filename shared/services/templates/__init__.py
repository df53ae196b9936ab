"""Templates: rendered social images (spec 004 `POST /v1/templates`).

`base` (what a template is: `Template`, `Scene`), one module per template
(each imports `base` only), `registry` (the templates by slug; it imports
them), `text`/`fonts`/`canvas`/`typeset` (the Pillow renderer's parts), `png`
(the encoder), `renderer` (config in, PNG out), `images` (avatar/background
by URL or media id), `remote` (the web app's /og routes, when configured),
`store` (bucket object and documents) and `service` (the route logic:
validate, cache, render, store).
"""

from shared.errors import SokuError


class ImageUnavailableError(SokuError):
    """An image named in the config could not be fetched, read or decoded."""

    status = 400
    code = "image_unavailable"
    message = "An image in the template config could not be used"


class RenderFailedError(SokuError):
    """The configured web app did not return a usable image."""

    status = 502
    code = "render_failed"
    message = "The template could not be rendered"
