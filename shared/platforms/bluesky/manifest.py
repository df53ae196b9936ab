"""What Bluesky accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`.

Every figure is the post record's lexicon, the schema the PDS validates `createRecord` against
(it answers `validationStatus: "valid"`), read in bluesky-social/atproto at commit
d6296a1cfdb40a773319cb59061300e4e8e52f26 (2026-08-20), and the same in the lexicons
@atproto/pds 0.5.35 ships (devstack/bluesky, the server the tests publish to):

- lexicons/app/bsky/feed/post.json: `text` maxGraphemes 300 and maxLength 3000 (UTF-8 bytes);
  `langs` maxLength 3 (format language); record key `tid`;
- lexicons/app/bsky/embed/images.json: `images` maxLength 4; each `image` a blob with accept
  `image/*`, maxSize 2000000 (raised from 1000000 by #4823, commit d8801e2a17, 2026-04-08);
  `alt` required; `aspectRatio` optional (embed/defs.json: width, height);
- lexicons/app/bsky/embed/external.json: a link card's `thumb` accept `image/*`, maxSize 1000000;
- lexicons/app/bsky/embed/video.json: `video` accept `video/mp4`, maxSize 300000000.

Video is not offered. A Bluesky video is not a plain blob on the user's PDS: the app uploads it
to Bluesky's video service (video.bsky.app, `app.bsky.video.uploadVideo` with a service-auth
token from `com.atproto.server.getServiceAuth`), which transcodes it and writes the blob; a PDS
itself takes blobs up to its `blobUploadLimit` (5 MiB by default: @atproto/pds config.js,
`describeServer` answers 5242880 locally). No video service runs here, so the path could not be
tested against a real server, and Soku does not claim it.
"""

from __future__ import annotations

from shared.platforms import GRAPHEMES_UNIT, MediaRule, PlatformRules, PostKind, ThreadRule

ATPROTO_COMMIT = "d6296a1cfdb40a773319cb59061300e4e8e52f26"
_LEXICONS = f"https://github.com/bluesky-social/atproto/blob/{ATPROTO_COMMIT}/lexicons/app/bsky"
POST_LEXICON = f"{_LEXICONS}/feed/post.json"
IMAGES_LEXICON = f"{_LEXICONS}/embed/images.json"
EXTERNAL_LEXICON = f"{_LEXICONS}/embed/external.json"

MAX_GRAPHEMES = 300
MAX_TEXT_BYTES = 3000  # the publisher checks this one at run time (manifests count one unit)
MAX_LANGS = 3
MAX_IMAGES = 4
MAX_IMAGE_BYTES = 2_000_000
MAX_THUMB_BYTES = 1_000_000
# `image/*` in the lexicon; these are the image types Soku stores (shared/services/media/sniff.py)
# that Bluesky's app and AppView display (HEIC/HEIF are not among them).
IMAGE_FORMATS = ("image/jpeg", "image/png", "image/webp", "image/gif")

POST = PostKind(
    "post", "A post: the text (links, @mentions and #hashtags made rich text), with up to 4 images.",
    media=(MediaRule("image", IMAGE_FORMATS, MAX_IMAGE_BYTES, source=IMAGES_LEXICON),),
    min_media=0, max_media=MAX_IMAGES, source=POST_LEXICON)

# Graphemes (extended grapheme clusters, Unicode UAX #29), what `maxGraphemes` counts: an emoji
# ZWJ sequence or a letter with combining marks is one.
# Deleting is `com.atproto.repo.deleteRecord` with the same session: no extra scope.
MANIFEST = PlatformRules(
    "Bluesky", MAX_GRAPHEMES, False, False, True, False, MAX_IMAGES, text_unit=GRAPHEMES_UNIT,
    text_source=POST_LEXICON, post_kinds=(POST,),
    # A thread: each reply's record carries `reply: {root, parent}`, strong refs (uri and cid) to
    # the thread's first post and the post it answers (lexicon app.bsky.feed.post, `replyRef`).
    thread=ThreadRule("record.reply {root, parent}", source=POST_LEXICON))
