"""What a link makes of a published post: the derived post's body.

Per link type (the source post's media type):

- text: the card (the text rendered into the template) is the post: an image post;
- image: the card first, then the source images, as many as the target takes; a
  one-image target (Snapchat) gets the first source image only;
- video: the source video, with the card as its cover (YouTube's thumbnail).

The caption is the source text, shortened with "…" to the target's limit (counted as
submission counts it, so X's weighting applies). A post without text has no card in
image and video links: there is nothing to render. The card's aspect ratio is the
saved template's, else one that suits the target (1:1 on Instagram, 9:16 on TikTok
and Snapchat, the 1200x630 link-card size elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.platforms import RULES, Platform, text_length
from shared.services.repurpose.templates import ResolvedTemplate, text_field, text_limit
from shared.services.templates import registry

DEFAULT_RATIO = {Platform.INSTAGRAM: "1:1", Platform.TIKTOK: "9:16", Platform.SNAPCHAT: "9:16"}
ELLIPSIS = "…"


class CannotDerive(Exception):
    """The post cannot be repurposed through this link: recorded as a skip."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CardSpec:
    slug: str
    config: dict
    aspect_ratio: str | None


def shorten(text: str, fits) -> str:
    """The longest prefix (cut at a space when one is near) plus "…" for which fits() holds."""
    if fits(text):
        return text
    low, high = 0, len(text)
    while low < high:  # binary search on the prefix length
        mid = (low + high + 1) // 2
        if fits(text[:mid].rstrip() + ELLIPSIS):
            low = mid
        else:
            high = mid - 1
    prefix = text[:low]
    space = prefix.rfind(" ")
    if space >= low * 0.8:  # cut between words unless that loses more than a fifth
        prefix = prefix[:space]
    return prefix.rstrip() + ELLIPSIS


def caption(platform: Platform, text: str) -> str:
    limit = RULES[platform].max_text
    return shorten(text, lambda candidate: text_length(platform, candidate) <= limit)


def card_spec(resolved: ResolvedTemplate, text: str, platform: Platform, source_account: dict | None) -> CardSpec:
    template = registry.get(resolved.slug)
    limit = text_limit(template)
    config = dict(resolved.config)
    config[text_field(template)] = shorten(text.strip(), lambda candidate: len(candidate) <= limit)
    if resolved.slug == "tweetImage" and source_account and not (config.get("name") or config.get("author")):
        # The card shows who said it: the account the source post went out on.
        if source_account.get("displayName"):
            config["name"] = str(source_account["displayName"])[:80]
        if source_account.get("username"):
            config["author"] = "@" + str(source_account["username"])[:79]
    return CardSpec(resolved.slug, config, resolved.aspect_ratio or DEFAULT_RATIO.get(platform))


def media_ids(link_type: str, platform: Platform, source_media: list[dict], card_id: str | None) -> list[str]:
    rules = RULES[platform]
    missing = [m.get("url") for m in source_media if not m.get("mediaId")]
    if link_type != "text" and missing:
        raise CannotDerive("media_missing", f"The source post's media was never stored: {', '.join(missing)}")
    if link_type == "text":
        return [card_id] if card_id else []
    if link_type == "image":
        images = [m["mediaId"] for m in source_media if m.get("kind") == "image"]
        if not images:
            raise CannotDerive("media_missing", "The source post has no image")
        cover = [card_id] if card_id and rules.max_images > 1 else []
        return (cover + images)[: rules.max_images]
    videos = [m["mediaId"] for m in source_media if m.get("kind") == "video"]
    if not videos:
        raise CannotDerive("media_missing", "The source post has no video")
    return videos[:1] + ([card_id] if card_id else [])


def post_body(link: dict, text: str, ids: list[str], scheduled_iso: str) -> dict:
    platform = Platform(link["platform"])
    content: dict = {
        "platform": [{"platform": platform.value, "accountId": link["accountId"]}],
        "mediaType": "video" if link["type"] == "video" else "image",
        "mediaIds": ids,
    }
    if text.strip():
        content["text"] = caption(platform, text)
    return {"post": {"content": content}, "scheduledTime": scheduled_iso, "enableRepurposing": False}
