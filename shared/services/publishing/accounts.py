"""Connected accounts as publishers see them: tokens decrypted on load, encrypted on save.

Tokens live at `users/{uid}/integrations/{platform}/accounts/{accountId}.tokens`
as an AES-GCM envelope bound to that document path; they never leave this module
in clear except inside an `Account` handed to a publisher.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Callable

from google.cloud import firestore

from shared import clock
from shared.adapters.crypto import decrypt_json, encrypt_json
from shared.adapters.gcp import firestore_client
from shared.platforms import Platform
from shared.services.publishing import outbox
from shared.services.publishing.base import Account, Tokens
from shared.services.publishing.errors import NeedsReconnectError, RetryableError

if TYPE_CHECKING:
    from shared.services.publishing.base import Publisher

# One refresh per account at a time (refresh_tokens): how long a refresher may hold the
# account before others stop waiting for it (a refresh call is cut well before this).
REFRESH_LEASE = timedelta(seconds=45)
REFRESH_POLL_S = 0.25


def integration_ref(user_id: str, platform: str) -> firestore.DocumentReference:
    """`users/{uid}/integrations/{platform}`: its `connectedCount` is kept by every connect and
    disconnect (shared/services/connections/store.py) and by the seed."""
    return firestore_client().collection("users").document(user_id).collection("integrations").document(platform)


def accounts_collection(user_id: str, platform: str) -> firestore.CollectionReference:
    """`users/{uid}/integrations/{platform}/accounts`: a user's accounts on one platform."""
    return integration_ref(user_id, platform).collection("accounts")


def account_ref(user_id: str, platform: str, account_id: str) -> firestore.DocumentReference:
    return accounts_collection(user_id, platform).document(account_id)


def account_documents(user_id: str, platform: str, fields: tuple[str, ...] | None = None) -> dict[str, dict]:
    """Every account of the user on `platform`: accountId -> its document (only `fields`
    when named: Firestore then sends nothing else, sealed tokens included)."""
    query = accounts_collection(user_id, platform)
    if fields is not None:
        query = query.select(list(fields))
    return {snap.id: snap.to_dict() or {} for snap in query.stream()}


def seal_tokens(ref: firestore.DocumentReference, tokens: Tokens) -> dict:
    return encrypt_json({
        "accessToken": tokens.access_token,
        "refreshToken": tokens.refresh_token,
        "expiresAt": tokens.expires_at.isoformat() if tokens.expires_at else None,
    }, associated=ref.path)


def due_for_refresh(publisher: "Publisher", account: Account) -> bool:
    """Whether to renew the account's token before calling: it expires within the publisher's
    `refresh_margin(account)` where it has one (Instagram Login: a week, its renewal only works
    before expiry), else within Tokens.expiring's default minutes; and it can be renewed."""
    margin_of = getattr(publisher, "refresh_margin", None)
    margin = margin_of(account) if callable(margin_of) else None
    tokens = account.tokens
    return bool(tokens.refresh_token) and (tokens.expiring(clock.now(), margin) if margin is not None
                                           else tokens.expiring(clock.now()))


def load_account(user_id: str, platform: Platform, account_id: str) -> tuple[firestore.DocumentReference, Account]:
    ref = account_ref(user_id, platform.value, account_id)
    snap = ref.get()
    if not snap.exists:
        raise NeedsReconnectError(f"The {platform.value} account {account_id} is no longer connected",
                                  code="account_disconnected")
    data = snap.to_dict()
    sealed = data.get("tokens")
    if not sealed:
        raise NeedsReconnectError(f"The {platform.value} account {account_id} has no stored authorization; "
                                  "reconnect it", code="token_expired")
    tokens = _unseal(ref, sealed)
    public = {k: v for k, v in data.items() if k != "tokens"}
    return ref, Account(platform, account_id, data.get("platformUserId", account_id),
                        data.get("displayName"), tokens, public)


def _unseal(ref: firestore.DocumentReference, sealed: dict) -> Tokens:
    raw = decrypt_json(sealed, associated=ref.path)
    expires = datetime.fromisoformat(raw["expiresAt"]) if raw.get("expiresAt") else None
    return Tokens(raw["accessToken"], raw.get("refreshToken"), expires)


def _same(a: Tokens, b: Tokens) -> bool:
    return (a.access_token, a.refresh_token) == (b.access_token, b.refresh_token)


def refresh_tokens(ref: firestore.DocumentReference, account: Account, publisher: "Publisher",
                   sleep: Callable[[float], None] = time.sleep) -> Tokens:
    """Refresh `account`'s tokens, once for everyone who needs it at the same moment.

    Refresh tokens are often single-use (X and TikTok rotate them): two publishes, or a
    publish and a metrics read, refreshing one account at once would spend the same
    refresh token twice, and the platform refuses the second, which would then fail its
    run and flag an account that is fine. So a refresh is single-flight: the caller
    takes the account's `refreshLease` in a transaction; others wait for it and then
    use the tokens it stored. A caller whose tokens are already out of date (someone
    refreshed since it loaded them) uses the stored ones without calling the platform.
    A refusal is checked once more against the stored tokens before it is believed.
    Sets `account.tokens` and returns them.
    """
    lease_id = secrets.token_hex(8)
    lease_until: list[datetime] = []

    @firestore.transactional
    def take(transaction: firestore.Transaction) -> Tokens | None:
        data = ref.get(transaction=transaction).to_dict() or {}
        if not data.get("tokens"):
            raise NeedsReconnectError(f"The {account.platform.value} account {account.account_id} has no "
                                      "stored authorization; reconnect it", code="token_expired")
        stored = _unseal(ref, data["tokens"])
        if not _same(stored, account.tokens):
            return stored  # refreshed (or reconnected) since we loaded it
        held = data.get("refreshLease") or {}
        now = clock.now()
        if held.get("until") is not None and held["until"] > now:
            raise _Busy()
        transaction.update(ref, {"refreshLease": {"id": lease_id, "until": now + REFRESH_LEASE}})
        lease_until[:] = [now + REFRESH_LEASE]
        return None

    def still_busy() -> bool:
        """Another refresher holds the lease and has stored nothing new yet (a plain read: the
        wait must not lock the document the refresher is about to write)."""
        data = ref.get().to_dict() or {}
        held = (data.get("refreshLease") or {}).get("until")
        return (held is not None and held > clock.now() and bool(data.get("tokens"))
                and _same(_unseal(ref, data["tokens"]), account.tokens))

    waited_until = clock.now() + REFRESH_LEASE
    while True:
        try:
            stored = take(firestore_client().transaction())
            break
        except _Busy:
            while True:
                if clock.now() > waited_until:
                    raise RetryableError(  # not the account's fault: never flags it
                        f"Another refresh of the {account.platform.value} account's authorization is taking "
                        "too long; will try again", code="token_refresh_busy") from None
                sleep(REFRESH_POLL_S)
                if not still_busy():
                    break
    if stored is not None:
        account.tokens = stored
        return stored
    try:
        tokens = publisher.refresh(account)
    except NeedsReconnectError:
        _release(ref, lease_id)
        sealed = (ref.get().to_dict() or {}).get("tokens")
        current = _unseal(ref, sealed) if sealed else None
        if current is None or _same(current, account.tokens):
            raise
        account.tokens = current  # refreshed by someone whose lease we outlived
        return current
    except BaseException:
        _release(ref, lease_id)
        raise
    account.tokens = _store_refreshed(ref, account.tokens, tokens, lease_id, lease_until[0])
    return account.tokens


class _Busy(Exception):
    """Another caller holds the account's refresh lease."""


# How much of the lease must be left for the new tokens to be stored with one plain write.
STORE_MARGIN = timedelta(seconds=10)


def _store_refreshed(ref: firestore.DocumentReference, refreshed_from: Tokens, tokens: Tokens,
                     lease_id: str, lease_until: datetime) -> Tokens:
    """Store `tokens` (refreshed from `refreshed_from`) and free our lease, unless someone stored
    others meanwhile (a refresh slower than the lease): theirs stay, and are the ones used.

    The platform has already rotated the refresh token when this runs, so until the write lands
    the only copy of the new one is in this process: a process that dies here leaves the account
    to be reconnected (the crash soak lost an X rotation this way under load). While our lease
    still has time left nobody else can have refreshed (everyone else waits for the lease, and a
    refresh call is cut well before it ends), so the tokens go in one unconditional write: one
    round trip instead of a transaction's three, and no contention retries. Only a refresh that
    outlived its lease checks what is stored first.
    """
    if clock.now() + STORE_MARGIN < lease_until:
        ref.update({"tokens": seal_tokens(ref, tokens), "tokensRefreshedAt": clock.now(), "status": "connected",
                    "refreshLease": firestore.DELETE_FIELD})
        return tokens

    @firestore.transactional
    def store(transaction: firestore.Transaction) -> Tokens:
        data = ref.get(transaction=transaction).to_dict() or {}
        sealed = data.get("tokens")
        if sealed and not _same(current := _unseal(ref, sealed), refreshed_from):
            return current
        update = {"tokens": seal_tokens(ref, tokens), "tokensRefreshedAt": clock.now(), "status": "connected"}
        if (data.get("refreshLease") or {}).get("id") == lease_id:
            update["refreshLease"] = firestore.DELETE_FIELD
        transaction.update(ref, update)
        return tokens

    return store(firestore_client().transaction())


def _release(ref: firestore.DocumentReference, lease_id: str) -> None:
    @firestore.transactional
    def release(transaction: firestore.Transaction) -> None:
        data = ref.get(transaction=transaction).to_dict() or {}
        if (data.get("refreshLease") or {}).get("id") == lease_id:
            transaction.update(ref, {"refreshLease": firestore.DELETE_FIELD})

    try:
        release(firestore_client().transaction())
    except Exception:  # noqa: BLE001 - the lease runs out on its own
        pass


def store_tokens(ref: firestore.DocumentReference, tokens: Tokens) -> None:
    ref.update({"tokens": seal_tokens(ref, tokens), "tokensRefreshedAt": clock.now(),
                "status": "connected"})


def flag_if_refused(ref: firestore.DocumentReference, refused: Tokens | None, reason: str,
                    display_name: str | None) -> Callable[[firestore.Transaction], list]:
    """A write for a publish's final commit: flag the account `needs_reconnect`, with its
    `account.needs_reconnect` event, unless its tokens changed since `refused` were refused
    (refreshed by another caller, or the user reconnected meanwhile)."""
    def flag(transaction: firestore.Transaction) -> list:
        data = ref.get(transaction=transaction).to_dict()
        if data is None:
            return []  # disconnected meanwhile: nothing to flag
        sealed = data.get("tokens")
        if refused is not None and sealed and not _same(_unseal(ref, sealed), refused):
            return []
        now = clock.now()
        transaction.update(ref, {"status": "needs_reconnect", "statusReason": reason, "statusChangedAt": now})
        return [outbox.account_needs_reconnect(ref.path, {
            "displayName": display_name, "statusReason": reason, "statusChangedAt": now.isoformat()})]

    return flag


def flag_needs_reconnect(ref: firestore.DocumentReference, refused: Tokens | None, reason: str,
                         display_name: str | None) -> None:
    """flag_if_refused in a commit of its own (a call outside any run: account_calls), with its
    event recorded in the outbox and dispatched, as a failed publish's is."""
    flag = flag_if_refused(ref, refused, reason, display_name)

    @firestore.transactional
    def commit(transaction: firestore.Transaction) -> list:
        events = flag(transaction)
        outbox.record(transaction, events)
        return events

    outbox.dispatch(commit(firestore_client().transaction()))


def record_publish(ref: firestore.DocumentReference, outcome: dict) -> None:
    ref.update({"lastPublish": outcome | {"at": clock.now()}})
