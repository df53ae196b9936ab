"""WordPress: images into the site's media library, then the post, over the REST API (wp/v2).

Flow (developer.wordpress.org/rest-api/reference/):
1. categories and tags, given by name (options.py): `GET /wp/v2/categories?search=<name>` (and
   `/tags`), matched by name without regard to case; a missing one is created (`POST
   /wp/v2/categories {name}`; a `term_exists` answer gives the id of one made meanwhile) only
   with `createTerms`, otherwise the run fails naming it (`term_missing`);
2. each image: `POST /wp/v2/media`, the raw bytes with `Content-Type` and `Content-Disposition:
   attachment; filename=...` → the attachment's `id` and `source_url`, saved in the checkpoint
   at once, so a retry never uploads it again;
3. `POST /wp/v2/posts {title, content, status, slug, excerpt, categories, tags,
   featured_media, meta: {soku_run}}` → 201 with the post; `postId` is its id, `url` its `link`.

Content: Soku's text is plain text, as on every other platform, so it is HTML-escaped (a `<` in
the text is shown, never markup) and laid out as WordPress's own editor would: paragraphs at blank
lines (`<p>`), line breaks within them (`<br />`). The title is the `title` option, else the
text's first line (cut at a word to 80 characters, with "…"); the whole text stays the content.
Images: the first is the post's featured image (`featured_media`, which themes show above the
post); any others follow the text as `<figure class="wp-block-image"><img></figure>`, WordPress's
image block markup. Video is not offered (manifest.py).

Exactly once. WordPress takes no idempotency key, and its post ids are its own. So:
- the create goes through `ctx.create_once`, and the post's id is checkpointed the moment the
  answer arrives (`ctx.accepted`); an attempt that died after that reads the post back by id;
- the post carries the run's identity, `meta.soku_run` (a hash of the run's path). WordPress
  keeps post meta sent over REST only for keys a plugin registered with `show_in_rest`: the local
  test site loads devstack/wordpress/soku-meta.php, which does; on a site without it the key
  is dropped silently (the post is still made, `"meta": []`);
- a create whose answer was lost is looked for (`find_existing`) among the user's 100 most recent
  posts of any status but trash (`GET /wp/v2/posts?author=<me>&status=any&context=edit
  &orderby=id&order=desc`): on a site that exposes `soku_run`, the post with this run's value
  (exact); elsewhere a post made since the create was armed (5 minutes of clock difference
  allowed) with the same title and content as this run's. WordPress commits the post before it
  answers, so the listing has no lag (`listing_lag_s` 0).
What that means on a site without the meta key: a second post is made only if the first one's
answer was lost AND the user edited or trashed that post, or published 100 posts, before the
retry looked (seconds to minutes later); two runs of identical title and text in the same window
would be taken for one another (Soku's own Idempotency-Key keeps a client's retries to one run).
A media upload whose answer is lost leaves an unused attachment in the media library (uploads
have no identity to look for), never a second post.

Errors: site.py. Delete: `DELETE /wp/v2/posts/{id}` moves the post to the trash (the user can
restore it for 30 days); `410 rest_already_trashed` and `404 rest_post_invalid_id` mean it is
down already. Application passwords do not expire: there is nothing to refresh.
"""

from __future__ import annotations

import base64
import hashlib
import html
import mimetypes
import re
from datetime import datetime, timedelta
from typing import Any

import httpx

from shared.platforms import Platform
from shared.platforms.wordpress import site
from shared.platforms.wordpress.manifest import DEFAULT_TITLE_CHARS, MAX_IMAGE_BYTES, MAX_IMAGES, MB
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.deletion import for_deletion
from shared.services.publishing.errors import NeedsReconnectError, PermanentError, UnconfirmedError
from shared.services.publishing.http import PlatformHttp
from shared.services.publishing.media import open_media

META_KEY = "soku_run"
LISTED = 100  # per_page's maximum: the most recent posts find_existing reads
CLOCK_SKEW = timedelta(minutes=5)  # between Soku's clock and the site's, when comparing post dates
_TERM_ROUTES = {"categories": "categories", "tags": "tags"}
_TERM_WORDS = {"categories": "category", "tags": "tag"}


def run_key(run_path: str) -> str:
    """The run's identity on the post (`meta.soku_run`): its path, hashed (the path names the user)."""
    return hashlib.sha256(run_path.encode()).hexdigest()[:32]


def default_title(text: str) -> str:
    """The text's first non-empty line, cut at a word to DEFAULT_TITLE_CHARS characters."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(line) <= DEFAULT_TITLE_CHARS:
        return line
    cut = line[: DEFAULT_TITLE_CHARS - 1]
    if " " in cut[DEFAULT_TITLE_CHARS // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def to_html(text: str) -> str:
    """Plain text as WordPress content: escaped, `<p>` per paragraph, `<br />` per line break."""
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "\n\n".join("<p>" + "<br />\n".join(html.escape(line, quote=False) for line in p.split("\n")) + "</p>"
                       for p in paragraphs)


def _figure(upload: dict) -> str:
    url = html.escape(upload["url"])
    return (f'<figure class="wp-block-image"><img src="{url}" alt="" class="wp-image-{int(upload["id"])}" />'
            f"</figure>")


def _same(a: Any, b: Any) -> bool:
    """Equal as a reader sees them: WordPress's filters (kses, for users without unfiltered_html)
    may escape `&` or respace tags in what they store."""
    def norm(value: Any) -> str:
        return re.sub(r"\s+", " ", html.unescape(str(value or ""))).strip()

    return norm(a) == norm(b)


def _raw(field: Any) -> Any:
    return field.get("raw", field.get("rendered")) if isinstance(field, dict) else field


def _extension(content_type: str) -> str:
    return {"image/jpeg": ".jpg"}.get(content_type) or mimetypes.guess_extension(content_type) or ".bin"


class WordPressPublisher:
    platform = Platform.WORDPRESS
    # WordPress commits a post to its database before it answers the create: it lists it at once.
    listing_lag_s = 0.0

    # -- plumbing -------------------------------------------------------------------
    @staticmethod
    def _root(account: Account) -> str:
        return site.normalise(account.data.get("siteUrl"))

    def http(self, account: Account) -> PlatformHttp:
        credentials = f"{account.data.get('username', '')}:{account.tokens.access_token}".encode()
        header = {"Authorization": "Basic " + base64.b64encode(credentials).decode("ascii")}
        return PlatformHttp(site.classify, lambda: dict(header), client=site.client())

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        raise NeedsReconnectError("A WordPress application password cannot be renewed by Soku: make a new one in "
                                  "the site's Users, Profile, and connect the site again")

    # -- publishing -----------------------------------------------------------------
    def publish(self, ctx: PublishContext) -> PublishedPost:
        if ctx.content.media_type == "video":
            raise PermanentError("Soku does not publish video to WordPress", code="invalid_media")
        account, http, root = ctx.account, self.http(ctx.account), self._root(ctx.account)
        options = ctx.content.options or {}
        text = ctx.content.text or ""
        title = options.get("title") or default_title(text)
        body: dict[str, Any] = {"title": title, "status": options.get("status") or "publish",
                                "meta": {META_KEY: run_key(ctx.run_path)}}
        for option in ("slug", "excerpt"):
            if options.get(option):
                body[option] = options[option]
        for kind in ("categories", "tags"):
            if options.get(kind):
                body[kind] = self._terms(http, root, kind, options[kind], bool(options.get("createTerms")))
        images = ctx.content.images if ctx.content.media_type == "image" else []
        if len(images) > MAX_IMAGES:
            raise PermanentError(f"Soku puts at most {MAX_IMAGES} images in a WordPress post; this one has "
                                 f"{len(images)}", code="too_many_media")
        uploads = [self._upload(ctx, http, root, n, item) for n, item in enumerate(images)]
        content = "\n\n".join([to_html(text)] + [_figure(u) for u in uploads[1:]])
        body["content"] = content
        if uploads:
            body["featured_media"] = int(uploads[0]["id"])
        # What find_existing compares a listed post with, when the site drops meta.soku_run.
        if ctx.checkpoint.get("wordpressPrepared") != {"title": title, "content": content}:
            ctx.save(wordpressPrepared={"title": title, "content": content})

        def create() -> PublishedPost:
            post = site.json_body(http.request("POST", site.api(root, "posts"), json=body))
            if not isinstance(post, dict) or not post.get("id"):
                raise UnconfirmedError("The WordPress site answered the post without its id, so Soku cannot confirm "
                                       "it was made; check the site's posts, and retry if it is missing")
            # From here the post exists: saved before anything else can fail.
            ctx.accepted(wordpressPost={"id": int(post["id"]), "link": post.get("link")})
            return PublishedPost(str(post["id"]), post.get("link"))

        return ctx.create_once(create)

    def _terms(self, http: PlatformHttp, root: str, kind: str, names: list[str], create: bool) -> list[int]:
        """The ids of categories or tags by name; missing ones created only when `create`."""
        ids: list[int] = []
        for name in names:
            found = site.json_body(http.request("GET", site.api(root, _TERM_ROUTES[kind]),
                                                params={"search": name, "per_page": 100, "context": "view"}))
            match = next((t for t in found or [] if isinstance(t, dict)
                          and html.unescape(str(t.get("name", ""))).casefold() == name.casefold()), None)
            if match is None and not create:
                raise PermanentError(f"The WordPress site has no {_TERM_WORDS[kind]} named {name!r}: create it on the "
                                     f"site, or set createTerms to let Soku create it", code="term_missing")
            if match is None:
                response = http.client.request("POST", site.api(root, _TERM_ROUTES[kind]), json={"name": name},
                                               headers=http.headers())
                made = site.json_body(response) or {}
                if response.status_code == 400 and made.get("code") == "term_exists":
                    match = {"id": (made.get("data") or {}).get("term_id")}  # made meanwhile: use it
                else:
                    error = site.classify(response)
                    if error is not None:
                        raise error
                    match = made
            if not match.get("id"):
                raise PermanentError(f"The WordPress site answered the {_TERM_WORDS[kind]} {name!r} without its id",
                                     code="publish_rejected")
            ids.append(int(match["id"]))
        return list(dict.fromkeys(ids))

    def _upload(self, ctx: PublishContext, http: PlatformHttp, root: str, n: int, item: dict) -> dict:
        """The image in the site's media library: {id, url}, checkpointed so a retry reuses it."""
        done = (ctx.checkpoint.get("wordpressMedia") or {}).get(str(n))
        if done:
            return done
        media = open_media(item)
        if media.size > MAX_IMAGE_BYTES:
            raise PermanentError(f"Soku sends WordPress images of at most {MAX_IMAGE_BYTES // MB} MB (PHP's default "
                                 f"upload limit); image {n + 1} has {media.size / MB:.1f} MB", code="media_too_large")
        name = f"soku-{item.get('mediaId') or n}{_extension(media.content_type)}"
        response = http.request("POST", site.api(root, "media"), content=media.read(0, media.size), headers={
            "Content-Type": media.content_type, "Content-Disposition": f'attachment; filename="{name}"'})
        attachment = site.json_body(response) or {}
        if not attachment.get("id"):
            raise PermanentError("The WordPress site answered the upload without the media's id",
                                 code="publish_rejected")
        done = {"id": int(attachment["id"]), "url": attachment.get("source_url") or ""}
        ctx.save(wordpressMedia=(ctx.checkpoint.get("wordpressMedia") or {}) | {str(n): done})
        return done

    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        """The post an interrupted create made: by the id checkpointed when the site answered, else
        among the user's recent posts by `meta.soku_run`, or title and content (module docstring)."""
        http, root = self.http(ctx.account), self._root(ctx.account)
        saved = ctx.checkpoint.get("wordpressPost")
        if saved:
            known = PublishedPost(str(saved["id"]), saved.get("link"))
            try:
                post = site.json_body(http.request("GET", site.api(root, f"posts/{int(saved['id'])}"),
                                                   params={"context": "edit"}))
            except PermanentError:
                return known  # the site made it (it answered with its id), and it was deleted since
            return PublishedPost(str(post["id"]), post.get("link")) if isinstance(post, dict) and post.get("id") \
                else known
        prepared = ctx.checkpoint.get("wordpressPrepared")
        if not prepared:
            return None  # never prepared: no create of this run went out
        listed = site.json_body(http.request("GET", site.api(root, "posts"), params={
            "author": ctx.account.data.get("userId"), "status": "any", "context": "edit",
            "orderby": "id", "order": "desc", "per_page": LISTED}))
        key = run_key(ctx.run_path)
        for post in listed or []:
            if isinstance(post, dict) and self._ours(post, key, prepared, armed_at):
                return PublishedPost(str(post["id"]), post.get("link"))
        return None

    @staticmethod
    def _ours(post: dict, key: str, prepared: dict, armed_at: datetime) -> bool:
        meta = post.get("meta")
        if isinstance(meta, dict) and META_KEY in meta:
            return meta[META_KEY] == key  # the site keeps the run's identity: exact
        try:
            made = datetime.fromisoformat(str(post.get("date_gmt"))).replace(tzinfo=armed_at.tzinfo)
        except ValueError:
            made = None  # a draft never dated: the title and content decide
        if made is not None and made < armed_at - CLOCK_SKEW:
            return False
        return _same(_raw(post.get("title")), prepared["title"]) and \
            _same(_raw(post.get("content")), prepared["content"])

    # -- taking a post down ---------------------------------------------------------------
    def delete_post(self, account: Account, post_id: str) -> None:
        """`DELETE /wp/v2/posts/{id}` → 200, the post in the trash (restorable there for 30 days);
        `410 rest_already_trashed` or `404 rest_post_invalid_id`: down already."""
        http = for_deletion(self.http(account), "WordPress", _post_gone)
        http.request("DELETE", site.api(self._root(account), f"posts/{int(post_id)}"))


def _post_gone(response: httpx.Response) -> bool:
    return response.status_code in (404, 410)


PUBLISHER = WordPressPublisher  # what the registry (shared/platforms/loader.py) instantiates
