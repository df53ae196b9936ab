"""WordPress publisher against a real WordPress (devstack/wordpress, conftest's `wordpress`
fixture), through the real API and the Cloud Tasks emulator: what is asserted is what WordPress
stored, read back over its REST API, not what a sandbox recorded.

Needs Debian's wordpress and mariadb-server packages: the fixture installs them as root; where
it cannot, these tests skip and say why."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid

import httpx
import pytest

from tests.conftest import wait_for
from tests.posting import Target, body, call_task, stored_run, submit
from tests.test_connect_wordpress import connect
from tests.test_publish_bluesky import _png, _store_image


class Site:
    """The tests' own REST calls to the site, as the admin (what WordPress holds)."""

    def __init__(self, local) -> None:
        self.local = local
        self.auth = ("admin", local.users["admin"].password)

    def get(self, route: str, **params) -> httpx.Response:
        return httpx.get(f"{self.local.url}/wp-json/wp/v2/{route}", params=params, auth=self.auth, timeout=30)

    def post(self, route: str, **json) -> httpx.Response:
        return httpx.post(f"{self.local.url}/wp-json/wp/v2/{route}", json=json, auth=self.auth, timeout=30)

    def posts_with(self, marker: str) -> list[dict]:
        """Every post (any status but trash) whose content holds `marker`."""
        r = self.get("posts", search=marker, status="any", context="edit", per_page=100)
        assert r.status_code == 200, r.text
        return r.json()

    def stored(self, post_id: str | int) -> dict:
        r = self.get(f"posts/{post_id}", context="edit")
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture
def site(wordpress) -> Site:
    return Site(wordpress)


@pytest.fixture
def admin(client, user, wordpress) -> Target:
    """The user's WordPress account, connected through POST /v1/connections/wordpress."""
    r = connect(client, user, wordpress)
    assert r.status_code in (200, 201), r.text
    [account] = r.json()["accounts"]
    return Target("wordpress", account["accountId"])


def _wordpress(text: str, target: Target, **content) -> dict:
    return body([{"platform": "wordpress", "accountId": target.account_id}], text, **content)


def _options(**options) -> dict:
    return {"options": {"wordpress": options}}


def test_a_text_post_is_published_with_its_title_and_escaped_paragraphs(client, user, site, admin):
    marker = uuid.uuid4().hex[:10]
    text = f"Launch day {marker} <b>not bold</b> & more\nsecond line\n\nA new paragraph."
    sid = submit(client, user, _wordpress(text, admin))
    run = admin.final(client, user, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1, repr(run)

    [post] = site.posts_with(marker)
    assert run["result"]["postId"] == str(post["id"]) and run["result"]["url"] == post["link"]
    assert post["status"] == "publish" and post["author"] == site.local.users["admin"].id
    # The title is the first line; the text is escaped and laid out in paragraphs.
    assert post["title"]["raw"] == f"Launch day {marker} <b>not bold</b> & more"
    assert post["content"]["raw"] == (f"<p>Launch day {marker} &lt;b&gt;not bold&lt;/b&gt; &amp; more<br />\n"
                                      "second line</p>\n\n<p>A new paragraph.</p>")
    # The run's identity, kept because the local site registers the meta key (soku-meta.php).
    from shared.platforms.wordpress.publisher import run_key

    assert post["meta"]["soku_run"] == run_key(f"postSubmissions/{sid}/runs/{admin.target}")
    assert httpx.get(post["link"], timeout=30).status_code == 200


def test_a_post_with_images_has_the_first_as_featured_media_and_the_others_in_its_content(
        client, stack, user, db, site, admin):
    first, second = _png(8, 6, seed=3), _png(4, 4, seed=4)
    media = [_store_image(stack, db, user, first), _store_image(stack, db, user, second)]
    marker = uuid.uuid4().hex[:10]
    sid = submit(client, user, _wordpress(f"With pictures {marker}", admin, mediaIds=media,
                                          **_options(title=f"Pictures {marker}")))
    run = admin.final(client, user, sid)
    assert run["status"] == "succeeded", repr(run)
    post = site.stored(run["result"]["postId"])
    assert post["title"]["raw"] == f"Pictures {marker}"

    featured = site.get(f"media/{post['featured_media']}", context="edit")
    assert featured.status_code == 200, featured.text
    assert featured.json()["mime_type"] == "image/png"
    assert httpx.get(featured.json()["source_url"], timeout=30).content == first
    checkpoint = stored_run(db, sid, admin.target)["checkpoint"]["wordpressMedia"]
    assert checkpoint["0"]["id"] == post["featured_media"]
    other = site.get(f"media/{checkpoint['1']['id']}").json()
    assert httpx.get(other["source_url"], timeout=30).content == second
    assert f'<img src="{other["source_url"]}"' in post["content"]["raw"]


def test_categories_and_tags_by_name_existing_or_created_when_asked(client, user, site, admin):
    marker = uuid.uuid4().hex[:8]
    made = site.post("categories", name=f"News {marker}")
    assert made.status_code == 201, made.text
    # Missing terms without createTerms: the run fails naming the term; nothing is posted.
    sid = submit(client, user, _wordpress(f"terms {marker} one", admin,
                                          **_options(categories=[f"news {marker}"], tags=[f"Missing {marker}"])))
    run = admin.final(client, user, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "term_missing", repr(run)
    assert f"Missing {marker}" in run["result"]["message"] and "createTerms" in run["result"]["message"]
    assert site.posts_with(f"terms {marker} one") == []

    sid = submit(client, user, _wordpress(f"terms {marker} two", admin, **_options(
        categories=[f"news {marker}"], tags=[f"Missing {marker}", "soku"], createTerms=True)))
    run = admin.final(client, user, sid)
    assert run["status"] == "succeeded", repr(run)
    post = site.stored(run["result"]["postId"])
    assert post["categories"] == [made.json()["id"]]  # found by name, whatever its case
    names = sorted(site.get(f"tags/{tag}").json()["name"] for tag in post["tags"])
    assert names == sorted([f"Missing {marker}", "soku"])


def test_a_draft_with_slug_and_excerpt(client, user, site, admin):
    marker = uuid.uuid4().hex[:8]
    sid = submit(client, user, _wordpress(f"draft {marker}", admin, **_options(
        status="draft", slug=f"soku-draft-{marker}", excerpt="In short.")))
    run = admin.final(client, user, sid)
    assert run["status"] == "succeeded", repr(run)
    post = site.stored(run["result"]["postId"])
    assert post["status"] == "draft" and post["slug"] == f"soku-draft-{marker}"
    assert post["excerpt"]["raw"] == "In short."


@pytest.mark.parametrize("options, field", [
    ({"status": "future"}, "status"),
    ({"slug": "Not A Slug"}, "slug"),
    ({"categories": [""]}, "categories"),
    ({"featured": True}, "featured"),
])
def test_options_wordpress_refuses_are_refused_at_submission_naming_the_field(client, user, admin, options, field):
    r = client.post("/v1/posts", headers=user.key_headers, json=_wordpress("options", admin, **_options(**options)))
    assert r.status_code == 400, r.text
    fields = [d.get("field", "") for d in r.json()["error"]["details"]]
    assert any(f"options.wordpress.{field}" in f for f in fields), fields


def test_video_is_refused_at_submission(client, user, admin, stored_media):
    r = client.post("/v1/posts", headers=user.key_headers,
                    json=_wordpress("a video", admin, mediaIds=[stored_media(user, "video", 100_000)]))
    assert r.status_code == 400, r.text
    assert any(d.get("platform") == "wordpress" for d in r.json()["error"]["details"]), r.text


@pytest.fixture(scope="module")
def plain_wordpress(wordpress):
    """A second real site without soku-meta.php, as most users' sites are: WordPress drops
    `meta.soku_run` there (201, `"meta": []`)."""
    from devstack.wordpress import start

    local = start(meta_plugin=False)
    yield local
    local.stop()


def _crash_then_retry(client, user, db, site: Site, target: Target, marker: str) -> tuple[dict, dict]:
    """The publisher dies right after WordPress answered the create (crash point `create_sent`:
    os._exit, the answer never read, nothing recorded); then Cloud Tasks' retry. (the post
    WordPress made, the final run)"""
    from devstack.emulators import free_port, port_open
    from shared.crashpoints import EXIT_CODE

    sid = submit(client, user, {**_wordpress(f"exactly once {marker}", target),
                                "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": target.target}
    port = free_port()
    crashing = subprocess.Popen([sys.executable, "-m", "devstack.serve_gateway", str(port)],
                                env=os.environ | {"SOKU_CRASHPOINTS": "create_sent=1"},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: port_open(port), timeout=20)
        with httpx.Client(timeout=30) as other, pytest.raises(httpx.TransportError):
            call_task(other, "publishWordpress", task, base_url=f"http://127.0.0.1:{port}")
        assert crashing.wait(timeout=10) == EXIT_CODE
    finally:
        if crashing.poll() is None:
            crashing.send_signal(signal.SIGKILL)
            crashing.wait()
    run = stored_run(db, sid, target.target)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"] and not run.get("result")
    assert "wordpressPost" not in run["checkpoint"]  # Soku never heard the answer
    [made] = site.posts_with(f"exactly once {marker}")  # WordPress made the post

    retry = call_task(client, "publishWordpress", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    final = target.run(client, user, sid)
    assert final["status"] == "succeeded" and final["attemptCount"] == 2
    assert final["result"]["postId"] == str(made["id"])
    assert [p["id"] for p in site.posts_with(f"exactly once {marker}")] == [made["id"]]
    return made, final


def test_a_crash_after_the_create_leaves_exactly_one_post(client, user, db, site, admin):
    """The retry finds the post by the run's identity, `meta.soku_run`, which this site keeps."""
    made, _ = _crash_then_retry(client, user, db, site, admin, uuid.uuid4().hex[:10])
    assert made["meta"]["soku_run"]


def test_on_a_site_without_the_meta_key_a_crash_still_leaves_one_post(client, user, db, plain_wordpress):
    """The same crash on a site that drops `meta.soku_run`: the retry finds the post by its title
    and content among the user's recent posts."""
    r = connect(client, user, plain_wordpress)
    assert r.status_code in (200, 201), r.text
    target = Target("wordpress", r.json()["accounts"][0]["accountId"])
    made, _ = _crash_then_retry(client, user, db, Site(plain_wordpress), target, uuid.uuid4().hex[:10])
    assert made["meta"] == []  # WordPress dropped it: nothing registers the key here


def test_without_the_meta_key_the_lost_post_is_found_by_title_and_content(client, user, site, admin):
    """A site that drops `meta.soku_run` (no plugin registers it: most real sites): the lookup
    matches the run's title and content among the user's recent posts."""
    from datetime import timedelta

    from shared import clock
    from shared.platforms import Platform
    from shared.platforms.wordpress.publisher import PUBLISHER
    from shared.services.publishing.accounts import load_account
    from shared.services.publishing.base import PostContent, PublishContext

    publisher = PUBLISHER()
    _, account = load_account(user.uid, Platform.WORDPRESS, admin.account_id)
    marker = uuid.uuid4().hex[:10]
    prepared = {"title": f"Lost answer {marker}", "content": f"<p>Lost answer {marker}</p>"}
    # The post as the lost create made it, on a site that kept no meta: made by the admin directly.
    made = site.post("posts", title=prepared["title"], content=prepared["content"], status="publish").json()
    ctx = PublishContext(account, PostContent(f"Lost answer {marker}", "text", []), {"wordpressPrepared": prepared},
                         lambda c: None, publisher, run_path=f"postSubmissions/x-{marker}/runs/{admin.target}")
    armed = clock.now() - timedelta(seconds=5)
    # The site keeps soku_run (the local plugin), so the post made without it has "" there and is
    # not this run's: the exact identity decides when the site has it.
    assert publisher.find_existing(ctx, armed) is None
    # Where the site exposes no meta at all, title and content within the window decide.
    assert publisher._ours({**made, "meta": []}, "k", prepared, armed)
    assert not publisher._ours({**made, "meta": []}, "k", prepared, armed + timedelta(hours=1))
    assert not publisher._ours({**made, "meta": [], "title": {"raw": "other"}}, "k", prepared, armed)


def test_deleting_the_post_moves_it_to_the_trash(client, user, site, admin):
    marker = uuid.uuid4().hex[:10]
    sid = submit(client, user, _wordpress(f"to be taken down {marker}", admin))
    run = admin.final(client, user, sid)
    assert run["status"] == "succeeded", run
    post_id = run["result"]["postId"]

    r = client.delete(f"/v1/posts/{sid}/runs/{admin.target}/published", headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["deletion"]["status"] == "deleted" and "alreadyGone" not in r.json()["deletion"]
    assert site.stored(post_id)["status"] == "trash"  # in the trash, restorable there
    assert site.posts_with(f"to be taken down {marker}") == []
    # Deleting again: already down (WordPress answers 410 rest_already_trashed), not an error.
    from shared.platforms import Platform
    from shared.platforms.wordpress.publisher import PUBLISHER
    from shared.services.publishing.accounts import load_account
    from shared.services.publishing.deletion import PostGone

    _, account = load_account(user.uid, Platform.WORDPRESS, admin.account_id)
    with pytest.raises(PostGone):
        PUBLISHER().delete_post(account, post_id)


def test_metrics_are_not_supported_and_say_why(client, user, admin):
    sid = submit(client, user, _wordpress(f"How many read it? {uuid.uuid4().hex[:8]}", admin))
    assert admin.final(client, user, sid)["status"] == "succeeded"
    r = client.get(f"/v1/posts/{sid}/metrics", headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert "no views, likes or shares" in r.text and "not_supported" in r.text


def test_a_revoked_application_password_fails_the_run_and_flags_the_account(client, user, db, site, wordpress):
    """The user revokes Soku's application password in their profile: WordPress answers 401, the
    run fails asking for a reconnect, the account is flagged, and nothing is posted."""
    made = site.post("users/me/application-passwords", name=f"soku-{uuid.uuid4().hex[:8]}")
    assert made.status_code == 201, made.text
    r = connect(client, user, wordpress, password=made.json()["password"])
    assert r.status_code == 201, r.text
    target = Target("wordpress", r.json()["accounts"][0]["accountId"])
    gone = httpx.delete(f"{wordpress.url}/wp-json/wp/v2/users/me/application-passwords/{made.json()['uuid']}",
                        auth=site.auth, timeout=30)
    assert gone.status_code == 200 and gone.json()["deleted"] is True, gone.text

    marker = uuid.uuid4().hex[:10]
    run = target.final(client, user, submit(client, user, _wordpress(f"nobody home {marker}", target)))
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired", run
    assert "application password" in run["result"]["message"], run
    assert target.account(db, user).get().get("status") == "needs_reconnect"
    assert site.posts_with(f"nobody home {marker}") == []
