"""The spec's "complete workflow", run for real against a local stack.

Upload a video, transcribe it, render a thumbnail from the transcript, and
publish to TikTok, YouTube and Instagram, exactly as the reference's bash
script does with curl, then wait until every run has finished. The video is
made here (ffmpeg from the project's own dependencies) and served from a
loopback origin, since the reference's example.com URL does not exist; its
audio is written in the local transcription server's test tones, so the
transcript is real output of the transcription path.

    make workflow          # against a running `make run` (reads .local/dev.env)
"""

from __future__ import annotations

import http.server
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("welcome to my podcast . today we are discussing how to publish everywhere at once , "
         "with one api call .").split()
TARGETS = [
    {"platform": "tiktok", "accountId": "tt_main"},
    {"platform": "youtube", "accountId": "yt_channel"},
    {"platform": "instagram", "accountId": "ig_creator"},
]


def make_video(path: Path) -> None:
    """A short H.264/AAC MP4 whose audio says WORDS in the transcription sandbox's tones."""
    from devstack.sandboxes import openai_audio
    from shared.adapters import ffmpeg

    wav = path.with_suffix(".wav")
    wav.write_bytes(openai_audio.speak(WORDS))
    subprocess.run([ffmpeg.executable(), "-nostdin", "-y", "-loglevel", "error", "-i", str(wav),
                    "-f", "lavfi", "-i", "color=c=navy:s=1080x1920:r=30", "-shortest",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", str(path)],
                   check=True, timeout=120)
    wav.unlink()


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(directory), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _ok(response: httpx.Response, step: str) -> dict:
    if response.status_code >= 300:
        raise SystemExit(f"{step} failed: {response.status_code} {response.text}")
    return response.json()


def run(base_url: str, api_key: str, log=print, timeout_s: float = 180) -> dict:
    """Run the workflow; return the final post (every run finished)."""
    headers = {"soku-api-key": api_key}
    with tempfile.TemporaryDirectory() as tmp, httpx.Client(base_url=base_url, timeout=120) as api:
        video = Path(tmp) / "my-video.mp4"
        make_video(video)
        origin, origin_url = serve(Path(tmp))
        try:
            log("1. Uploading video...")
            uploaded = _ok(api.post("/v1/media", json={"url": f"{origin_url}/my-video.mp4"}, headers=headers),
                           "upload")
            log(f"   Video uploaded: {uploaded['url']}")
        finally:
            origin.shutdown()

        log("2. Transcribing video...")
        transcript = _ok(api.post("/v1/ai/transcribe", headers=headers | {
            "Idempotency-Key": f"workflow-{uuid.uuid4().hex}"},
            json={"mediaId": uploaded["id"], "language": "en", "durationSeconds": 180}), "transcribe")
        text = transcript["transcript"]
        log(f"   Transcript: {text[:100]}... ({transcript['creditsDebited']} credits)")

        log("3. Rendering custom thumbnail...")
        thumbnail = _ok(api.post("/v1/templates", headers=headers, json={
            "templateSlug": "videoThumbnail",
            "config": {"title": "New Video!", "subtitle": f"{text[:50]}..."}}), "render")
        log(f"   Thumbnail rendered: {thumbnail['url']}")

        log("4. Publishing to multiple platforms...")
        submitted = _ok(api.post("/v1/posts", headers=headers, json={"post": {"content": {
            "text": f"Check out my latest video! {text[:100]}...",
            "videoUrl": uploaded["url"], "imageUrls": [thumbnail["url"]], "platform": TARGETS}}}), "publish")
        log(f"   Post submitted: {submitted['postSubmissionId']}")

        deadline = time.monotonic() + timeout_s
        while True:
            post = _ok(api.get(f"/v1/posts/{submitted['postSubmissionId']}", headers=headers), "status")
            if post["runs"] and all(r["status"] in ("succeeded", "failed", "canceled") for r in post["runs"]):
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"runs still pending after {timeout_s:.0f} s: {post['runs']}")
            time.sleep(0.5)
    for run_view in post["runs"]:
        log(f"   {run_view['targetId']}: {run_view['status']} -> {_outcome(run_view)}")
    log("Done!" if all(r["status"] == "succeeded" for r in post["runs"]) else "Some runs failed.")
    return post


def _outcome(run_view: dict) -> object:
    """A run's URL; a published post without one (a private TikTok post has no public id)
    says so rather than print its id as if it were the URL."""
    result = run_view["result"] or {}
    if run_view["status"] != "succeeded":
        return result
    if result.get("url"):
        return result["url"]
    why = f" ({result['urlUnavailable']})" if result.get("urlUnavailable") else ""
    return f"published, no URL{why}; postId {result.get('postId')}"


def _dev_env() -> dict[str, str]:
    path = Path(os.environ.get("SOKU_LOCAL_DIR") or ROOT / ".local") / "dev.env"
    if not path.exists():
        raise SystemExit("No .local/dev.env: start the local stack with `make run` first.")
    return dict(re.findall(r"^export (\w+)=(.*)$", path.read_text(), re.M))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    env = _dev_env()
    final = run(env["SOKU_BASE_URL"], env["SOKU_API_KEY"])
    sys.exit(0 if all(r["status"] == "succeeded" for r in final["runs"]) else 1)
