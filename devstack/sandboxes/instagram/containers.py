"""Instagram's media containers (see instagram.py): `POST /{ig-user}/media` creates an image,
carousel item (image or `VIDEO`), `CAROUSEL`, `REELS` (`share_to_feed`, `thumb_offset`) or
`STORIES` container. The media is really downloaded from its `image_url` / `video_url`
(devstack/sandboxes/media_urls.py): an image that cannot be fetched (or is too large) is refused
right away, a video that cannot be fetched ends its container in ERROR, as Instagram does.
`status_text` is the `status` a container's poll reads.

Fault operation `container`: `processing_failed` ends the container in ERROR with
`params.subcode` (default 2207026).
"""

from __future__ import annotations

import time
from typing import Any

from devstack.sandboxes.core import Gate, SandboxState
from devstack.sandboxes.meta_graph import graph_error, params
from devstack.sandboxes.media_urls import fetch_media

PLATFORM = "instagram"
CONTAINER_TTL_S = 24 * 3600
MAX_CAPTION = 2200
# `alt_text` of an image container (feed image or image carousel item; Meta added it in 2025 and
# the pinned Graph spec, devstack/contracts/facts/instagram.json, lists it on POST /{ig-user}/media):
# at most 1,000 characters [unverified: the length is Instagram's own alt text box's, as third-party
# guides report it; Meta's reference names no length we could read]. Not for videos, reels or stories.
MAX_ALT_TEXT = 1000
MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_VIDEO_BYTES = 1024 * 1024 * 1024
MAX_STORY_VIDEO_BYTES = 100 * 1024 * 1024
# Status polls a container answers IN_PROGRESS before it is FINISHED.
POLLS_IN_PROGRESS = {"IMAGE": 1, "VIDEO": 2, "REELS": 2, "CAROUSEL": 0, "STORIES_IMAGE": 0, "STORIES_VIDEO": 2}
# Subcode → (code, message) for container failures reported in `status`.
_CONTAINER_ERRORS = {
    2207026: (-1, "The video format is not supported. Please check spec for supported video format."),
    2207003: (-2, "It takes too long to download the media."),
    2207052: (-1, "The media could not be fetched from this URI."),
    2207053: (-1, "unknown upload error"),
    2207009: (36003, "The submitted image with aspect ratio is not supported."),
}
NOT_READY_MESSAGE = "The media is not ready for publishing, please wait for a moment"


def container_of(state: SandboxState, node: str) -> dict[str, Any] | None:
    return state.media.get(f"ig:container:{node}")


def truthy(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    return str(value).lower() in ("true", "1", "yes")


def status_text(container: dict[str, Any]) -> str:
    status = container["status"]
    if status == "ERROR":
        subcode, detail = container["error"]
        return f"Error: Media upload has failed with error code {subcode}: {detail}"
    return {"IN_PROGRESS": "In Progress: Media is still being processed.",
            "FINISHED": "Finished: Media has been uploaded and it is ready to be published.",
            "PUBLISHED": "Published: Media has been successfully published.",
            "EXPIRED": "Expired: Media was not published within 24 hours."}[status]


def create_container(state: SandboxState, gate: Gate, ig_user: str):
    """`POST /{ig-user}/media`: an image, carousel item, CAROUSEL, REELS or STORIES container."""
    fault, who, refused = gate("container", ig_user)
    if refused is not None:
        return refused
    args = params()
    media_type = str(args.get("media_type") or "IMAGE").upper()
    caption = str(args.get("caption") or "")
    carousel_item = truthy(args.get("is_carousel_item")) is True
    if media_type not in ("IMAGE", "VIDEO", "REELS", "STORIES", "CAROUSEL"):
        return graph_error(400, 100, "(#100) The parameter media_type must be one of IMAGE, CAROUSEL, REELS, "
                                     "STORIES (VIDEO only for carousel items)")
    if media_type == "VIDEO" and not carousel_item:
        return graph_error(400, 100, "(#100) The VIDEO media type is no longer supported for feed posts; "
                                     "use REELS", subcode=2207067)
    if carousel_item and media_type not in ("IMAGE", "VIDEO"):
        return graph_error(400, 100, f"(#100) A carousel item must be an IMAGE or a VIDEO, not {media_type}")
    if carousel_item and caption:
        return graph_error(400, 100, "(#100) Carousel items cannot have a caption")
    if media_type == "STORIES" and caption:
        return graph_error(400, 100, "(#100) Stories do not support captions")
    if len(caption) > MAX_CAPTION:
        return graph_error(400, 100, f"The caption is too long: at most {MAX_CAPTION} characters",
                           subcode=2207010, user_msg=f"The caption can have at most {MAX_CAPTION} characters.")
    alt_text = args.get("alt_text")
    alt_text = str(alt_text) if alt_text not in (None, "") else None
    if alt_text is not None and media_type != "IMAGE":
        return graph_error(400, 100, f"(#100) alt_text is only supported for images, not {media_type}")
    if alt_text is not None and len(alt_text) > MAX_ALT_TEXT:
        return graph_error(400, 100, f"(#100) The alt text is too long: at most {MAX_ALT_TEXT} characters")
    container: dict[str, Any] = {
        "platform": PLATFORM, "owner": who, "mediaType": media_type, "caption": caption, "altText": alt_text,
        "carouselItem": carousel_item, "createdAt": time.time(), "polls": 0, "pollsNeeded": 0,
        "status": "IN_PROGRESS", "error": None, "media": [], "children": [],
        "shareToFeed": truthy(args.get("share_to_feed")), "thumbOffset": None}
    if media_type == "CAROUSEL":
        ids = [c for c in str(args.get("children") or "").split(",") if c]
        if not 2 <= len(ids) <= 10:
            return graph_error(400, 100, "(#100) A carousel takes 2 to 10 children")
        for child_id in ids:
            child = container_of(state, child_id)
            if child is None or child["owner"] != who or not child["carouselItem"]:
                return graph_error(400, 100, f"(#100) {child_id} is not a carousel item of this account")
            if child["status"] != "FINISHED":
                return graph_error(400, 9007, "Media ID is not available", subcode=2207027,
                                   user_msg=f"{NOT_READY_MESSAGE} (child {child_id} is {child['status']})")
        container["children"] = ids
        container["media"] = [m for c in ids for m in container_of(state, c)["media"]]
    else:
        image_url, video_url = args.get("image_url"), args.get("video_url")
        if media_type == "STORIES" and bool(image_url) == bool(video_url):
            return graph_error(400, 100, "(#100) A story takes either image_url or video_url")
        video = media_type in ("VIDEO", "REELS") or (media_type == "STORIES" and bool(video_url))
        url = video_url if video else image_url
        if not url:
            return graph_error(400, 100, f"(#100) The parameter {'video_url' if video else 'image_url'} "
                                         "is required")
        if media_type == "REELS" and args.get("thumb_offset") not in (None, ""):
            offset = str(args["thumb_offset"])
            if not offset.isdigit():
                return graph_error(400, 1, "Thumbnail offset must be greater than or equal to 0 and less than "
                                           "video duration", subcode=2207057)
            container["thumbOffset"] = int(offset)
        if video:
            cap = MAX_STORY_VIDEO_BYTES if media_type == "STORIES" else MAX_VIDEO_BYTES
            fetched, problem = fetch_media(str(url), cap, "video/")
            if fetched is None:
                # Video downloads fail asynchronously: the container ends in ERROR.
                container["error"] = (2207052, f"{_CONTAINER_ERRORS[2207052][1]} {url} ({problem})")
            else:
                container["media"] = [fetched]
            container["pollsNeeded"] = POLLS_IN_PROGRESS["STORIES_VIDEO" if media_type == "STORIES"
                                                          else media_type]
        else:
            fetched, problem = fetch_media(str(url), 1 << 40, "image/")
            if fetched is None:
                return graph_error(400, 9004, "Media download has failed. The media URI doesn't meet our "
                                              "requirements.", subcode=2207052,
                                   user_msg=f"The media could not be fetched from this URI: {url} ({problem})")
            if fetched["bytes"] > MAX_IMAGE_BYTES:
                return graph_error(400, 36000, "The image size is too large.", subcode=2207004,
                                   user_title="Image size too large",
                                   user_msg="The image is too large to download. It should be less than 8 MiB.")
            if fetched["contentType"] not in ("image/jpeg", "image/jpg"):
                return graph_error(400, 36001, "The image format is not supported.", subcode=2207005,
                                   user_msg="The image format is not supported. Supported formats are: JPEG")
            container["media"] = [fetched]
            container["pollsNeeded"] = POLLS_IN_PROGRESS["STORIES_IMAGE" if media_type == "STORIES"
                                                          else "IMAGE"]
    if fault is not None and fault.kind == "processing_failed":
        subcode = int(fault.params.get("subcode", 2207026))
        container["error"] = (subcode, _CONTAINER_ERRORS.get(subcode, (-1, "unknown error"))[1])
    container_id = state.next_id()
    with state.lock:
        state.media[f"ig:container:{container_id}"] = container
    return {"id": container_id}

