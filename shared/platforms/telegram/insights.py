"""Telegram: not supported, and no call is made.

The Bot API (core.telegram.org/bots/api) has no method that reads a message's views, reactions
or forwards, nor a chat's statistics: `getChatMemberCount` is the only count, and it is not a
post's. Channel statistics exist only for the channel's admins in Telegram's apps and through
the user API (MTProto `stats.getBroadcastStats`), which a bot token cannot call. So the run and
the account answer `not_supported` with that reason.
"""

from __future__ import annotations

from shared.services.analytics.base import unsupported

SUPPORTED = False
REASON = ("Telegram's Bot API offers no metrics for a message or a chat (views and statistics are "
          "shown only to a channel's admins in Telegram's apps), so Soku does not read Telegram metrics")


post, account = unsupported(REASON)
