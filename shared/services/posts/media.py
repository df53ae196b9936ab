"""What media a post carries, and what kind of post that makes it.

Media comes from `videoUrl`, `imageUrls`, `mediaUrls` (kind read from the file
extension) and `mediaIds` (kind read from the stored content type of the
caller's own uploads). `mediaType` is inferred when omitted: any video makes a
video post, else any image an image post, else a text post. In a video post,
images ride along as the cover/thumbnail where a platform supports one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from urllib.parse import urlparse

from shared.config import get_settings
from shared.errors import NotFoundError, ValidationError
from shared.models.posts import PostContent, ThreadPart

VIDEO_EXTENSIONS = {".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv", ".mpeg", ".mpg"}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".bmp", ".tif", ".tiff"}


@dataclass(frozen=True)
class MediaItem:
    url: str
    kind: str  # "image" | "video"
    source: str  # the request field it came from
    mediaId: str | None = None
    # The media's own alt text (PATCH /v1/media/{id}), carried with the post so that a publisher
    # reads it from the run's content: the default where the platform's options give none.
    altText: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class MediaPlan:
    media_type: str
    items: list[MediaItem]

    @property
    def videos(self) -> list[MediaItem]:
        return [m for m in self.items if m.kind == "video"]

    @property
    def images(self) -> list[MediaItem]:
        return [m for m in self.items if m.kind == "image"]


def kind_from_url(url: str) -> str | None:
    path = urlparse(url).path.lower()
    dot = path.rfind(".")
    ext = path[dot:] if dot != -1 else ""
    if ext in VIDEO_EXTENSIONS:
        return "video"
    if ext in IMAGE_EXTENSIONS:
        return "image"
    return None


def kind_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    major = content_type.split("/", 1)[0].lower()
    return major if major in ("image", "video") else None


def _media_documents(user_id: str, media_ids: list[str], snaps: dict,
                     at: str = "body.post.content") -> list[MediaItem]:
    """The caller's media named by id, from `snaps` (media id -> snapshot, read by posts/reads.py)."""
    items, missing = [], []
    for index, media_id in enumerate(media_ids):
        snap = snaps.get(media_id)
        data = snap.to_dict() if snap is not None and snap.exists else None
        # Another user's upload answers exactly like a missing one.
        if data is None or data.get("userId") != user_id:
            missing.append(media_id)
            continue
        kind = kind_from_content_type(data.get("contentType"))
        if kind is None:
            raise ValidationError(details=[{
                "field": f"{at}.mediaIds.{index}",
                "message": f"Media {media_id} is {data.get('contentType') or 'of unknown type'}; only images and videos can be posted",
                "code": "invalid_media",
                "received": media_id,
            }])
        items.append(MediaItem(url=data["url"], kind=kind, source="mediaIds", mediaId=media_id,
                               altText=data.get("altText") or None))
    if missing:
        raise NotFoundError(f"Media not found: {', '.join(missing)}", details={"mediaIds": missing})
    return items


def _own_media_id(url: str) -> str | None:
    """The media id of a URL that points at our own delivery (`{MEDIA_PUBLIC_BASE}/{id}.{ext}`)."""
    base = get_settings().media_public_base
    if not base or not url.startswith(base.rstrip("/") + "/"):
        return None
    name = url[len(base.rstrip("/")) + 1:].split("?", 1)[0]
    return name.rsplit(".", 1)[0] if "/" not in name and name else None


def _adopt_own_urls(user_id: str, items: list[MediaItem], snaps: dict) -> list[MediaItem]:
    """Our own media URLs (the spec's "upload, then post" flow) become their media ids."""
    own = {index: _own_media_id(item.url) for index, item in enumerate(items)}
    wanted = [media_id for media_id in own.values() if media_id]
    if not wanted:
        return items
    stored = {m.mediaId: m for m in _media_documents(user_id, wanted, snaps)}
    return [replace(stored[own[index]], source=item.source) if own[index] else item
            for index, item in enumerate(items)]


def _urls(content: PostContent | ThreadPart) -> list[str]:
    return ([str(content.videoUrl)] if content.videoUrl is not None else []) + \
        [str(url) for url in (content.imageUrls or [])] + [str(url) for url in (content.mediaUrls or [])]


def media_ids_to_read(content: PostContent) -> list[str]:
    """The media documents a post refers to: its mediaIds and the ids behind our own media URLs,
    its thread's replies' too."""
    ids: list[str] = []
    for part in [content, *(content.thread or [])]:
        ids += [media_id for media_id in (_own_media_id(url) for url in _urls(part)) if media_id]
        ids += list(part.mediaIds or [])
    return list(dict.fromkeys(ids))


def plan_media(user_id: str, content: PostContent | ThreadPart, snaps: dict,
               at: str = "body.post.content") -> MediaPlan:
    """`snaps`: media id -> snapshot of the documents `media_ids_to_read` named. `at`: where the
    content is in the request (a thread's reply: `body.post.content.thread.2`), for the errors."""
    items: list[MediaItem] = []
    unknown: list[dict] = []
    if content.videoUrl is not None:
        items.append(MediaItem(str(content.videoUrl), "video", "videoUrl"))
    for url in content.imageUrls or []:
        items.append(MediaItem(str(url), "image", "imageUrls"))
    for index, url in enumerate(content.mediaUrls or []):
        kind = kind_from_url(str(url))
        if kind is None and content.mediaType in ("image", "video"):
            kind = content.mediaType  # the caller told us what the file is
        if kind is None:
            unknown.append({
                "field": f"{at}.mediaUrls.{index}",
                "message": "Cannot tell whether this URL is an image or a video from its extension; set post.content.mediaType",
                "code": "invalid_media",
                "received": str(url),
            })
            continue
        items.append(MediaItem(str(url), kind, "mediaUrls"))
    if unknown:
        raise ValidationError(details=unknown)
    items = _adopt_own_urls(user_id, items, snaps)
    if content.mediaIds:
        items.extend(_media_documents(user_id, content.mediaIds, snaps, at))

    media_type = content.mediaType
    if media_type is None:
        kinds = {m.kind for m in items}
        media_type = "video" if "video" in kinds else "image" if "image" in kinds else "text"
    elif media_type == "video" and not any(m.kind == "video" for m in items):
        raise ValidationError(details=[{
            "field": f"{at}.mediaType",
            "message": "mediaType is video but the post has no video (set videoUrl, or a video in mediaUrls/mediaIds)",
            "code": "invalid_media", "received": media_type,
        }])
    elif media_type == "image" and not any(m.kind == "image" for m in items):
        raise ValidationError(details=[{
            "field": f"{at}.mediaType",
            "message": "mediaType is image but the post has no image (set imageUrls, or an image in mediaUrls/mediaIds)",
            "code": "invalid_media", "received": media_type,
        }])
    if media_type == "text" and not (content.text or "").strip():
        raise ValidationError(details=[{
            "field": f"{at}.text",
            "message": "A post needs text or media",
            "code": "invalid_type",
        }])
    return MediaPlan(media_type=media_type, items=items)
