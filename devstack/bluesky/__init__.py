"""The AT Protocol's reference PDS (@atproto/dev-env's TestNetworkNoAppView) for the dev stack
and tests: `install()`, then `start(port, accounts) -> LocalPds`. See pds.py and pds.mjs."""

from devstack.bluesky.pds import (
    NODE_WHEEL,
    LocalPds,
    NodeUnavailable,
    PdsAccount,
    PdsError,
    find_node,
    install,
    start,
)

__all__ = ["NODE_WHEEL", "LocalPds", "NodeUnavailable", "PdsAccount", "PdsError", "find_node", "install", "start"]
