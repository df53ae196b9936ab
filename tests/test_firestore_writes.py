"""The local Firestore applies writes as Firestore does (devstack/node/firestore_writes.js).

The pinned emulator (@firestore-emulator/server 0.3.15) only ever adds fields: a `set()`
kept the fields the document had, and `DELETE_FIELD` deleted nothing. Code relying on that
would pass here and misbehave in production (an account's token-refresh lease that is never
freed made every later refresh wait out the lease), so each test here fails on the bare
emulator.
"""

from __future__ import annotations

import uuid

from google.cloud import firestore


def _doc(db, **fields):
    ref = db.collection("writeProbe").document(uuid.uuid4().hex)
    ref.set(fields)
    return ref


def test_a_set_replaces_the_whole_document(db):
    ref = _doc(db, a=1, b=2, nested={"x": 1})
    ref.set({"a": 3})
    assert ref.get().to_dict() == {"a": 3}


def test_a_merge_keeps_what_it_does_not_name(db):
    ref = _doc(db, a=1, nested={"x": 1, "y": 2})
    ref.set({"nested": {"x": 5}}, merge=True)
    assert ref.get().to_dict() == {"a": 1, "nested": {"x": 5, "y": 2}}


def test_delete_field_deletes_top_level_and_nested_fields(db):
    ref = _doc(db, a=1, lease={"id": "x"}, nested={"x": 1, "y": 2})
    ref.update({"lease": firestore.DELETE_FIELD, "nested.y": firestore.DELETE_FIELD, "a": 2})
    assert ref.get().to_dict() == {"a": 2, "nested": {"x": 1}}


def test_delete_field_in_a_transaction_and_beside_a_server_timestamp(db):
    ref = _doc(db, a=1, lease={"id": "x"})

    @firestore.transactional
    def free(transaction):
        ref.get(transaction=transaction)
        transaction.update(ref, {"lease": firestore.DELETE_FIELD, "at": firestore.SERVER_TIMESTAMP})

    free(db.transaction())
    stored = ref.get().to_dict()
    assert "lease" not in stored and stored["a"] == 1 and stored["at"] is not None


def test_a_set_with_a_server_timestamp_keeps_the_timestamp_only_beside_its_data(db):
    ref = _doc(db, a=1, b=2)
    ref.set({"q": 1, "at": firestore.SERVER_TIMESTAMP})
    assert set(ref.get().to_dict()) == {"q", "at"}


def test_a_field_name_with_a_dot_is_deleted_by_its_quoted_path(db):
    ref = _doc(db, **{"a.b": 1, "c": 2})
    ref.update({firestore.Client.field_path("a.b"): firestore.DELETE_FIELD})
    assert ref.get().to_dict() == {"c": 2}
