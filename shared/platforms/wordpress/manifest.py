"""What a WordPress post accepts, with sources: `POST /v1/posts` checks it up front through
`shared.platforms.RULES`.

Text: a post's `content` is a LONGTEXT column (wp-admin/includes/schema.php, `post_content
longtext`: 4 GiB), and the REST API sets no length (developer.wordpress.org/rest-api/reference/posts/
#create-a-post: `content` "object", no maxLength). What bounds it on a real site is PHP's
`post_max_size` (8 MB by default) and MySQL's `max_allowed_packet` (16 MiB on MariaDB 10.11),
both far above Soku's own limit of a post's text (70,000 characters, shared/models/posts.py),
so that limit is the manifest's: WordPress has none that matters below it.

Images: uploaded to the site's media library (`POST /wp/v2/media`, the raw bytes; developer.
wordpress.org/rest-api/reference/media/#create-a-media-item) in the types WordPress allows
by default (wp_get_mime_types: jpeg, png, gif, webp since 5.8). Size: PHP reads the raw body
within `post_max_size`, 8 MB by default (php.net/manual/en/ini.core.php#ini.post-max-size); a
site may allow more or less, and the publisher reports its refusal in WordPress's words. The
first image is the post's featured image, the others are shown in the content (publisher.py).
Video: not offered (a video in the media library is not embedded in a post without a theme's or
block's markup Soku would have to guess).
"""

from __future__ import annotations

from shared.platforms import MediaRule, PlatformRules, PostKind

MB = 1000 * 1000
POSTS_REFERENCE = "https://developer.wordpress.org/rest-api/reference/posts/#create-a-post"
MEDIA_REFERENCE = "https://developer.wordpress.org/rest-api/reference/media/#create-a-media-item"

MAX_TEXT = 70_000  # Soku's own limit of a post's text (above)
MAX_IMAGES = 10  # Soku's figure: one featured image and nine in the content
MAX_IMAGE_BYTES = 8 * MB  # PHP's default post_max_size (8M)
IMAGE_FORMATS = ("image/jpeg", "image/png", "image/gif", "image/webp")
MAX_TITLE = 500  # Soku's figure: post_title is TEXT (64 KiB); a title is a line, not a page
DEFAULT_TITLE_CHARS = 80  # the first line of the text, cut to this, when no title is given

POST_KINDS = (
    PostKind("post", f"A blog post: the text as its content (plain text, in paragraphs), a title (the option, or "
                     f"the text's first line), and up to {MAX_IMAGES} images, the first as its featured image.",
             media=(MediaRule("image", IMAGE_FORMATS, MAX_IMAGE_BYTES, source=MEDIA_REFERENCE),),
             min_media=0, max_media=MAX_IMAGES, source=POSTS_REFERENCE),
)

# "WordPress", 70,000 characters, text required (WordPress refuses a post whose "content, title,
# and excerpt are empty", and the default title is the text's first line), images, no video.
# One post a second: a self-hosted site is often a small server, and a blog posts rarely.
MANIFEST = PlatformRules("WordPress", MAX_TEXT, True, False, True, False, MAX_IMAGES,
                         text_source=POSTS_REFERENCE, post_kinds=POST_KINDS, dispatch_per_second=1)
