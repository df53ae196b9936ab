"""Bluesky: not supported, and no call is made.

A post's likes, reposts, replies and quotes, and an account's followers, are counted by an
AppView (Bluesky's is api.bsky.app), which indexes the whole network's repositories:
`app.bsky.feed.getPosts` → `likeCount`, `repostCount`, `replyCount`, `quoteCount`, and
`app.bsky.actor.getProfile` → `followersCount`, `followsCount`, `postsCount`
(lexicons/app/bsky/feed/defs.json `postView`, actor/defs.json `profileViewDetailed`). The
user's PDS, which is what Soku talks to, holds only the user's own records: nobody else's likes
of them. The local PDS the tests run has no AppView (devstack/bluesky: TestNetworkNoAppView), so
a reader of those counts could not be tested against a real server here; rather than ship one
that was never run, the run and the account answer `not_supported` with that reason. Bluesky
shows no view counts at all.
"""

from __future__ import annotations

from shared.services.analytics.base import unsupported

SUPPORTED = False
REASON = ("Bluesky's counts (likes, reposts, replies, followers) come from an AppView that indexes the "
          "whole network, not from the account's own server, and Soku does not read them yet")


post, account = unsupported(REASON)
