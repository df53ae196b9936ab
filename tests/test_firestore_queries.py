"""The local Firestore orders and pages queries as Firestore does (devstack/node/firestore_queries.js).

The pinned emulator (@firestore-emulator/server 0.3.15) sorted with a comparator that is no
order across types (a null among timestamps scrambled the order), kept documents lacking the
ordered field, and ignored cursors and offsets: the calendar's paging and every "next page"
would pass here and misbehave in production, or the other way round. Each test here fails on
the bare emulator.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from google.cloud import firestore
from google.cloud.firestore_v1.field_path import FieldPath

T0 = datetime(2027, 1, 1, tzinfo=timezone.utc)


def _collection(db, docs: dict[str, dict]):
    col = db.collection(f"queryProbe{uuid.uuid4().hex[:8]}")
    for doc_id, fields in docs.items():
        col.document(doc_id).set(fields)
    return col


def _ids(query) -> list[str]:
    return [snap.id for snap in query.stream()]


def test_an_order_holds_with_nulls_and_missing_fields_among_the_values(db):
    col = _collection(db, {"late": {"at": T0 + timedelta(days=2)}, "null": {"at": None}, "none": {},
                           "early": {"at": T0}, "mid": {"at": T0 + timedelta(days=1)}})
    assert _ids(col.order_by("at")) == ["null", "early", "mid", "late"]  # "none" has no `at`: left out
    assert _ids(col.where(filter=firestore.FieldFilter("at", ">", T0 - timedelta(days=1))).order_by("at")) == [
        "early", "mid", "late"]
    assert _ids(col.order_by("at", direction=firestore.Query.DESCENDING).limit(2)) == ["late", "mid"]


def test_values_of_different_types_sort_in_firestores_type_order(db):
    col = _collection(db, {"s": {"v": "a"}, "n": {"v": 3}, "b": {"v": True}, "t": {"v": T0}, "z": {"v": None},
                           "d": {"v": 2.5}})
    assert _ids(col.order_by("v")) == ["z", "b", "d", "n", "t", "s"]


def test_ties_are_ordered_by_document_id(db):
    col = _collection(db, {name: {"at": T0} for name in ("c", "a", "d", "b")})
    assert _ids(col.order_by("at")) == ["a", "b", "c", "d"]
    assert _ids(col.order_by("at", direction=firestore.Query.DESCENDING)) == ["d", "c", "b", "a"]


def test_cursors_and_offsets_page_through_ties(db):
    col = _collection(db, {f"d{i}": {"at": T0 + timedelta(minutes=i // 3)} for i in (5, 3, 1, 0, 2, 4)})
    ordered = col.order_by("at")
    first = list(ordered.limit(2).stream())
    assert [s.id for s in first] == ["d0", "d1"]
    assert _ids(ordered.start_after(first[-1]).limit(2)) == ["d2", "d3"]
    assert _ids(ordered.start_at(first[-1]).limit(2)) == ["d1", "d2"]
    assert _ids(ordered.end_before({"at": T0 + timedelta(minutes=1)})) == ["d0", "d1", "d2"]
    assert _ids(ordered.end_at(col.document("d3").get())) == ["d0", "d1", "d2", "d3"]
    assert _ids(ordered.offset(4)) == ["d4", "d5"]
    by_id = col.order_by(FieldPath.document_id())
    assert _ids(by_id.start_after({FieldPath.document_id(): col.document("d3")})) == ["d4", "d5"]
