"""The local stack's Bluesky: the reference PDS (devstack/bluesky) with a demo account, connected
to the demo user the way a user connects one (an app password through Bluesky's own
`createAppPassword`, then the connector's check with the PDS), so `make run` can post to it."""

from __future__ import annotations

import sys

import httpx

HANDLE = "sokudemo.test"  # "demo" is among the PDS's reserved handles
PASSWORD = "soku-demo-bluesky"  # the local PDS only


def start_connected(user_id: str, port: int = 0):
    """The running PDS with the demo account connected to `user_id`; None (and why, on stderr)
    when Node >= 22 is missing or the PDS will not start: the rest of the stack runs without it."""
    from devstack.bluesky import NodeUnavailable, PdsError, start
    from shared.platforms import Platform
    from shared.services.connections import manual

    try:
        pds = start(port, [(HANDLE, PASSWORD)])
    except (NodeUnavailable, PdsError) as exc:
        print(f"No local Bluesky PDS ({exc}); Bluesky posts will fail to connect.", file=sys.stderr)
        return None
    app_password = make_app_password(pds.pds_url, HANDLE, PASSWORD, "Soku demo")
    manual.connect(user_id, Platform.BLUESKY, {"handle": HANDLE, "appPassword": app_password, "pdsUrl": pds.pds_url})
    return pds


def make_app_password(pds_url: str, handle: str, password: str, name: str) -> str:
    """What a person does in Bluesky's settings before connecting Soku: sign in with the account's
    password and create an app password (`com.atproto.server.createAppPassword`)."""
    session = httpx.post(f"{pds_url}/xrpc/com.atproto.server.createSession", timeout=30,
                         json={"identifier": handle, "password": password})
    session.raise_for_status()
    created = httpx.post(f"{pds_url}/xrpc/com.atproto.server.createAppPassword", timeout=30,
                         headers={"Authorization": f"Bearer {session.json()['accessJwt']}"}, json={"name": name})
    created.raise_for_status()
    return created.json()["password"]
