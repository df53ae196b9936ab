"""The remote MCP server at /mcp (functions/mcp.py), driven by the official MCP client SDK
(`mcp.client.streamable_http` and `ClientSession`) over real HTTP against the local stack."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from typing import Any, Awaitable, Callable

from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from tests.conftest import PROJECT_ID, REGION
from tests.posting import body

READ_TOOLS = {"get_post", "list_posts", "list_platforms"}
# shared/ is imported inside the tests, not at collection: importing the models in another order
# than main.py does changes the order of equal Literals' enums in the generated OpenAPI document
# (tests/test_openapi.py compares it with openapi.json).
_ADDRESSES = itertools.count()


def _headers(key: str | None, bearer: bool = False) -> dict[str, str]:
    n = next(_ADDRESSES)
    headers = {"X-Forwarded-For": f"198.19.{n // 254 % 256}.{n % 254 + 1}"}
    if key is not None:
        headers.update({"Authorization": f"Bearer {key}"} if bearer else {"soku-api-key": key})
    return headers


def session(url: str, headers: dict[str, str], work: Callable[[ClientSession], Awaitable[Any]]) -> Any:
    """Run `work` in an initialized MCP client session against `url`."""

    async def run() -> Any:
        async with create_mcp_http_client(headers=headers) as http, \
                streamable_http_client(url, http_client=http) as (read, write), \
                ClientSession(read, write) as client:
            init = await client.initialize()
            assert init.server_info.name == "soku"
            return await work(client)

    return asyncio.run(run())


async def _tool_names(client: ClientSession) -> set[str]:
    return {tool.name for tool in (await client.list_tools()).tools}


def test_publish_follow_and_retry_the_same_call(stack, demo):
    from shared.web import mcp_tools

    url = f"{stack.base_url}/mcp"
    text = f"Hello from an agent {uuid.uuid4().hex[:8]}"
    arguments = body([{"platform": "x", "accountId": "x_main"}], text)

    async def work(client: ClientSession) -> dict:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(tools) == {tool.name for tool in mcp_tools.TOOLS}
        # The input schema is the REST API's own request model.
        assert "post" in tools["publish_post"].input_schema["properties"]
        assert "idempotencyKey" in tools["publish_post"].input_schema["properties"]
        first = await client.call_tool("publish_post", arguments)
        assert not first.is_error, first.content
        sid = first.structured_content["postSubmissionId"]
        again = await client.call_tool("publish_post", arguments)  # an agent's retry
        assert not again.is_error and again.structured_content["postSubmissionId"] == sid
        deadline = time.monotonic() + 60
        while True:
            view = await client.call_tool("get_post", {"postId": sid})
            assert not view.is_error, view.content
            runs = view.structured_content["runs"]
            if runs and all(run["status"] in ("succeeded", "failed") for run in runs):
                break
            assert time.monotonic() < deadline, view.structured_content
            await asyncio.sleep(0.3)
        assert [run["status"] for run in runs] == ["succeeded"], runs
        listed = await client.call_tool("list_posts", {"limit": 5, "platform": "x"})
        assert sid in [post["id"] for post in listed.structured_content["data"]]
        return view.structured_content

    post = session(url, _headers(demo.api_key), work)
    assert post["runs"][0]["result"]["url"]


def test_an_explicit_idempotency_key_wins(stack, demo):
    arguments = body([{"platform": "x", "accountId": "x_main"}], f"Keyed {uuid.uuid4().hex[:8]}")

    async def work(client: ClientSession) -> list[str]:
        ids = []
        for key in ("agent-key-1", "agent-key-2"):
            result = await client.call_tool("publish_post", {**arguments, "idempotencyKey": key})
            assert not result.is_error, result.content
            ids.append(result.structured_content["postSubmissionId"])
        return ids

    first, second = session(f"{stack.base_url}/mcp", _headers(demo.api_key, bearer=True), work)
    assert first != second


def test_a_bad_post_is_a_tool_error_with_the_envelope(stack, demo):
    async def work(client: ClientSession):
        bad = await client.call_tool("publish_post", {"post": {"content": {"text": "", "platform": ["x"]}},
                                                      "nonsense": 1})
        validated = await client.call_tool("validate_post", {"post": {"content": {"text": "x" * 400,
                                                                                  "platform": ["x"]}}})
        missing = await client.call_tool("get_post", {"postId": "no-such-post"})
        unnamed = await client.call_tool("get_post", {})
        return bad, validated, missing, unnamed

    bad, validated, missing, unnamed = session(f"{stack.base_url}/mcp", _headers(demo.api_key), work)
    assert bad.is_error and bad.structured_content["error"]["code"] == "validation_error"
    assert "validation_error" in bad.content[0].text
    assert missing.is_error and missing.structured_content["error"]["code"] == "not_found"
    assert unnamed.is_error and unnamed.structured_content["error"]["code"] == "validation_error"
    # validate_post answers the REST route's body: a verdict, or the validation envelope.
    assert validated.structured_content, validated


def test_no_key_is_401_in_the_envelope(client, stack):
    request = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
    accept = {"Accept": "application/json, text/event-stream"}
    for headers in ({}, {"soku-api-key": "sk_live_nope"}, {"Authorization": "Bearer sk_live_nope"}):
        r = client.post("/mcp", json=request, headers={**accept, **headers})
        assert r.status_code == 401, r.text
        assert r.json()["error"]["code"] == "unauthorized" and r.headers["X-Request-ID"]


def test_a_read_only_key_sees_read_tools_and_is_refused_the_rest(stack, make_user, db):
    from shared.services import api_keys

    user = make_user()
    db.collection("apiKeys").document(api_keys.hash_key(user.api_key)).update({"scopes": ["posts:read"]})

    async def work(client: ClientSession):
        names = await _tool_names(client)
        refused = await client.call_tool("publish_post", body(["x"], "not allowed"))
        listed = await client.call_tool("list_posts", {})
        return names, refused, listed

    names, refused, listed = session(f"{stack.base_url}/mcp", _headers(user.api_key), work)
    assert names == READ_TOOLS
    assert refused.is_error and refused.structured_content["error"]["code"] == "insufficient_scope"
    assert refused.structured_content["error"]["details"] == {"requiredScope": "posts:write",
                                                              "grantedScopes": ["posts:read"]}
    assert refused.structured_content["error"]["requestId"]
    assert not listed.is_error and listed.structured_content["data"] == []


def test_through_the_api_function(stack, demo):
    names = session(f"{stack.base_url}/{PROJECT_ID}/{REGION}/api/mcp", _headers(demo.api_key), _tool_names)
    assert "publish_post" in names


def test_schemas_come_from_the_rest_models(stack):
    from shared.models.posts import CreatePostRequest
    from shared.web import mcp_tools

    tool = mcp_tools.BY_NAME["publish_post"]
    rest = CreatePostRequest.model_json_schema()
    assert {k: v for k, v in tool.input_schema()["properties"].items() if k != "idempotencyKey"} == rest["properties"]
    assert mcp_tools.derived_idempotency_key("h", "publish_post", {"a": 1, "b": 2}) == \
        mcp_tools.derived_idempotency_key("h", "publish_post", {"b": 2, "a": 1})
    assert mcp_tools.derived_idempotency_key("h", "publish_post", {"a": 1}) != \
        mcp_tools.derived_idempotency_key("h2", "publish_post", {"a": 1})
    # One scope per tool, from the one table of scopes; list_platforms needs none.
    assert mcp_tools.BY_NAME["list_platforms"].scope is None
    assert {t.name for t in mcp_tools.visible(frozenset({"posts:read"}))} == READ_TOOLS


def test_through_hosting(hosting, demo):
    from shared.web import mcp_tools

    names = session(f"{hosting.hosting_url}/mcp", _headers(demo.api_key), _tool_names)
    assert names == {tool.name for tool in mcp_tools.TOOLS}


def test_one_post_by_hand_as_the_docs_show(client, demo):
    """docs/agents.md: a JSON-RPC request is one POST (stateless: tools/list needs no initialize);
    no event stream is opened."""
    accept = {"Accept": "application/json, text/event-stream", **demo.key_headers}
    r = client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers=accept)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), r.text
    assert "publish_post" in [tool["name"] for tool in r.json()["result"]["tools"]]
    assert "mcp-session-id" not in r.headers and "private" in r.headers["Cache-Control"]
    assert client.get("/mcp", headers=accept).status_code == 405
