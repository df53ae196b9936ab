"""A Reddit post checked against its subreddit's own rules at submission (POST /v1/posts, POST
/v1/posts/validate), through the core's hook (shared/services/posts/preflight.py).

First what needs no one (compose.static_problems: a title, at most 300 characters, no body on
a link or single-image post), then the subreddit's rules, asked of Reddit with the account's
token and kept TTL_S:
- `GET /api/v1/{subreddit}/post_requirements` (PRAW's `Subreddit.post_requirements`, the
  endpoint new Reddit's submit page reads): `is_flair_required`, `title_text_min_length`,
  `title_text_max_length`, `body_restriction_policy` (`required` | `notAllowed` | `none`),
  `domain_blacklist`;
- `GET /r/{subreddit}/api/link_flair_v2`: the post flairs, `id` and `text`;
- for a video post only, `GET /r/{subreddit}/about` (scope `read`; www.reddit.com/dev/api#GET_r_
  {subreddit}_about): the subreddit's `allow_videos` and `allow_videogifs` (the settings a
  moderator turns video posts off with; post_requirements does not carry them). A subreddit that
  allows no videos (or no videogifs, for `options.reddit.videogif`) is refused naming it.
A subreddit that requires flair and a post without `options.reddit.flairId` is refused naming
the flairs to choose from (details: field `body.post.content.options.reddit.flairId`, `choices`
[{id, text}], `subreddit`); an unknown flairId likewise. When Reddit cannot be asked (down, rate
limited, the account's token refused) nothing is refused here: the publisher meets Reddit's own
refusal at run time (SUBMIT_VALIDATION_FLAIR_REQUIRED → `flair_required`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from shared.platforms.reddit.compose import OPTIONS_FIELD, compose, static_problems

TTL_S = 300  # a moderator's change to the rules shows within 5 minutes


def _rules(publisher: Any, account: Any, subreddit: str | None, composed: Any, video: bool = False) -> dict[str, Any]:
    from shared.services.publishing.errors import PermanentError

    name = subreddit or publisher.subreddit_of(account, composed)
    requirements = publisher.post_requirements(account, name)
    try:
        flairs = publisher.flairs(account, name)
    except PermanentError:
        flairs = None  # flair not visible to the account (403): nothing to offer or check
    answer = {"subreddit": name, "requirements": requirements if isinstance(requirements, dict) else {},
              "flairs": flairs}
    if video:
        about = publisher.about(account, name)
        answer["media"] = {k: about.get(k) for k in ("allow_videos", "allow_videogifs")}
    return answer


def check(request: Any) -> list[dict[str, Any]]:
    options = request.options
    video = request.plan.media_type == "video"
    images = len(request.plan.images) if video else request.image_count
    composed = compose(request.text, images, options, video=video)
    problems = static_problems(composed, images, video=video, videogif=bool(options.get("videogif")))
    if video and images > 1:
        problems.append({"field": "body.post.content", "message": "A Reddit video post takes one image besides the "
                         f"video, its poster; this post has {images}", "code": "too_big", "platform": "reddit"})
    if problems:
        return problems
    # A video post asks for the subreddit's about page too: its own cache entry, so text and image
    # posts keep asking only what they need.
    name = f"subreddit:{(composed.subreddit or '~profile').lower()}" + (":video" if video else "")
    answer = request.ask(name, lambda publisher, account: _rules(publisher, account, composed.subreddit, composed,
                                                                 video), TTL_S)
    if answer is None:
        return []  # Reddit did not answer: the publisher checks at run time (module docstring)
    subreddit, rules, flairs = answer["subreddit"], answer["requirements"], answer["flairs"]
    choices = [{"id": f["id"], "text": f["text"]} for f in flairs or []]

    def problem(field: str, message: str, code: str, **extra: Any) -> None:
        problems.append({"field": field, "message": message, "code": code, "platform": "reddit",
                         "subreddit": subreddit, **extra})

    flair_id = options.get("flairId")
    if rules.get("is_flair_required") and not flair_id:
        names = ", ".join(f"{c['text']} ({c['id']})" for c in choices[:20]) or "none offered to this account"
        problem(f"{OPTIONS_FIELD}.flairId", f"r/{subreddit} requires post flair: set options.reddit.flairId to "
                f"one of its flairs: {names}", "required", choices=choices)
    elif flair_id and flairs and flair_id not in {c["id"] for c in choices}:
        problem(f"{OPTIONS_FIELD}.flairId", f"r/{subreddit} has no flair {flair_id}; its flairs: "
                + ", ".join(f"{c['text']} ({c['id']})" for c in choices[:20]), "invalid_choice", choices=choices)
    low, high = rules.get("title_text_min_length"), rules.get("title_text_max_length")
    if isinstance(low, int) and len(composed.title) < low:
        problem(f"{OPTIONS_FIELD}.title", f"r/{subreddit} needs titles of at least {low} characters; this one "
                f"has {len(composed.title)}", "too_small")
    if isinstance(high, int) and len(composed.title) > high:
        problem(f"{OPTIONS_FIELD}.title", f"r/{subreddit} takes titles of at most {high} characters; this one "
                f"has {len(composed.title)}", "too_big")
    policy = rules.get("body_restriction_policy")
    if composed.kind == "self" and policy == "notAllowed" and composed.body:
        problem("body.post.content.text", f"r/{subreddit} takes no text in posts (body_restriction_policy "
                "notAllowed): post a title only, a link (options.reddit.url) or an image", "invalid_content")
    if composed.kind == "self" and policy == "required" and not composed.body:
        problem("body.post.content.text", f"r/{subreddit} requires a body: the post's text after its title",
                "required")
    media = answer.get("media") or {}
    if composed.kind == "video" and media.get("allow_videos") is False:
        problem("body.post.content", f"r/{subreddit} does not allow video posts (allow_videos false): post the video "
                "elsewhere and link it (options.reddit.url), or choose another subreddit", "invalid_media")
    if composed.kind == "videogif" and media.get("allow_videogifs") is False:
        problem(f"{OPTIONS_FIELD}.videogif", f"r/{subreddit} does not allow videogifs (allow_videogifs false): "
                "post it as a video (drop options.reddit.videogif)", "invalid_media")
    if composed.kind == "link" and composed.url:
        domain = (urlsplit(composed.url).hostname or "").lower()
        blocked = [d.lower() for d in rules.get("domain_blacklist") or []]
        if any(domain == d or domain.endswith(f".{d}") for d in blocked):
            problem(f"{OPTIONS_FIELD}.url", f"r/{subreddit} does not take links to {domain}", "invalid_content")
    return problems
