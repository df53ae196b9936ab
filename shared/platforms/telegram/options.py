"""Options for Telegram posts (`post.content.options.telegram`).

Each maps onto a parameter every send method takes (core.telegram.org/bots/api#sendmessage,
#sendphoto, #sendvideo, #sendmediagroup), except the link preview, which only a text message has.
"""

from pydantic import Field

from shared.models.options_base import Options


class TelegramOptions(Options):
    disableNotification: bool = Field(
        default=False, description="Send silently: members get a notification without sound "
                                   "(`disable_notification`).")
    protectContent: bool = Field(
        default=False, description="Protect the message from forwarding and saving (`protect_content`).")
    disableLinkPreview: bool = Field(
        default=False, description="Text messages: show no preview of the first link "
                                   "(`link_preview_options.is_disabled`).")
    messageThreadId: int | None = Field(
        default=None, ge=1, description="Forum supergroups: the topic to post in (`message_thread_id`).")


OPTIONS = TelegramOptions  # post.content.options.telegram (shared/models/options)
