"""Reconcile matching (pure logic): text as the platforms return it against the text we sent."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from devstack.sandboxes.x import rendered_text
from shared.services.publishing.reconcile import in_window, normalise, x_text_matches

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
