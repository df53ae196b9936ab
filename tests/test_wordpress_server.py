"""devstack/wordpress itself: a site starts fresh with its users, answers over REST with their
application passwords, and stops leaving no process and no folder behind; where it cannot run,
it says why."""

from __future__ import annotations

import os

import httpx
import pytest

from devstack import wordpress as wp


def test_a_site_starts_with_its_users_and_stops_leaving_nothing():
    if wp.missing():
        pytest.skip(f"no local WordPress here: missing {', '.join(wp.missing())} (make wordpress installs them)")
    site = wp.start(meta_plugin=False)
    try:
        pids = [p.pid for p in site.processes]
        assert site.running() and site.startup_s < 30
        me = httpx.get(f"{site.url}/wp-json/wp/v2/users/me", params={"context": "edit"}, timeout=30,
                       auth=("admin", site.users["admin"].password))
        assert me.status_code == 200 and me.json()["roles"] == ["administrator"], me.text
        contributor = httpx.get(f"{site.url}/wp-json/wp/v2/users/me", params={"context": "edit"}, timeout=30,
                                auth=("contributor", site.users["contributor"].password))
        assert contributor.json()["roles"] == ["contributor"], contributor.text
        # Without soku-meta.php the site drops the post meta, as a user's own site does.
        made = httpx.post(f"{site.url}/wp-json/wp/v2/posts", auth=("admin", site.users["admin"].password),
                          json={"title": "t", "content": "c", "meta": {"soku_run": "x"}}, timeout=30)
        assert made.status_code == 201 and made.json()["meta"] == [], made.text
    finally:
        site.stop()
    assert not site.folder.exists()
    # Each server's whole process group is gone (php -S's workers included); a zombie waiting for
    # its reaper (the workers' parent is PID 1 once php -S is gone) runs nothing.
    assert [p for p in _group_members(pids) if p[1] != "Z"] == []
    site.stop()  # idempotent


def _group_members(pgids: list[int]) -> list[tuple[int, str]]:
    """(pid, state) of every process in one of these process groups, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "(comm)": state, ppid, pgrp, ...
        if int(fields[2]) in pgids:
            found.append((int(entry), fields[0]))
    return found


def test_without_the_packages_and_root_it_says_why(monkeypatch):
    from devstack.wordpress import server

    monkeypatch.setattr(server, "missing", lambda: ["mariadbd"])
    monkeypatch.setattr(server.os, "geteuid", lambda: 1000)
    with pytest.raises(wp.WordPressUnavailable, match="missing mariadbd, and not root to install"):
        wp.install()
    with pytest.raises(wp.WordPressUnavailable, match="missing mariadbd"):
        wp.start()
