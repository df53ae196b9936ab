from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.run_deletion import RunDeletion
    from ..models.run_view_last_error_type_0 import RunViewLastErrorType0
    from ..models.run_view_result_type_0 import RunViewResultType0


T = TypeVar("T", bound="RunView")


@_attrs_define
class RunView:
    """One target of a post: `postSubmissions/{id}/runs/{targetId}`.

    Attributes:
        target_id (None | str):
        platform (None | str):
        account_id (None | str):
        status (None | str): `queued`, `processing`, `succeeded`, `failed`, `canceled` or `unconfirmed` (the platform
            may hold the post, or holds it for the creator to finish; `result.code` says which: check the account, then
            retry if it is missing)
        attempt_count (int):
        result (None | RunViewResultType0): The platform post id and URL (`postId`, `url`; `url` is null where the
            platform gives no URL yet: TikTok adds `publishId` and `urlUnavailable`), or an error `code` and `message`
        created_at (None | str | Unset):
        started_at (None | str | Unset):
        finished_at (None | str | Unset):
        last_error (None | RunViewLastErrorType0 | Unset): While the run is still being retried: why the last attempt
            did not finish (`code`, `message`, `retryable`)
        next_attempt_at (None | str | Unset): When a run waiting for the platform's rate-limit or quota reset is tried
            again
        deleted_at (None | str | Unset): When the published post was taken down at the platform (`DELETE
            /v1/posts/{id}/runs/{targetId}/published`)
        deletion (None | RunDeletion | Unset): The last request to take the published post down, and its outcome
    """

    target_id: None | str
    platform: None | str
    account_id: None | str
    status: None | str
    attempt_count: int
    result: None | RunViewResultType0
    created_at: None | str | Unset = UNSET
    started_at: None | str | Unset = UNSET
    finished_at: None | str | Unset = UNSET
    last_error: None | RunViewLastErrorType0 | Unset = UNSET
    next_attempt_at: None | str | Unset = UNSET
    deleted_at: None | str | Unset = UNSET
    deletion: None | RunDeletion | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.run_deletion import RunDeletion
        from ..models.run_view_last_error_type_0 import RunViewLastErrorType0
        from ..models.run_view_result_type_0 import RunViewResultType0

        target_id: None | str
        target_id = self.target_id

        platform: None | str
        platform = self.platform

        account_id: None | str
        account_id = self.account_id

        status: None | str
        status = self.status

        attempt_count = self.attempt_count

        result: dict[str, Any] | None
        if isinstance(self.result, RunViewResultType0):
            result = self.result.to_dict()
        else:
            result = self.result

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        else:
            created_at = self.created_at

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        else:
            started_at = self.started_at

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        else:
            finished_at = self.finished_at

        last_error: dict[str, Any] | None | Unset
        if isinstance(self.last_error, Unset):
            last_error = UNSET
        elif isinstance(self.last_error, RunViewLastErrorType0):
            last_error = self.last_error.to_dict()
        else:
            last_error = self.last_error

        next_attempt_at: None | str | Unset
        if isinstance(self.next_attempt_at, Unset):
            next_attempt_at = UNSET
        else:
            next_attempt_at = self.next_attempt_at

        deleted_at: None | str | Unset
        if isinstance(self.deleted_at, Unset):
            deleted_at = UNSET
        else:
            deleted_at = self.deleted_at

        deletion: dict[str, Any] | None | Unset
        if isinstance(self.deletion, Unset):
            deletion = UNSET
        elif isinstance(self.deletion, RunDeletion):
            deletion = self.deletion.to_dict()
        else:
            deletion = self.deletion

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "targetId": target_id,
                "platform": platform,
                "accountId": account_id,
                "status": status,
                "attemptCount": attempt_count,
                "result": result,
            }
        )
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if started_at is not UNSET:
            field_dict["startedAt"] = started_at
        if finished_at is not UNSET:
            field_dict["finishedAt"] = finished_at
        if last_error is not UNSET:
            field_dict["lastError"] = last_error
        if next_attempt_at is not UNSET:
            field_dict["nextAttemptAt"] = next_attempt_at
        if deleted_at is not UNSET:
            field_dict["deletedAt"] = deleted_at
        if deletion is not UNSET:
            field_dict["deletion"] = deletion

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.run_deletion import RunDeletion
        from ..models.run_view_last_error_type_0 import RunViewLastErrorType0
        from ..models.run_view_result_type_0 import RunViewResultType0

        d = dict(src_dict)

        def _parse_target_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        target_id = _parse_target_id(d.pop("targetId"))

        def _parse_platform(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        platform = _parse_platform(d.pop("platform"))

        def _parse_account_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        account_id = _parse_account_id(d.pop("accountId"))

        def _parse_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        status = _parse_status(d.pop("status"))

        attempt_count = d.pop("attemptCount")

        def _parse_result(data: object) -> None | RunViewResultType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_type_0 = RunViewResultType0.from_dict(data)

                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunViewResultType0, data)

        result = _parse_result(d.pop("result"))

        def _parse_created_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_at = _parse_created_at(d.pop("createdAt", UNSET))

        def _parse_started_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        started_at = _parse_started_at(d.pop("startedAt", UNSET))

        def _parse_finished_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        finished_at = _parse_finished_at(d.pop("finishedAt", UNSET))

        def _parse_last_error(data: object) -> None | RunViewLastErrorType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_error_type_0 = RunViewLastErrorType0.from_dict(data)

                return last_error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunViewLastErrorType0 | Unset, data)

        last_error = _parse_last_error(d.pop("lastError", UNSET))

        def _parse_next_attempt_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("nextAttemptAt", UNSET))

        def _parse_deleted_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        deleted_at = _parse_deleted_at(d.pop("deletedAt", UNSET))

        def _parse_deletion(data: object) -> None | RunDeletion | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                deletion_type_0 = RunDeletion.from_dict(data)

                return deletion_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunDeletion | Unset, data)

        deletion = _parse_deletion(d.pop("deletion", UNSET))

        run_view = cls(
            target_id=target_id,
            platform=platform,
            account_id=account_id,
            status=status,
            attempt_count=attempt_count,
            result=result,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
            last_error=last_error,
            next_attempt_at=next_attempt_at,
            deleted_at=deleted_at,
            deletion=deletion,
        )

        run_view.additional_properties = d
        return run_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
