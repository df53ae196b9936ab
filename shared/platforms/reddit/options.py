"""Options for Reddit posts (`post.content.options.reddit`): the fields of `POST /api/submit`
(www.reddit.com/dev/api#POST_api_submit) that are not the body or the media."""

from pydantic import Field

from shared.models.options_base import Options
from shared.platforms.reddit.manifest import MAX_FLAIR_TEXT, MAX_TITLE


class RedditOptions(Options):
    subreddit: str | None = Field(
        default=None, pattern=r"^(u_)?[A-Za-z0-9][A-Za-z0-9_-]{1,22}$",
        description="The subreddit to post in, without `r/` (`sr`). Without it the post goes on the "
                    "account's own profile (`u_<username>`)")
    title: str | None = Field(
        default=None, min_length=1, max_length=MAX_TITLE,
        description="The post's title (up to 300 characters). Without it the text's first line is the "
                    "title and the rest of the text the body")
    flairId: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9-]{1,64}$",
        description="The post flair's template id (`flair_id`). Required where the subreddit requires "
                    "flair: a post without one is refused at submission, naming the subreddit's flairs")
    flairText: str | None = Field(default=None, min_length=1, max_length=MAX_FLAIR_TEXT,
                                  description="The flair's text where the flair is editable (`flair_text`)")
    url: str | None = Field(default=None, max_length=2048, pattern=r"^https?://\S+$",
                            description="Makes a link post to this URL (`kind=link`); no body, no media")
    videogif: bool | None = Field(
        default=None, description="Post the video as a videogif, a silent looping video (`kind=videogif`, "
                                  "PRAW's `video={\"gif\": True}`); only with a video")
    nsfw: bool | None = Field(default=None, description="Mark the post NSFW (`nsfw`)")
    spoiler: bool | None = Field(default=None, description="Mark the post a spoiler (`spoiler`)")
    sendReplies: bool | None = Field(default=None, description="Send replies to the account's inbox "
                                                               "(`sendreplies`, default true)")


OPTIONS = RedditOptions  # post.content.options.reddit (shared/models/options)
