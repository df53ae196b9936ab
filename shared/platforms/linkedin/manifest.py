"""What LinkedIn accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`.

The figures the publisher enforces are defined here once and read by publisher.py (its
`LIMITS`); nothing here imports it back.
"""

from __future__ import annotations

from shared.platforms import AccountType, MediaRule, PlatformRules, PostKind

MB = 1024 * 1024

_SHARES = "https://learn.microsoft.com/linkedin/marketing/community-management/shares"
POSTS_API = f"{_SHARES}/posts-api"
IMAGES_API = f"{_SHARES}/images-api"
MULTI_IMAGE_API = f"{_SHARES}/multiimage-post-api"
VIDEOS_API = f"{_SHARES}/videos-api"

# `commentary` of the Posts API (POSTS_API): 3000 characters, in "little" text.
MAX_COMMENTARY = 3000

# Images (IMAGES_API): JPG, PNG and GIF (the publisher refuses any other type before uploading),
# under 36,152,320 pixels; LinkedIn states no byte limit for images, so none is given here.
# One image is a `media` post; 2 to 20 a `multiImage` post (MULTI_IMAGE_API).
IMAGE_FORMATS = ("image/jpeg", "image/png", "image/gif")
MIN_MULTI_IMAGES = 2
MAX_IMAGES = 20

# Video (VIDEOS_API, "Video File Size Specifications" and video specs): MP4, 3 seconds to 30
# minutes, 75 KB to 500 MB. The publisher checks only the size, as 500 MiB (LinkedIn's "500 MB"
# may mean 500,000,000 bytes: a file between the two readings passes here and LinkedIn refuses
# it); the format and duration are LinkedIn's to check, and the 75 KB minimum is not modelled.
VIDEO_FORMATS = ("video/mp4",)
MAX_VIDEOS = 1
MAX_VIDEO_BYTES = 500 * MB
MIN_VIDEO_DURATION_S = 3
MAX_VIDEO_DURATION_S = 30 * 60

_IMAGE = MediaRule("image", IMAGE_FORMATS, source=IMAGES_API)
POST_KINDS = (
    PostKind("text", "A text-only post on the member's or organization's feed.", source=POSTS_API),
    PostKind("image", "A post with one image (`content.media`), the text as its commentary.",
             media=(_IMAGE,), min_media=1, max_media=1, source=POSTS_API),
    PostKind("multiImage", f"A post with {MIN_MULTI_IMAGES} to {MAX_IMAGES} images shown as a grid "
                           "(`content.multiImage`), the text as its commentary.",
             media=(_IMAGE,), min_media=MIN_MULTI_IMAGES, max_media=MAX_IMAGES, source=MULTI_IMAGE_API),
    PostKind("video", "A post with one video (`content.media`), the text as its commentary.",
             media=(MediaRule("video", VIDEO_FORMATS, MAX_VIDEO_BYTES, MIN_VIDEO_DURATION_S, MAX_VIDEO_DURATION_S,
                              source=VIDEOS_API),),
             min_media=MAX_VIDEOS, max_media=MAX_VIDEOS, source=POSTS_API),
)
# Documents (PDF/PPT/DOC carousels, the Documents API) are not published by Soku: no kind.

# Capability -> scopes beyond publishing (`w_member_social`, `w_organization_social`). Metrics:
# an organization's post statistics and follower count need `r_organization_admin`
# (…/community-management/organizations/share-statistics), which the connector requests.
# A member's need `r_member_postAnalytics` / `r_member_profileAnalytics`, which Soku does not
# request, so a member account's metrics answer `missing_scope` whatever this says (insights.py).
# Delete (`DELETE /rest/posts/{urn}`, POSTS_API) takes the publishing permissions: nothing more.
# First comment (`POST /rest/socialActions/{urn}/comments`) takes them too: `w_member_social`
# comments as the member, `w_organization_social` as the Page (…/community-management/shares/
# comments-api, "Permissions"). Reading the comments back, which only a retry after a crash
# does, needs r_member_social / r_organization_social, which Soku does not request: that retry
# then records the comment as failed rather than risk posting it twice.
SCOPE_NEEDS = {"metrics": ("r_organization_admin",)}

# `commentary` of the Posts API (learn.microsoft.com/linkedin/marketing/community-management/
# shares/posts-api): 3000 characters; unit not documented; we count code points.
# A member posts as themself; an organization (a LinkedIn Page) through a member who administers
# it: one LinkedIn login connects both (connector.py, `authorType`), so neither is chosen at start.
ACCOUNT_TYPES = (
    AccountType("member", "LinkedIn member", "A person's own LinkedIn profile (`authorType: person`).",
                login="oauth",
                differences=("Metrics are not available: they need r_member_postAnalytics, which Soku "
                             "does not request.",)),
    AccountType("organization", "LinkedIn Page (organization)",
                "A LinkedIn Page the connecting member administers (`authorType: organization`), "
                "connected by the same login as the member.",
                login="oauth", aliases=("linkedin_page",),
                differences=("Connected alongside the member when the member administers the Page.",
                             "Metrics (share statistics, followers) need r_organization_admin.")),
)

MANIFEST = PlatformRules("LinkedIn", MAX_COMMENTARY, False, False, True, True, MAX_IMAGES,
                         text_source=POSTS_API, post_kinds=POST_KINDS, scope_needs=SCOPE_NEEDS,
                         # Refreshing takes Soku's client secret: LinkedIn's refresh takes client_secret.
                         refresh_uses_client_secret=True, account_types=ACCOUNT_TYPES)
