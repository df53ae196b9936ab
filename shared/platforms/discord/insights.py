"""Discord: not supported, and no call is made.

A webhook can post, read back and delete its own messages (discord.com/developers/docs/resources/webhook)
and nothing else: no views, reactions or member counts reach it (a message's `reactions` are
readable only with a bot token in the channel, which a webhook connection does not have). So the
run and the account answer `not_supported` with that reason.
"""

from __future__ import annotations

from shared.services.analytics.base import unsupported

SUPPORTED = False
REASON = ("Discord webhooks can only post, read back and delete their own messages: Discord gives a "
          "webhook no views, reactions or member counts, so Soku has no Discord metrics")


post, account = unsupported(REASON)
