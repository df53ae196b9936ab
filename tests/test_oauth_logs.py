"""The connect flow's secrets never reach a log (issue 36, item 8).

The platform sends the browser back to `/oauth/{platform}/callback?code=…&state=…`, and
`POST /v1/connections/{platform}/start` hands out `/oauth/{platform}/begin?flow=<id>.<secret>`.
None of the three values may be recorded by Soku: not in a log line on stdout (what Cloud
Logging keeps, JSON as in production, read back here), not in `users/{uid}/apiRequests`, not
in `errorLogs`. What Cloud Run's own request log records is in docs/connecting-accounts.md.
"""

from __future__ import annotations

import json

from google.cloud import firestore

from shared.platforms.x.connector import XProvider
from tests.connecting import Flow, begin, connect, consent, query_of, start
from tests.test_structured_logs import json_logs  # noqa: F401 - the fixture


def _secrets_of(flow) -> list[str]:
    begin_token = query_of(flow.start.json()["authorizeUrl"])["flow"]
    callback = query_of(flow.callback_url)
    return [callback["code"], callback["state"], begin_token, begin_token.split(".", 1)[1]]


def _recorded(db, uid: str) -> str:
    """Everything Soku stored about requests of this user, and every error log, as text."""
    mine = [s.to_dict() for s in db.collection("users").document(uid).collection("apiRequests").stream()]
    errors = [s.to_dict() for s in db.collection("errorLogs").where(
        filter=firestore.FieldFilter("userId", "==", uid)).stream()]
    return json.dumps(mine + errors, default=str)


def test_a_connect_flow_leaves_no_code_state_or_begin_token_in_any_log(client, user, db, json_logs):  # noqa: F811
    flow = connect(client, user, "x", "logged-nowhere")
    assert flow.callback.status_code == 200, flow.callback.text
    secrets = _secrets_of(flow)
    # The same callback again (a reload): refused, and logged as refused, still without them.
    again = client.get(flow.callback_url, follow_redirects=False)
    assert again.status_code >= 400
    lines = json.dumps(json_logs())
    assert "oauth callback for x refused" in lines  # the refusal is logged...
    for secret in secrets:
        assert secret not in lines  # ...without what the URL carried
        assert secret not in _recorded(db, user.uid)


def test_an_error_quoting_the_callback_url_is_logged_without_its_code_or_state(client, user, db, json_logs,  # noqa: F811
                                                                               monkeypatch):
    seen: dict[str, str] = {}

    def exchange(self, code, state):
        # What a library's exception can look like: the whole URL of the request it failed on.
        raise RuntimeError(f"unexpected answer while handling {seen['url']}")

    monkeypatch.setattr(XProvider, "exchange", exchange)
    flow = Flow(start(client, "x", user.key_headers))
    flow.begin, flow.confirm = begin(client, flow.start.json()["authorizeUrl"])
    flow.consent = consent(flow.authorize_url, user="error-path")
    seen["url"] = flow.callback_url
    flow.callback = client.get(flow.callback_url, follow_redirects=False)
    assert flow.callback.status_code == 500 and "internal_error" in flow.callback.text

    entries = json_logs()
    (failed,) = [e for e in entries if e["message"].startswith("oauth callback for x failed")]
    assert failed["severity"] == "ERROR"
    assert "code=[redacted]&state=[redacted]" in failed["stack_trace"]
    text = json.dumps(entries)
    for secret in _secrets_of(flow):
        assert secret not in text
        assert secret not in _recorded(db, user.uid)


def test_tokens_that_platforms_put_in_the_path_never_reach_a_log(json_logs):  # noqa: F811
    """Telegram's bot token and a Discord webhook's token travel in the URL's path, where no
    query-parameter rule finds them; a request line or an error quoting such a URL is logged
    without them."""
    import logging

    bot_token = "7000000001:AAsbxSokuDemoBotTokenNotForTelegram00"
    webhook_token = "sbx-discord-demo-webhook-token"
    urls = [f"https://api.telegram.org/bot{bot_token}/sendMessage",
            f"https://discord.com/api/v10/webhooks/1300000000000000001/{webhook_token}?wait=true"]
    for url in urls:
        logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', url)
        try:
            raise RuntimeError(f"could not reach {url}")
        except RuntimeError:
            logging.getLogger("httpx").exception("request failed")
    lines = json.dumps(json_logs())
    assert "bot[redacted]/sendMessage" in lines and "webhooks/1300000000000000001/[redacted]" in lines
    assert bot_token not in lines and bot_token.split(":")[1] not in lines and webhook_token not in lines
