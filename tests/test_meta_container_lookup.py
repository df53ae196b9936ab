"""How Instagram and Threads find an armed create's post: the container speaks first
(shared/platforms/meta_graph/publishing.py `find_after_container`)."""

from __future__ import annotations

import pytest

from shared.platforms.meta_graph.publishing import find_after_container
from shared.services.publishing.errors import NotListedYet, PermanentError

ARMED = {"containers": {"post": {"id": "c1", "mediaType": "IMAGE"}}}


def _status(answer):
    def status_of(container_id):
        assert container_id == "c1"
        if isinstance(answer, Exception):
            raise answer
        return answer, None
    return status_of


def test_no_container_means_nothing_was_published():
    assert find_after_container({}, _status("PUBLISHED"), lambda post: pytest.fail("looked"), "x") is None


def test_a_container_that_was_never_published_ends_the_lookup_without_listing():
    assert find_after_container(ARMED, _status("FINISHED"), lambda post: pytest.fail("looked"), "x") is None


def test_a_published_container_is_found_in_the_listing_or_not_listed_yet():
    assert find_after_container(ARMED, _status("PUBLISHED"), lambda post: "the post", "x") == "the post"
    with pytest.raises(NotListedYet) as raised:
        find_after_container(ARMED, _status("PUBLISHED"), lambda post: None,
                             "Threads reports the post as published but it is not listed on the profile yet")
    assert raised.value.code == "reconcile_pending" and "not listed on the profile yet" in raised.value.message


def test_a_container_the_platform_forgot_leaves_it_to_the_listing():
    gone = PermanentError("Unsupported get request", code="not_found")
    assert find_after_container(ARMED, _status(gone), lambda post: None, "x") is None
    assert find_after_container(ARMED, _status(gone), lambda post: post["id"], "x") == "c1"
