"""Per-platform content checks that can be known at submission time."""

from __future__ import annotations

from shared.errors import ValidationError
from shared.platforms import RULES, PlatformRules, text_length
from shared.services.posts.media import MediaPlan
from shared.services.posts.targets import Target


def check_content(text: str | None, plan: MediaPlan, targets: list[Target],
                  thread: list[tuple[str | None, MediaPlan]] = ()) -> None:
    """Raise one validation_error listing every problem, each tied to its target: the post's, and
    each of its thread's replies' (`thread`: their text and media), held to the same rules."""
    problems = content_problems(text, plan, targets)
    if thread:
        problems += thread_problems(targets, len(thread))
        for index, (part_text, part_plan) in enumerate(thread):
            problems += content_problems(part_text, part_plan, targets, f"body.post.content.thread.{index}")
    if problems:
        raise ValidationError("Post content is not valid for every target", details=problems)


def thread_problems(targets: list[Target], replies: int) -> list[dict]:
    """A thread goes only where the platform chains replies (its manifest's `thread`), and no
    longer than it allows: anywhere else the replies would be lost, so the post is refused."""
    problems: list[dict] = []
    for platform in dict.fromkeys(target.platform for target in targets):
        rules = RULES[platform]
        if rules.thread is None:
            chained = ", ".join(RULES[other].display_name for other in RULES if RULES[other].thread)
            problems.append({
                "field": "body.post.content.thread", "code": "unsupported", "platform": platform.value,
                "message": f"{rules.display_name} has no threads of replies; a thread publishes to {chained}. "
                           f"Send the thread and the {rules.display_name} post as two posts"})
        elif replies > rules.thread.max_replies:
            problems.append({
                "field": "body.post.content.thread", "code": "too_big", "platform": platform.value,
                "received": replies,
                "message": f"A thread to {rules.display_name} takes at most {rules.thread.max_replies} replies; "
                           f"this one has {replies}"})
    return problems


def content_problems(text: str | None, plan: MediaPlan, targets: list[Target],
                     at: str = "body.post.content") -> list[dict]:
    """Every problem of one post's text and media (`at`: where it is in the request)."""
    problems: list[dict] = []
    seen_platforms = set()
    seen_limits = set()
    for target in targets:
        platform = target.platform
        rules = RULES[platform]
        name = rules.display_name

        def problem(field: str, message: str, code: str, received=None, account_id: str | None = None) -> None:
            entry = {"field": field, "message": message, "code": code, "platform": platform.value}
            if account_id is not None:
                entry["accountId"] = account_id
            if received is not None:
                entry["received"] = received
            problems.append(entry)

        # The text limit is the platform's, or the account's own where that varies (a Mastodon
        # server's): checked once per distinct limit, so two accounts on one server say it once.
        limit = target.max_text or rules.max_text
        if (platform, limit) not in seen_limits:
            seen_limits.add((platform, limit))
            length = text_length(platform, text or "")
            unit = "weighted characters" if rules.weighted_text else rules.text_unit
            if length > limit and target.max_text is not None:
                problem(f"{at}.text",
                        f"The {name} account {target.account_id} allows at most {limit} {unit} (its server's "
                        f"limit); this text has {length}", "too_big", length, target.account_id)
            elif length > limit:
                problem(f"{at}.text", f"{name} allows at most {limit} {unit}; this text has {length}",
                        "too_big", length)
            elif plan.media_type != "text" and (caption := caption_limit(rules, plan.media_type)) is not None \
                    and length > caption:
                problem(f"{at}.text",
                        f"{name} allows at most {caption} {unit} in the caption of a post with media; "
                        f"this text has {length}", "too_big", length)
        if platform in seen_platforms:
            continue  # the media rules are per platform, not per account
        seen_platforms.add(platform)
        if rules.text_required and not (text or "").strip():
            problem(f"{at}.text", f"{name} needs text: a post there is its text", "required")
        if plan.media_type == "text":
            if rules.media_required:
                needs = "a video" if not rules.accepts_images else "an image or a video"
                problem(at, f"{name} needs {needs}; this is a text-only post", "invalid_media")
            continue
        if plan.media_type == "video":
            if not rules.accepts_video:
                problem(f"{at}.videoUrl", f"{name} does not accept video posts", "invalid_media")
            if len(plan.videos) > 1:
                problem(at, f"{name} takes one video per post; this post has {len(plan.videos)}",
                        "too_big", len(plan.videos))
        if plan.media_type == "image":
            if not rules.accepts_images:
                problem(f"{at}.imageUrls", f"{name} needs a video; it does not accept image posts",
                        "invalid_media")
            elif len(plan.images) > rules.max_images:
                problem(f"{at}.imageUrls",
                        f"{name} allows at most {rules.max_images} image{'s' if rules.max_images > 1 else ''} per post; this post has {len(plan.images)}",
                        "too_big", len(plan.images))
    return problems


def caption_limit(rules: PlatformRules, media_type: str) -> int | None:
    """The text limit of the post kinds that take this media (the most lenient of them: which kind a
    post becomes may depend on its options), where each is below the platform's; else None."""
    kind_type = "image" if media_type == "image" else "video"
    limits = [kind.max_text for kind in rules.post_kinds if any(m.type == kind_type for m in kind.media)]
    if not limits or any(limit is None for limit in limits):
        return None
    return max(limits)
