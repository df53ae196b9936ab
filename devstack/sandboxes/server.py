"""All platform sandboxes behind one local HTTP server, each under its own prefix.

`Sandboxes(port).start()` serves them; `.env` is the configuration that points
the publishers at them (the same variables would point them at the real APIs).
"""

from __future__ import annotations

import logging
import threading

import flask
from werkzeug.serving import WSGIRequestHandler, make_server

from devstack.sandboxes import threads, x
from devstack.sandboxes import linkedin
from devstack.sandboxes import facebook
from devstack.sandboxes import youtube
from devstack.sandboxes import instagram
from devstack.sandboxes.instagram import instagram_login
from devstack.sandboxes import snapchat
from devstack.sandboxes import tiktok
from devstack.sandboxes import telegram
from devstack.sandboxes import discord
from devstack.sandboxes import mastodon
from devstack.sandboxes import google_business
from devstack.sandboxes import pinterest
from devstack.sandboxes import reddit
from devstack.sandboxes import openai_audio
from devstack.sandboxes import insights
from devstack.sandboxes.core import SandboxState, control_blueprint
from devstack.contracts import observer as contracts


class _KeepUnderscoreHeaders(WSGIRequestHandler):
    """werkzeug drops request headers whose names contain `_`; Meta's upload APIs
    use exactly such headers (`file_offset`, `file_size`), so keep them."""

    def make_environ(self):
        environ = super().make_environ()
        for key, value in self.headers.items():
            if "_" in key:
                environ.setdefault("HTTP_" + key.upper().replace("-", "_"), value)
        return environ


class Sandboxes:
    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.base_url = f"http://{host}:{port}"
        self.state = SandboxState()
        app = flask.Flask("soku-sandboxes")
        app.register_blueprint(control_blueprint(self.state))
        app.register_blueprint(openai_audio.blueprint(self.state))
        app.register_blueprint(x.blueprint(self.state, self.base_url))
        app.register_blueprint(linkedin.blueprint(self.state, self.base_url))
        app.register_blueprint(threads.blueprint(self.state, self.base_url))
        app.register_blueprint(facebook.blueprint(self.state, self.base_url))
        app.register_blueprint(youtube.blueprint(self.state, self.base_url))
        app.register_blueprint(instagram.blueprint(self.state, self.base_url))
        app.register_blueprint(instagram_login.blueprint(self.state, self.base_url))
        app.register_blueprint(snapchat.blueprint(self.state, self.base_url))
        app.register_blueprint(tiktok.blueprint(self.state, self.base_url))
        app.register_blueprint(telegram.blueprint(self.state, self.base_url))
        app.register_blueprint(discord.blueprint(self.state, self.base_url))
        # One Mastodon server at /mastodon: its instanceUrl is <sandboxes>/mastodon.
        app.register_blueprint(mastodon.blueprint(self.state, self.base_url))
        app.register_blueprint(google_business.blueprint(self.state, self.base_url))
        app.register_blueprint(pinterest.blueprint(self.state, self.base_url))
        app.register_blueprint(reddit.blueprint(self.state, self.base_url))
        insights.register(app, self.state)  # the platforms' metrics endpoints (docs/analytics.md)
        # Every API exchange checked against the platform's published contract (devstack/contracts).
        contracts.install(app)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self.server = make_server(host, port, app, threaded=True, request_handler=_KeepUnderscoreHeaders)
        self.thread = threading.Thread(target=self.server.serve_forever, name="sandboxes", daemon=True)

    @property
    def env(self) -> dict[str, str]:
        base = self.base_url
        return self.openai_env | {
            "SOKU_X_API_BASE": f"{base}/x",
            "SOKU_X_OAUTH_BASE": f"{base}/x",
            "SOKU_X_WEB_BASE": f"{base}/x/web",
            "SOKU_LINKEDIN_API_BASE": f"{base}/linkedin",
            "SOKU_LINKEDIN_OAUTH_BASE": f"{base}/linkedin",
            "SOKU_LINKEDIN_WEB_BASE": f"{base}/linkedin/web",
            "SOKU_THREADS_API_BASE": f"{base}/threads",
            "SOKU_FACEBOOK_GRAPH_BASE": f"{base}/facebook",
            "SOKU_FACEBOOK_VIDEO_BASE": f"{base}/facebook/video",
            "SOKU_FACEBOOK_WEB_BASE": f"{base}/facebook/web",
            "SOKU_FACEBOOK_CLIENT_ID": facebook.APP_ID,
            "SOKU_FACEBOOK_CLIENT_SECRET": facebook.APP_SECRET,
            "SOKU_YOUTUBE_UPLOAD_BASE": f"{base}/youtube",
            "SOKU_GOOGLE_OAUTH_BASE": f"{base}/youtube/oauth",
            "SOKU_YOUTUBE_WEB_BASE": f"{base}/youtube/web",
            "SOKU_YOUTUBE_CLIENT_ID": youtube.CLIENT_ID,
            "SOKU_YOUTUBE_CLIENT_SECRET": youtube.CLIENT_SECRET,
            "SOKU_INSTAGRAM_GRAPH_BASE": f"{base}/instagram",
            "SOKU_INSTAGRAM_CLIENT_ID": instagram.APP_ID,
            "SOKU_INSTAGRAM_CLIENT_SECRET": instagram.APP_SECRET,
            # Instagram Login (no Facebook Page): www.instagram.com, api.instagram.com and
            # graph.instagram.com, each under its own prefix, and its own Instagram app.
            "SOKU_INSTAGRAM_LOGIN_AUTHORIZE_BASE": f"{base}/instagram_login/www",
            "SOKU_INSTAGRAM_LOGIN_TOKEN_BASE": f"{base}/instagram_login/api",
            "SOKU_INSTAGRAM_LOGIN_GRAPH_BASE": f"{base}/instagram_login/graph",
            "SOKU_INSTAGRAM_LOGIN_CLIENT_ID": instagram_login.APP_ID,
            "SOKU_INSTAGRAM_LOGIN_CLIENT_SECRET": instagram_login.APP_SECRET,
            "SOKU_SNAPCHAT_API_BASE": f"{base}/snapchat",
            "SOKU_SNAPCHAT_OAUTH_BASE": f"{base}/snapchat",
            "SOKU_SNAPCHAT_WEB_BASE": f"{base}/snapchat/web",
            "SOKU_SNAPCHAT_CLIENT_ID": snapchat.CLIENT_ID,
            "SOKU_SNAPCHAT_CLIENT_SECRET": snapchat.CLIENT_SECRET,
            "SOKU_TIKTOK_API_BASE": f"{base}/tiktok",
            "SOKU_TIKTOK_WEB_BASE": f"{base}/tiktok/web",
            "SOKU_TIKTOK_CLIENT_ID": tiktok.CLIENT_KEY,
            "SOKU_TIKTOK_CLIENT_SECRET": tiktok.CLIENT_SECRET,
            # Manual connections: no OAuth client, only the API's host.
            "SOKU_TELEGRAM_API_BASE": f"{base}/telegram",
            "SOKU_DISCORD_API_BASE": f"{base}/discord",
            # Pinterest: the API (its /v5 paths and the token endpoint) and the web host (the
            # consent page at /oauth/, a Pin's page).
            "SOKU_PINTEREST_API_BASE": f"{base}/pinterest",
            "SOKU_PINTEREST_WEB_BASE": f"{base}/pinterest/web",
            "SOKU_PINTEREST_CLIENT_ID": pinterest.CLIENT_ID,
            "SOKU_PINTEREST_CLIENT_SECRET": pinterest.CLIENT_SECRET,
            # Reddit: oauth.reddit.com (the API) and www.reddit.com (authorize, token, revoke, a
            # post's page), each under its own prefix.
            "SOKU_REDDIT_API_BASE": f"{base}/reddit/oauth",
            "SOKU_REDDIT_WWW_BASE": f"{base}/reddit/www",
            "SOKU_REDDIT_CLIENT_ID": reddit.CLIENT_ID,
            "SOKU_REDDIT_CLIENT_SECRET": reddit.CLIENT_SECRET,
            # Connecting accounts: the consent pages and the remaining OAuth clients.
            "SOKU_X_CLIENT_ID": x.CLIENT_ID,
            "SOKU_X_CLIENT_SECRET": x.CLIENT_SECRET,
            "SOKU_THREADS_WEB_BASE": f"{base}/threads/web",
            "SOKU_THREADS_CLIENT_ID": threads.CLIENT_ID,
            "SOKU_THREADS_CLIENT_SECRET": threads.CLIENT_SECRET,
            "SOKU_LINKEDIN_CLIENT_ID": linkedin.CLIENT_ID,
            "SOKU_LINKEDIN_CLIENT_SECRET": linkedin.CLIENT_SECRET,
            "SOKU_FACEBOOK_DIALOG_BASE": f"{base}/facebook/web",
            "SOKU_INSTAGRAM_DIALOG_BASE": f"{base}/instagram/web",
            "SOKU_GOOGLE_ACCOUNTS_BASE": f"{base}/youtube/accounts",
            # Google Business Profile: its own Google (consent, token) and its four API hosts.
            "SOKU_GOOGLE_BUSINESS_CONSENT_BASE": f"{base}/google_business/accounts",
            "SOKU_GOOGLE_BUSINESS_OAUTH_BASE": f"{base}/google_business/oauth",
            "SOKU_GOOGLE_BUSINESS_API_BASE": f"{base}/google_business/mybusiness",
            "SOKU_GOOGLE_BUSINESS_ACCOUNTS_API_BASE": f"{base}/google_business/accountmanagement",
            "SOKU_GOOGLE_BUSINESS_INFO_API_BASE": f"{base}/google_business/businessinformation",
            "SOKU_GOOGLE_BUSINESS_PERFORMANCE_API_BASE": f"{base}/google_business/performance",
            "SOKU_GOOGLE_BUSINESS_CLIENT_ID": google_business.CLIENT_ID,
            "SOKU_GOOGLE_BUSINESS_CLIENT_SECRET": google_business.CLIENT_SECRET,
        }

    @property
    def openai_env(self) -> dict[str, str]:
        """The transcription client's settings, pointed at the OpenAI audio sandbox."""
        return {"SOKU_OPENAI_BASE_URL": f"{self.base_url}/openai/v1", "OPENAI_API_KEY": openai_audio.API_KEY}

    def env_for_local_run(self, environ: dict[str, str]) -> dict[str, str]:
        """`make run`: like `env`, except that a real OPENAI_API_KEY in the environment keeps
        transcription on OpenAI itself (tests always use the sandbox)."""
        if environ.get("OPENAI_API_KEY"):
            return {name: value for name, value in self.env.items() if name not in self.openai_env}
        return self.env

    def start(self) -> "Sandboxes":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
