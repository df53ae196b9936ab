"""The platforms as the core sees them: their names, aliases and the manifest type.

Each platform is a package beside this file (`shared/platforms/<name>/`: manifest, options,
connector, publisher, insights), reached only through `loader.py`; nothing here imports one.
Submission checks what can be known up front from the manifests (`RULES`: text length in the
platform's unit, media count and kind), so a post that cannot work fails at `POST /v1/posts`
with a clear message instead of later in a run. Where platforms disagree or change often the
conservative figure is used and the publishers re-check at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum

from shared.text_counting import grapheme_length, threads_length, utf16_length, x_weighted_length

THREADS_UNIT = "characters (an emoji counts its UTF-8 bytes)"
UTF16_UNIT = "UTF-16 code units"
GRAPHEMES_UNIT = "graphemes"


class Platform(str, Enum):
    X = "x"
    INSTAGRAM = "instagram"
    FACEBOOK = "facebook"
    THREADS = "threads"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    LINKEDIN = "linkedin"
    SNAPCHAT = "snapchat"
    TELEGRAM = "telegram"
    DISCORD = "discord"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    GOOGLE_BUSINESS = "google_business"
    PINTEREST = "pinterest"
    WORDPRESS = "wordpress"
    REDDIT = "reddit"


# Accepted spellings in requests -> canonical platform.
ALIASES: dict[str, Platform] = {p.value: p for p in Platform} | {
    "facebook_pages": Platform.FACEBOOK,
    "gbp": Platform.GOOGLE_BUSINESS, "google_business_profile": Platform.GOOGLE_BUSINESS,
    # Account types' aliases (each manifest's `account_types`): the platform they belong to.
    "instagram_business": Platform.INSTAGRAM, "linkedin_page": Platform.LINKEDIN}


@dataclass(frozen=True)
class MediaRule:
    """One kind of media a post kind takes, as the platform documents it (or as the publisher
    enforces it where the platform documents less)."""
    type: str  # "image" | "video"
    formats: tuple[str, ...]  # MIME types
    max_bytes: int | None = None
    min_duration_s: float | None = None
    max_duration_s: float | None = None
    source: str = ""  # the page the figures come from


@dataclass(frozen=True)
class PostKind:
    """A kind of post (`feed`, `reel`, `story`, `video`, `photo`, ...): what media it takes and how many."""
    name: str  # the option value that selects it, or the one kind a platform has
    description: str
    media: tuple[MediaRule, ...] = ()
    min_media: int = 0
    max_media: int = 0
    carries_text: bool = True  # Instagram stories, for one, show no caption
    # The kind's own text limit where it is below the platform's `max_text`, in the same unit
    # (a Telegram caption: 1024, a text message 4096). None: the platform's.
    max_text: int | None = None
    source: str = ""


# Soku's cap on replies in one thread: 25 posts in all, as X's composer allows
# (help.x.com/en/using-x/create-a-thread). Neither X's API nor the others document a cap;
# a longer chain belongs in a blog post, and every reply is one more create to reconcile.
MAX_THREAD_REPLIES = 24


@dataclass(frozen=True)
class ThreadRule:
    """How the platform chains posts into a thread (`post.content.thread`): each reply answers
    the post before it, the way the platform's own app makes a thread."""
    how: str  # what the publisher sends, e.g. "reply.in_reply_to_tweet_id"
    max_replies: int = MAX_THREAD_REPLIES
    source: str = ""


@dataclass(frozen=True)
class AccountType:
    """One kind of account a platform has, where it has several (Instagram: linked to a Facebook
    Page or not; LinkedIn: a member or an organization). `GET /v1/platforms` lists them; the
    first of a manifest's `account_types` is the default."""
    id: str  # `facebook_login`, `instagram_login`, `member`, `organization`
    display_name: str
    description: str
    # How it is connected: the login its connect flow goes through (`facebook_login`,
    # `instagram_login`), or the platform's one login where all types share it ("oauth").
    login: str
    aliases: tuple[str, ...] = ()  # other names of it (`instagram_business`), also in ALIASES
    differences: tuple[str, ...] = ()  # short sentences: what works differently for this type
    # capability -> scopes, where this type's login names scopes its own way (Instagram Login's
    # `instagram_business_*`); None: the platform's `scope_needs`.
    scope_needs: dict[str, tuple[str, ...]] | None = None
    # Whether POST /v1/connections/{platform}/start can choose it (`{"accountType": ...}`): a type
    # that comes out of another type's login (a LinkedIn organization) is not chosen there.
    selectable: bool = False


@dataclass(frozen=True)
class PlatformRules:
    """A platform's manifest (`shared/platforms/<name>/manifest.py`, `MANIFEST`): what submission
    checks up front, and what `GET /v1/platforms` tells callers."""
    display_name: str
    max_text: int
    text_required: bool  # a post with no text at all is refused
    media_required: bool  # no text-only posts
    accepts_images: bool
    accepts_video: bool
    max_images: int  # per post (carousel / multi-image)
    weighted_text: bool = False  # X counts URLs as 23 and wide characters as 2
    # What max_text counts, as error messages name it: "characters" (code points), "bytes"
    # (UTF-8), "UTF-16 code units", or Threads' "characters (an emoji counts its UTF-8 bytes)".
    text_unit: str = "characters"
    text_source: str = ""  # the page that gives the limit and its unit
    # How the platform counts, where no unit above says it (Mastodon: a link is 23 whatever its
    # length, graphemes otherwise): the manifest's own function, given the post's text.
    text_counter: Callable[[str], int] | None = None
    post_kinds: tuple[PostKind, ...] = ()
    # Whether the package has a `preflight.py` whose `check()` submission calls per target after the
    # static checks (shared/services/posts/preflight.py): checks that need the platform itself (a
    # subreddit's own rules). False: no import, no read, for every platform that has none.
    preflight: bool = False
    # capability -> the OAuth scopes it needs beyond publishing (`GET /v1/accounts/{id}/capabilities`
    # narrows by the scopes an account granted): {"delete": ("threads_delete",), ...}
    scope_needs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Soku's own pace: publisher tasks Cloud Tasks starts per second for the platform (its queue's
    # rate, functions/publishers.py), well under the platform's per-app limits; each manifest that
    # lowers it says why.
    dispatch_per_second: int = 5
    # Whether refreshing an account's token takes Soku's OAuth client secret: its publisher is then
    # given that secret (functions/publishers.py), and only then (least privilege).
    refresh_uses_client_secret: bool = False
    # The kinds of account the platform has, where it has more than one (the first is the
    # default); empty where every account is the same kind.
    account_types: tuple[AccountType, ...] = ()
    # Whether `post.content.thread` publishes here as a chain of replies; None: it does not.
    thread: ThreadRule | None = None

    def account_type(self, value: str | None) -> AccountType | None:
        """The account type named `value` (its id or an alias); the default for None; None when
        the platform has no such type (or no types at all)."""
        if not self.account_types:
            return None
        if value is None:
            return self.account_types[0]
        return next((t for t in self.account_types if value == t.id or value in t.aliases), None)


class _Manifests(Mapping):
    """`RULES[platform]`: each platform package's `MANIFEST` (shared/platforms/<name>/manifest.py),
    loaded on first use through the registry (shared/platforms/loader.py)."""

    def __getitem__(self, platform: Platform) -> PlatformRules:
        from shared.platforms import loader

        try:
            platform = Platform(platform)
        except ValueError:
            raise KeyError(platform) from None  # a Mapping's contract: `x in RULES` is False, not an error
        return loader.part(platform, "manifest").MANIFEST

    def __iter__(self) -> Iterator[Platform]:
        return iter(Platform)

    def __len__(self) -> int:
        return len(Platform)


RULES: Mapping[Platform, PlatformRules] = _Manifests()


def account_type_of(platform: Platform, data: Mapping) -> AccountType | None:
    """The type of a stored account (its document's `accountType`); a document written before
    the field existed is the default type (Instagram: Facebook Login), or for LinkedIn what its
    `authorType` says. None where the platform has one kind of account."""
    rules = RULES[platform]
    value = data.get("accountType")
    if not value and data.get("authorType") in ("person", "organization"):
        value = "member" if data["authorType"] == "person" else "organization"
    return rules.account_type(value if isinstance(value, str) and value else None) or rules.account_type(None)

def text_length(platform: Platform, text: str) -> int:
    """The text's length in the unit of `RULES[platform].max_text`."""
    rules = RULES[platform]
    if rules.text_counter is not None:
        return rules.text_counter(text)
    if rules.weighted_text:
        return x_weighted_length(text)
    if rules.text_unit == "bytes":
        return len(text.encode("utf-8", "surrogatepass"))
    if rules.text_unit == THREADS_UNIT:
        return threads_length(text)
    if rules.text_unit == UTF16_UNIT:
        return utf16_length(text)
    if rules.text_unit == GRAPHEMES_UNIT:
        return grapheme_length(text)
    return len(text)
