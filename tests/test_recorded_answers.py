"""Real answers through our parsers, and the sandboxes held to the real answers' shape.

`tests/data/recorded_answers/<platform>.json` holds answers the real APIs gave, derived from the
HTTP recordings that widely used SDKs ship (tweepy's VCR cassettes, sns-sdks' python-facebook and
python-youtube test data; each record names its source file at a fixed commit). Per recorded call:

(a) the answer goes through the function our publisher, connector or metrics reader parses that
    call's answer with, and yields what the recording says (post id, user, metrics ...);
(b) the sandbox is asked the same call, and its answer has the real one's shape: every field path
    our parser reads that the real answer has is in the sandbox's answer with the same JSON type,
    and the sandbox's answer has no top-level member the real API's answer lacks (members the
    real API has in other recordings of the call are listed per call, with the recording).

docs/platforms.md, "Real answers", lists the sources and the calls without a recording.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest

from devstack.sandboxes.core import mint_tokens
from devstack.sandboxes.server import Sandboxes

DATA = Path(__file__).resolve().parent / "data" / "recorded_answers"


def _load(platform: str) -> dict[str, dict[str, Any]]:
    doc = json.loads((DATA / f"{platform}.json").read_text())
    assert doc["platform"] == platform
    records = {}
    for record in doc["records"]:
        assert record["call"] not in records, f"{platform}: {record['call']} recorded twice"
        assert record["source"].startswith("https://github.com/") and "/blob/" in record["source"]
        records[record["call"]] = record
    return records


# -- shapes ------------------------------------------------------------------------------------
def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    assert isinstance(value, dict), type(value)
    return "object"


def field_paths(value: Any, prefix: str = "") -> dict[str, set[str]]:
    """Every field path of a JSON value and the JSON types found there; array elements are `[]`
    (`data[].id`), so one path stands for that field in every element."""
    out: dict[str, set[str]] = {}
    if prefix:
        out.setdefault(prefix, set()).add(json_type(value))
    if isinstance(value, dict):
        for key, item in value.items():
            for path, types in field_paths(item, f"{prefix}.{key}" if prefix else key).items():
                out.setdefault(path, set()).update(types)
    elif isinstance(value, list):
        for item in value:
            for path, types in field_paths(item, f"{prefix}[]").items():
                out.setdefault(path, set()).update(types)
    return out


def assert_same_shape(call: str, real: Any, sandbox: Any, reads: tuple[str, ...],
                      extra_top_level: dict[str, str]) -> None:
    real_paths, sandbox_paths = field_paths(real), field_paths(sandbox)
    read_in_real = [p for p in reads if p in real_paths]
    assert read_in_real, f"{call}: none of the fields our parser reads ({reads}) is in the recording"
    problems = []
    for path in read_in_real:
        if path not in sandbox_paths:
            problems.append(f"{path}: in the real answer ({'/'.join(sorted(real_paths[path]))}), "
                            f"missing from the sandbox's")
        elif sandbox_paths[path] != real_paths[path]:
            problems.append(f"{path}: real {'/'.join(sorted(real_paths[path]))}, "
                            f"sandbox {'/'.join(sorted(sandbox_paths[path]))}")
    if isinstance(real, dict) and isinstance(sandbox, dict):
        for key in sorted(set(sandbox) - set(real) - set(extra_top_level)):
            problems.append(f"{key}: top-level member of the sandbox's answer the real answer does not have")
    assert not problems, f"{call}: the sandbox's answer differs from the real one:\n  " + "\n  ".join(problems)


# -- the sandboxes, and a media origin they can fetch from ---------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


JPEG = b"\xff\xd8\xff\xe0" + bytes(2044)


class _Origin(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(JPEG)))
        self.end_headers()
        self.wfile.write(JPEG)

    def log_message(self, *args):
        pass


@dataclass
class Sandbox:
    base_url: str
    origin: str

    def client(self, platform: str, subject: str, scheme: str = "Bearer") -> httpx.Client:
        token = mint_tokens(platform, subject)[0]
        return httpx.Client(base_url=f"{self.base_url}/{platform}", timeout=30,
                            headers={"Authorization": f"{scheme} {token}"})


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    sandboxes = Sandboxes(_free_port()).start()
    origin = ThreadingHTTPServer(("127.0.0.1", 0), _Origin)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    try:
        yield Sandbox(sandboxes.base_url, f"http://127.0.0.1:{origin.server_address[1]}")
    finally:
        origin.shutdown()
        sandboxes.stop()


def _answer(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: " \
                                           f"{response.status_code} {response.text[:300]}"
    return response.json()


def _response(record: dict[str, Any]) -> httpx.Response:
    return httpx.Response(record["status"], json=record["body"])


# -- the calls ---------------------------------------------------------------------------------
@dataclass
class Call:
    platform: str
    call: str
    # (a): the recorded answer through our parser; asserts what it yields.
    parse: Callable[[dict[str, Any]], None]
    # (b): the same call made to the sandbox; its answer's JSON body.
    ask_sandbox: Callable[[Sandbox], Any]
    # The field paths our parser reads in this answer.
    reads: tuple[str, ...]
    # Top-level members the sandbox may add: member → the real recording that has it.
    extra_top_level: dict[str, str] | None = None


CALLS: list[Call] = []


def call(platform: str, name: str, reads: tuple[str, ...], ask_sandbox: Callable[[Sandbox], Any],
         extra_top_level: dict[str, str] | None = None):
    def register(parse: Callable[[dict[str, Any]], None]):
        CALLS.append(Call(platform, name, parse, ask_sandbox, reads, extra_top_level))
        return parse
    return register


# -- X (tweepy's cassettes) ---------------------------------------------------------------------
def _x_create(sandbox: Sandbox, text: str, subject: str = "rec-x") -> dict[str, Any]:
    with sandbox.client("x", subject) as x:
        return _answer(x.post("/2/tweets", json={"text": text}), 201)


def _x_delete(sandbox: Sandbox) -> Any:
    tweet = _x_create(sandbox, "recorded answers: delete me")
    with sandbox.client("x", "rec-x") as x:
        return _answer(x.delete(f"/2/tweets/{tweet['data']['id']}"), 200)


def _x_me(sandbox: Sandbox) -> Any:
    with sandbox.client("x", "rec-x-me") as x:
        return _answer(x.get("/2/users/me"), 200)


def _x_timeline(sandbox: Sandbox) -> Any:
    # Enough tweets for a second page, asked for as XPublisher._timeline_since asks (its field list).
    for n in range(6):
        _x_create(sandbox, f"recorded answers: timeline {n}", subject="rec-x-tl")
    with sandbox.client("x", "rec-x-tl") as x:
        return _answer(x.get("/2/users/rec-x-tl/tweets", params={
            "max_results": 5, "start_time": "2020-01-01T00:00:00Z", "post.fields": "created_at"}), 200)


def _x_tweet(sandbox: Sandbox) -> Any:
    tweet = _x_create(sandbox, "recorded answers: metrics")
    with sandbox.client("x", "rec-x") as x:
        return _answer(x.get(f"/2/tweets/{tweet['data']['id']}", params={"post.fields": "public_metrics"}), 200)


@call("x", "POST /2/tweets", ("data.id",), lambda s: _x_create(s, "recorded answers: create"))
def _(record):
    from shared.platforms.x.publisher import created_post_id

    assert created_post_id(record["body"]) == "1456012973835788293"


@call("x", "DELETE /2/tweets/{id}", ("data.deleted",), _x_delete)
def _(record):
    from shared.platforms.x.publisher import was_deleted

    assert was_deleted(record["body"]) is True
    assert was_deleted({"data": {"deleted": False}}) is False  # the parser looks at the value


@call("x", "GET /2/users/me", ("data.id", "data.username", "data.name"), _x_me)
def _(record):
    from shared.platforms.x.connector import identity_of

    assert identity_of(record["body"]) == ("1072250532645998596", "TweepyDev", "Tweepy Testing")


@call("x", "GET /2/users/{id}/tweets",
      ("data", "data[].id", "data[].text", "data[].created_at", "data[].author_id", "meta.next_token"), _x_timeline)
def _(record):
    from shared.platforms.x.publisher import timeline_page

    tweets, token = timeline_page(record["body"])
    assert [t["id"] for t in tweets] == ["1577730467436138524", "1565318587736285184"]
    assert all(isinstance(t["text"], str) for t in tweets)
    assert token == "7140dibdnow9c7btw4232poeq0wapgnwgwqwvuwn3peex"


@call("x", "GET /2/tweets/{id}", ("data", "data.public_metrics"), _x_tweet)
def _(record):
    from shared.platforms.x.insights import tweet_metrics

    # Recorded without public_metrics asked for: the frame parses, and no figure is made up.
    metrics = tweet_metrics(_response(record))
    assert (metrics.views, metrics.likes, metrics.comments, metrics.shares) == (None, None, None, None)
    assert metrics.platform == {}


# -- YouTube (python-youtube's testdata) -------------------------------------------------------
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(4084)


def _yt_insert(sandbox: Sandbox, title: str = "Recorded answers", subject: str = "rec-yt") -> Any:
    """videos.insert as YoutubePublisher._initiate and _send make it: a resumable session, one chunk."""
    with sandbox.client("youtube", subject) as yt:
        opened = yt.post("/upload/youtube/v3/videos", params={"uploadType": "resumable", "part": "snippet,status"},
                         headers={"X-Upload-Content-Length": str(len(VIDEO)), "X-Upload-Content-Type": "video/mp4"},
                         json={"snippet": {"title": title, "description": "recorded answers", "categoryId": "22"},
                               "status": {"privacyStatus": "private", "selfDeclaredMadeForKids": False}})
        assert opened.status_code == 200, opened.text
        return _answer(yt.put(opened.headers["Location"], content=VIDEO,
                              headers={"Content-Range": f"bytes 0-{len(VIDEO) - 1}/{len(VIDEO)}"}), 200)


def _yt_channels(part: str, subject: str = "rec-yt") -> Callable[[Sandbox], Any]:
    def ask(sandbox: Sandbox) -> Any:
        with sandbox.client("youtube", subject) as yt:
            return _answer(yt.get("/youtube/v3/channels", params={"part": part, "mine": "true"}), 200)
    return ask


def _yt_playlist_items(sandbox: Sandbox) -> Any:
    for n in range(2):  # two uploads, one a page: a nextPageToken
        _yt_insert(sandbox, f"Recorded answers {n}", subject="rec-yt-pl")
    playlist = _yt_channels("contentDetails", "rec-yt-pl")(sandbox)["items"][0]["contentDetails"][
        "relatedPlaylists"]["uploads"]
    with sandbox.client("youtube", "rec-yt-pl") as yt:
        return _answer(yt.get("/youtube/v3/playlistItems", params={
            "part": "snippet", "playlistId": playlist, "maxResults": 1}), 200)


YT_MODELDATA = ("https://github.com/sns-sdks/python-youtube/blob/1694c2c91820dde127a1876ee2f16db31c565d7c/"
                "testdata/modeldata/videos/video_api_response.json")


# We ask for part=snippet,status; the recording asked for snippet (and player): a video resource with
# the status part is real too.
@call("youtube", "POST /upload/youtube/v3/videos (videos.insert)", ("id",), _yt_insert,
      extra_top_level={"status": YT_MODELDATA})
def _(record):
    from shared.platforms.youtube.publisher import inserted_video_id

    assert inserted_video_id(record["body"]) == "D-lhorsDlUQ"


@call("youtube", "GET /youtube/v3/channels?part=contentDetails&mine=true",
      ("items", "items[].contentDetails.relatedPlaylists.uploads"), _yt_channels("contentDetails"))
def _(record):
    from shared.platforms.youtube.publisher import uploads_playlist_of

    assert uploads_playlist_of(record["body"]) == "UUK8sQmJBp8GCxrOtXWBpyEA"


@call("youtube", "GET /youtube/v3/channels?part=snippet&mine=true",
      ("items", "items[].id", "items[].snippet.title", "items[].snippet.customUrl"), _yt_channels("snippet"))
def _(record):
    from shared.platforms.youtube.connector import channel_of

    assert channel_of(record["body"]) == ("UC_x5XG1OV2P6uZZ5FSM9Ttw", "Google Developers", "@googledevelopers")
    assert channel_of({"kind": "youtube#channelListResponse", "items": []}) is None


@call("youtube", "GET /youtube/v3/channels?part=statistics&mine=true",
      ("items", "items[].statistics.subscriberCount", "items[].statistics.hiddenSubscriberCount",
       "items[].statistics.videoCount", "items[].statistics.viewCount"), _yt_channels("statistics"))
def _(record):
    from shared.platforms.youtube.insights import channel_metrics

    metrics = channel_metrics(record["body"])
    assert (metrics.followers, metrics.posts) == (1927873, 5026)
    assert metrics.platform == {"subscriberCount": 1927873, "hiddenSubscriberCount": False, "videoCount": 5026,
                                "viewCount": 160361638}


@call("youtube", "GET /youtube/v3/playlistItems?part=snippet",
      ("items", "items[].snippet.publishedAt", "items[].snippet.title", "items[].snippet.description",
       "items[].snippet.resourceId.videoId", "nextPageToken"), _yt_playlist_items)
def _(record):
    from datetime import datetime, timezone

    from shared.platforms.youtube.publisher import playlist_page, upload_of

    entries, token = playlist_page(record["body"])
    assert token == "CAoQAA"
    published, title, description, video_id = upload_of(entries[0])
    assert published == datetime(2019, 11, 21, 22, 17, 43, tzinfo=timezone.utc)
    assert title == "Welcome from Google Developers - Pittsburgh ML Summit ‘19"
    assert description.startswith("Kyle Paul, Regional Lead")
    assert video_id == "CvTApw9X8aA"


# -- Facebook (python-facebook's testdata) -----------------------------------------------------
FB_VERSION = "v23.0"
FB_READS = ("data", "data[].id", "data[].message", "data[].created_time", "data[].permalink_url", "data[].from.id",
            "paging.next", "paging.cursors.after")


def _fb_feed(sandbox: Sandbox) -> Any:
    """The Page's feed as FacebookPublisher.find_existing reads it, after two text posts."""
    page = "rec-fb-page"
    with sandbox.client("facebook", page, scheme="OAuth") as fb:
        fb.base_url = f"{sandbox.base_url}/facebook/{FB_VERSION}"
        for n in range(2):
            _answer(fb.post(f"/{page}/feed", data={"message": f"recorded answers {n}"}), 200)
        return _answer(fb.get(f"/{page}/feed", params={
            "fields": "id,message,created_time,permalink_url,from", "since": 0, "limit": 1}), 200)


@call("facebook", "GET /{page}/feed", FB_READS, _fb_feed)
def _(record):
    from shared.platforms.meta_graph.publishing import edge_page, parse_timestamp

    entries, after = edge_page(record["body"])
    assert after == {"after": "after"}
    assert [(e["id"], e["permalink_url"]) for e in entries] == [
        ("19292868552_10158349356748553", "https://www.facebook.com/19292868552/posts/10158349356748553/"),
        ("19292868552_10158347294088553", "https://www.facebook.com/19292868552/posts/10158347294088553/")]
    assert parse_timestamp(entries[0]["created_time"]).isoformat() == "2021-07-09T19:09:52+00:00"


@call("facebook", "GET /{page}/feed (time-based paging)", FB_READS, _fb_feed)
def _(record):
    from shared.platforms.meta_graph.publishing import edge_page

    entries, after = edge_page(record["body"])
    assert [e["id"] for e in entries] == ["4_10113477241177441", "4_10113449068715281"]
    # No cursors, yet a next page: its `until` and paging token (a lookup that stopped here
    # would miss the window's older posts).
    assert after == {"until": "1624385168", "__paging_token": "__paging_token"}


# -- Instagram (python-facebook's testdata) ----------------------------------------------------
IG_VERSION = "v23.0"


def _ig(sandbox: Sandbox, subject: str) -> httpx.Client:
    client = sandbox.client("instagram", subject, scheme="OAuth")
    client.base_url = f"{sandbox.base_url}/instagram/{IG_VERSION}"
    return client


def _ig_container(sandbox: Sandbox, subject: str = "rec-ig", caption: str = "recorded answers") -> Any:
    with _ig(sandbox, subject) as ig:
        return _answer(ig.post(f"/{subject}/media", data={"image_url": f"{sandbox.origin}/photo.jpg",
                                                           "caption": caption}), 200)


def _ig_status(sandbox: Sandbox, container_id: str, subject: str = "rec-ig") -> Any:
    with _ig(sandbox, subject) as ig:
        return _answer(ig.get(f"/{container_id}", params={"fields": "status_code,status"}), 200)


def _ig_publish(sandbox: Sandbox, subject: str = "rec-ig", caption: str = "recorded answers") -> Any:
    container = _ig_container(sandbox, subject, caption)["id"]
    for _ in range(20):  # as the publisher polls, until FINISHED
        if _ig_status(sandbox, container, subject)["status_code"] == "FINISHED":
            break
    with _ig(sandbox, subject) as ig:
        return _answer(ig.post(f"/{subject}/media_publish", params={"creation_id": container}), 200)


def _ig_ask(path: str, params: dict[str, Any], subject: str = "rec-ig", published: bool = False):
    def ask(sandbox: Sandbox) -> Any:
        media = _ig_publish(sandbox, subject)["id"] if published else None
        with _ig(sandbox, subject) as ig:
            return _answer(ig.get(path.format(user=subject, media=media), params=params), 200)
    return ask


def _ig_listing(sandbox: Sandbox) -> Any:
    for n in range(2):  # two media, one a page: a next page
        _ig_publish(sandbox, "rec-ig-list", caption=f"recorded answers {n}")
    with _ig(sandbox, "rec-ig-list") as ig:
        return _answer(ig.get("/rec-ig-list/media", params={"fields": "id,caption,timestamp,permalink", "limit": 1}),
                       200)


@call("instagram", "POST /{ig-user}/media", ("id",), _ig_container)
def _(record):
    from shared.platforms.instagram.publisher import created_id

    assert created_id(record["body"]) == "17889455560051444"


@call("instagram", "GET /{ig-container}?fields=status_code,status", ("status_code", "status"),
      lambda s: _ig_status(s, _ig_container(s)["id"]))
def _(record):
    from shared.platforms.instagram.publisher import container_status

    assert container_status(record["body"]) == (
        "FINISHED", "Finished: Media has been uploaded and it is ready to be published.")


@call("instagram", "GET /{ig-user}/content_publishing_limit",
      ("data", "data[].quota_usage", "data[].config.quota_total", "data[].config.quota_duration"),
      _ig_ask("/{user}/content_publishing_limit", {"fields": "quota_usage,config"}))
def _(record):
    from shared.platforms.instagram.publisher import publishing_quota

    assert publishing_quota(record["body"]) == (0, 25, 24)


@call("instagram", "POST /{ig-user}/media_publish", ("id",), _ig_publish)
def _(record):
    from shared.platforms.instagram.publisher import created_id

    assert created_id(record["body"]) == "17920238422030506"


@call("instagram", "GET /{ig-media}?fields=permalink", ("permalink",),
      _ig_ask("/{media}", {"fields": "permalink"}, published=True))
def _(record):
    from shared.platforms.instagram.publisher import permalink_of

    assert permalink_of(record["body"]) == "https://www.instagram.com/p/CRyZpmrjYC4/"


@call("instagram", "GET /{ig-user}/media",
      ("data", "data[].id", "data[].timestamp", "data[].caption", "data[].permalink", "paging.next",
       "paging.cursors.after"), _ig_listing)
def _(record):
    from shared.platforms.meta_graph.publishing import edge_page, parse_timestamp

    entries, after = edge_page(record["body"])
    assert after == {"after": "after"}
    assert [(e["id"], e["permalink"]) for e in entries] == [
        ("17895731045244887", "https://www.instagram.com/p/CSgf9BChwVq/"),
        ("17896622936197745", "https://www.instagram.com/p/CSgdWACBeKr/")]
    # Instagram's `+0000` offsets, as the lookup's window reads them.
    assert parse_timestamp(entries[0]["timestamp"]).isoformat() == "2021-08-13T08:25:28+00:00"


@call("instagram", "GET /{ig-media}/insights",
      ("data", "data[].name", "data[].values[].value", "data[].total_value.value"),
      _ig_ask("/{media}/insights", {"metric": "views,reach,likes,comments,shares,saved,total_interactions"},
              published=True))
def _(record):
    from shared.platforms.meta_graph.insights import insight_values

    assert insight_values(record["body"]) == {"impressions": 8, "reach": 5, "saved": 0}


@call("instagram", "GET /{ig-user}?fields=followers_count,follows_count,media_count",
      ("followers_count", "follows_count", "media_count"),
      _ig_ask("/{user}", {"fields": "followers_count,follows_count,media_count"}))
def _(record):
    from shared.platforms.instagram.insights import account_metrics_of

    metrics = account_metrics_of(record["body"])
    assert (metrics.followers, metrics.following, metrics.posts) == (64361, 16, 427)
    assert metrics.platform == {"followers_count": 64361, "follows_count": 16, "media_count": 427}


# -- the tests ---------------------------------------------------------------------------------
RECORDS = {platform: _load(platform) for platform in sorted({c.platform for c in CALLS})}
IDS = [f"{c.platform}: {c.call}" for c in CALLS]


def test_every_record_has_a_call():
    """A record nobody parses would be dead weight, a call without its record an untested claim."""
    declared = {(c.platform, c.call) for c in CALLS}
    recorded = {(platform, name) for platform, records in RECORDS.items() for name in records}
    assert recorded == declared


@pytest.mark.parametrize("spec", CALLS, ids=IDS)
def test_real_answer_through_our_parser(spec: Call):
    spec.parse(RECORDS[spec.platform][spec.call])


@pytest.mark.parametrize("spec", CALLS, ids=IDS)
def test_sandbox_answers_like_the_real_api(spec: Call, sandbox: Sandbox):
    record = RECORDS[spec.platform][spec.call]
    assert_same_shape(f"{spec.platform}: {spec.call}", record["body"], spec.ask_sandbox(sandbox), spec.reads,
                      spec.extra_top_level or {})
