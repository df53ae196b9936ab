"""What Pinterest accepts (a Pin: its description, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`.

A Pin always has media: `POST /v5/pins` takes a `media_source` of an image (`image_url`,
`image_base64`), 2-5 images (`multiple_image_urls`, `multiple_image_base64`: a carousel) or an
uploaded video (`video_id`), and Soku has no other way to make one. The post's text is the
Pin's `description`; its `title`, `link` and `alt_text` come from the options.
"""

from __future__ import annotations

from shared.platforms import MediaRule, PlatformRules, PostKind

# Pinterest's v5 OpenAPI (github.com/pinterest/api-description, v5/openapi.json, commit
# c05b18971472342ebdf4bafc15fea8a91c78bf79): PinCreate.description maxLength 800, title 100,
# alt_text 500, link 2048; PinMediaSourceImagesURL.items minItems 2, maxItems 5.
_OPENAPI = ("https://github.com/pinterest/api-description/blob/c05b18971472342ebdf4bafc15fea8a91c78bf79/"
            "v5/openapi.json")
# Pinterest's product specs (help.pinterest.com/en/business/article/pinterest-product-specs):
# standard Pins PNG or JPEG up to 20 MB; video Pins MP4, MOV or M4V up to 2 GB, 4 seconds to
# 15 minutes; carousels 2-5 images. [unverified against a live account]
_SPECS = "https://help.pinterest.com/en/business/article/pinterest-product-specs"

MAX_DESCRIPTION = 800
MAX_TITLE = 100
MAX_ALT_TEXT = 500
MAX_LINK = 2048
MIN_CAROUSEL = 2
MAX_CAROUSEL = 5
MB = 1024 * 1024
MAX_IMAGE_BYTES = 20 * MB
MAX_VIDEO_BYTES = 2 * 1024 * MB
IMAGE_FORMATS = ("image/jpeg", "image/png")
VIDEO_FORMATS = ("video/mp4", "video/quicktime", "video/x-m4v")

_IMAGE = MediaRule("image", IMAGE_FORMATS, max_bytes=MAX_IMAGE_BYTES, source=_SPECS)
_VIDEO = MediaRule("video", VIDEO_FORMATS, max_bytes=MAX_VIDEO_BYTES, min_duration_s=4,
                   max_duration_s=15 * 60, source=_SPECS)

# The kinds as the publisher decides them (publisher.PinterestPublisher._kind): in a post with a
# video, the video is the Pin (a Pin has one media source).
IMAGE = PostKind("image", "An image Pin, the text as its description.", media=(_IMAGE,), min_media=1,
                 max_media=1, source=_OPENAPI)
CAROUSEL = PostKind("carousel", f"A carousel Pin of {MIN_CAROUSEL}-{MAX_CAROUSEL} images.", media=(_IMAGE,),
                    min_media=MIN_CAROUSEL, max_media=MAX_CAROUSEL, source=_OPENAPI)
VIDEO = PostKind("video", "A video Pin (uploaded through POST /v5/media).", media=(_VIDEO,), min_media=1,
                 max_media=1, source=_OPENAPI)

MANIFEST = PlatformRules(
    "Pinterest", MAX_DESCRIPTION, False, True, True, True, MAX_CAROUSEL,
    text_unit="characters", text_source=_OPENAPI,
    post_kinds=(IMAGE, CAROUSEL, VIDEO),
    # GET /v5/pins/{pin_id}/analytics needs boards:read and pins:read (its `security` in the
    # OpenAPI); DELETE /v5/pins/{pin_id} needs pins:write, as creating does.
    scope_needs={"delete": ("pins:write",), "metrics": ("pins:read",)},
    # Refreshing (POST /v5/oauth/token, grant_type=refresh_token) is Basic-authenticated with
    # the app's id and secret.
    refresh_uses_client_secret=True,
)
