"""Reconcile matching (pure logic): text as the platforms return it against the text we sent."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from devstack.sandboxes.instagram import listed_caption
from devstack.sandboxes.linkedin import stored_commentary
from devstack.sandboxes.x import rendered_text
from shared.platforms.linkedin.publisher import escape_commentary
from shared.services.publishing.reconcile import (
    caption_matches,
    in_window,
    linkedin_plain,
    linkedin_text_matches,
    normalise,
    x_text_matches,
)

TEXTS = [
    "Read https://example.com/a?b=1&c=2 & share <3\n\nhttps://soku.example/x.",
    "Photos & notes",
    "",
    "a  b\tc",
    "already short https://t.co/abcdefghij y",
    "café (https://a.example/path_(x)) > 2",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("media", [False, True])
def test_x_text_as_x_renders_it_matches(text, media):
    assert x_text_matches(text, rendered_text(text, media), media)


def test_x_matching_is_not_loose():
    assert not x_text_matches("Photos & notes", rendered_text("Photos & note", False), False)
    assert not x_text_matches("hello", rendered_text("hello world", False), False)
    assert not x_text_matches("hello world", rendered_text("hello", False), False)
    # A link stands for one word of the submission, not for any run of text.
    assert not x_text_matches("see a b", rendered_text("see https://a.example", False), False)
    # The media link is only dropped when media was attached.
    assert not x_text_matches("see", rendered_text("see", True), False)


def test_normalise_unescapes_and_collapses():
    assert normalise("  a &amp; b\n\n&lt;c&gt;  ") == "a & b <c>"
    assert normalise("cafe\u0301") == normalise("café")


def test_window_refuses_posts_before_the_create_or_without_a_time():
    armed = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
    now = armed + timedelta(minutes=3)
    assert in_window(armed + timedelta(seconds=1), armed, now)
    assert in_window(armed - timedelta(seconds=4), armed, now)  # clock skew
    assert not in_window(armed - timedelta(minutes=1), armed, now)  # an older post with the same text
    assert not in_window(now + timedelta(minutes=1), armed, now)
    assert not in_window(None, armed, now)


# -- LinkedIn: commentary comes back as little text --------------------------------------------

LINKEDIN_TEXTS = [
    "Big news #Launch (beta) for @team_x, see [notes] #AI2026",
    "a*b_c~d <3 | {x} \\ back",
    "#Start and end #End",
    "Read https://example.com/a_(b)#frag now",
]


@pytest.mark.parametrize("text", LINKEDIN_TEXTS)
def test_linkedin_commentary_as_linkedin_returns_it_matches(text):
    listed = stored_commentary(escape_commentary(text))
    assert linkedin_text_matches(text, listed)


def test_linkedin_hashtags_come_back_as_templates_and_are_decoded():
    listed = stored_commentary(escape_commentary("Go #Launch \\(x)"))
    assert listed == "Go {hashtag|\\#|Launch} \\\\\\(x\\)"
    assert linkedin_plain(listed) == "Go #Launch \\(x)"
    # The template's sign may be escaped or not, and may be the full-width ＃.
    assert linkedin_plain("{hashtag|#|a} {hashtag|\\#|b} {hashtag|\uff03|c}") == "#a #b \uff03c"
    assert linkedin_plain("Hi @[Acme Corp](urn:li:organization:1234)!") == "Hi Acme Corp!"


def test_linkedin_matching_is_not_loose():
    assert not linkedin_text_matches("Go #Launch", stored_commentary(escape_commentary("Go #Lunch")))
    assert not linkedin_text_matches("a (b)", stored_commentary(escape_commentary("a (b) c")))
    # Escapes are decoded once: a literal backslash in the text is not dropped.
    assert not linkedin_text_matches("a b", "a \\\\b")


# -- Instagram: the caption lists mentions without their @ -------------------------------------

def test_instagram_caption_without_the_mentions_at_matches():
    caption = "Shot with @anna.k and @studio_9 &  #bts\r\n"
    assert caption_matches(caption, listed_caption(caption))
    assert caption_matches(caption, caption)
    assert not caption_matches("Shot with @anna", listed_caption("Shot with @anna.k"))
    assert not caption_matches("mail me at a@b.c", "mail me at a@b.d")
