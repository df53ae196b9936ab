"""Contains all the data models used in inputs/outputs"""

from .account_account_boards_platform import AccountAccountBoardsPlatform
from .account_account_capabilities_platform import AccountAccountCapabilitiesPlatform
from .account_account_flairs_platform import AccountAccountFlairsPlatform
from .account_account_metrics_platform import AccountAccountMetricsPlatform
from .account_capabilities import AccountCapabilities
from .account_capabilities_missingscopes import AccountCapabilitiesMissingscopes
from .account_capabilities_platform import AccountCapabilitiesPlatform
from .account_core_metrics import AccountCoreMetrics
from .account_detail import AccountDetail
from .account_detail_platform import AccountDetailPlatform
from .account_disconnect_account_platform import AccountDisconnectAccountPlatform
from .account_get_account_platform import AccountGetAccountPlatform
from .account_get_schedule_platform import AccountGetSchedulePlatform
from .account_health import AccountHealth
from .account_list_accounts_platform import AccountListAccountsPlatform
from .account_metrics_response import AccountMetricsResponse
from .account_metrics_response_platform_metrics_type_0 import (
    AccountMetricsResponsePlatformMetricsType0,
)
from .account_metrics_response_status import AccountMetricsResponseStatus
from .account_next_slot_platform import AccountNextSlotPlatform
from .account_put_schedule_platform import AccountPutSchedulePlatform
from .account_type_view import AccountTypeView
from .account_type_view_capabilityscopes import AccountTypeViewCapabilityscopes
from .accounts_response import AccountsResponse
from .api_key_summary import ApiKeySummary
from .api_key_summary_kind import ApiKeySummaryKind
from .batch_item_result import BatchItemResult
from .batch_item_result_error_type_0 import BatchItemResultErrorType0
from .batch_posts_request import BatchPostsRequest
from .batch_posts_response import BatchPostsResponse
from .batch_validate_item import BatchValidateItem
from .batch_validate_item_error_type_0 import BatchValidateItemErrorType0
from .batch_validate_response import BatchValidateResponse
from .bluesky_options import BlueskyOptions
from .board import Board
from .boards_response import BoardsResponse
from .budget_usage import BudgetUsage
from .budget_usage_unit import BudgetUsageUnit
from .call_to_action import CallToAction
from .call_to_action_actiontype import CallToActionActiontype
from .capabilities import Capabilities
from .connect_start_request import ConnectStartRequest
from .connect_start_response import ConnectStartResponse
from .connect_start_response_platform import ConnectStartResponsePlatform
from .connected_account import ConnectedAccount
from .connected_account_health_type_0 import ConnectedAccountHealthType0
from .connected_account_platform import ConnectedAccountPlatform
from .connection import Connection
from .connection_fields_type_0 import ConnectionFieldsType0
from .create_api_key_request import CreateApiKeyRequest
from .create_api_key_request_kind import CreateApiKeyRequestKind
from .create_api_key_response import CreateApiKeyResponse
from .create_media_request import CreateMediaRequest
from .create_media_response import CreateMediaResponse
from .create_post_request import CreatePostRequest
from .create_post_response import CreatePostResponse
from .create_repurpose_link_request import CreateRepurposeLinkRequest
from .create_repurpose_link_request_type import CreateRepurposeLinkRequestType
from .create_repurpose_link_response import CreateRepurposeLinkResponse
from .create_saved_template_request import CreateSavedTemplateRequest
from .create_saved_template_request_aspect_ratio_type_0 import (
    CreateSavedTemplateRequestAspectRatioType0,
)
from .create_saved_template_request_config_type_0 import (
    CreateSavedTemplateRequestConfigType0,
)
from .create_upload_request import CreateUploadRequest
from .create_webhook_request import CreateWebhookRequest
from .create_webhook_request_events_type_0_item import (
    CreateWebhookRequestEventsType0Item,
)
from .created_webhook import CreatedWebhook
from .created_webhook_status import CreatedWebhookStatus
from .credits_balance_response import CreditsBalanceResponse
from .credits_info import CreditsInfo
from .daily_usage import DailyUsage
from .data_deletion_response import DataDeletionResponse
from .data_deletion_status import DataDeletionStatus
from .deauthorize_response import DeauthorizeResponse
from .delete_me_request import DeleteMeRequest
from .delete_me_response import DeleteMeResponse
from .delete_media_response import DeleteMediaResponse
from .deleted_response import DeletedResponse
from .deleted_template_response import DeletedTemplateResponse
from .deleted_webhook import DeletedWebhook
from .delivery import Delivery
from .delivery_list import DeliveryList
from .delivery_status import DeliveryStatus
from .disconnect_response import DisconnectResponse
from .disconnect_response_platform import DisconnectResponsePlatform
from .disconnect_response_revocation import DisconnectResponseRevocation
from .discord_embed import DiscordEmbed
from .discord_options import DiscordOptions
from .edit_post_request import EditPostRequest
from .error_body import ErrorBody
from .error_body_debug_type_0 import ErrorBodyDebugType0
from .error_body_details_type_1 import ErrorBodyDetailsType1
from .error_body_type import ErrorBodyType
from .error_detail import ErrorDetail
from .error_envelope import ErrorEnvelope
from .event import Event
from .facebook_options import FacebookOptions
from .flair import Flair
from .flairs_response import FlairsResponse
from .google_business_options import GoogleBusinessOptions
from .google_business_options_topictype import GoogleBusinessOptionsTopictype
from .health_response import HealthResponse
from .instagram_options import InstagramOptions
from .instagram_options_kind_type_0 import InstagramOptionsKindType0
from .key_info import KeyInfo
from .key_info_kind import KeyInfoKind
from .last_publish import LastPublish
from .last_trigger import LastTrigger
from .last_trigger_reason_type_0 import LastTriggerReasonType0
from .last_trigger_status import LastTriggerStatus
from .ledger_entry import LedgerEntry
from .link_settings import LinkSettings
from .linked_in_options import LinkedInOptions
from .linked_in_options_visibility_type_0 import LinkedInOptionsVisibilityType0
from .list_api_keys_response import ListApiKeysResponse
from .location_metrics import LocationMetrics
from .location_metrics_impressionsbysurface import LocationMetricsImpressionsbysurface
from .manual_connect_response import ManualConnectResponse
from .manual_connect_response_platform import ManualConnectResponsePlatform
from .manual_connected_account import ManualConnectedAccount
from .mastodon_options import MastodonOptions
from .mastodon_options_visibility_type_0 import MastodonOptionsVisibilityType0
from .me_response import MeResponse
from .me_response_tier import MeResponseTier
from .media_document import MediaDocument
from .media_document_kind_type_0 import MediaDocumentKindType0
from .media_document_source_type_0 import MediaDocumentSourceType0
from .media_list_media_type import MediaListMediaType
from .media_list_response import MediaListResponse
from .media_rule_view import MediaRuleView
from .media_summary import MediaSummary
from .media_use import MediaUse
from .metrics_error import MetricsError
from .metrics_kind_support import MetricsKindSupport
from .metrics_period import MetricsPeriod
from .metrics_support import MetricsSupport
from .next_slot_view import NextSlotView
from .offer import Offer
from .openapi_document_response_200 import OpenapiDocumentResponse200
from .pinterest_options import PinterestOptions
from .platform_options import PlatformOptions
from .platform_target import PlatformTarget
from .platform_target_options_type_0 import PlatformTargetOptionsType0
from .platform_view import PlatformView
from .platform_view_capabilityscopes import PlatformViewCapabilityscopes
from .platform_view_options import PlatformViewOptions
from .platform_view_platform import PlatformViewPlatform
from .platforms_response import PlatformsResponse
from .post import Post
from .post_content import PostContent
from .post_content_media_type_type_0 import PostContentMediaTypeType0
from .post_core_metrics import PostCoreMetrics
from .post_kind_view import PostKindView
from .post_list_response import PostListResponse
from .post_metrics_response import PostMetricsResponse
from .post_summary import PostSummary
from .post_summary_content_type_0 import PostSummaryContentType0
from .post_summary_targets_item import PostSummaryTargetsItem
from .post_view import PostView
from .post_view_content_type_0 import PostViewContentType0
from .post_view_runcounts import PostViewRuncounts
from .post_view_targets_item import PostViewTargetsItem
from .posting_schedule import PostingSchedule
from .posts_list_posts_platform import PostsListPostsPlatform
from .posts_list_posts_sort import PostsListPostsSort
from .posts_list_posts_status import PostsListPostsStatus
from .rate_limit_info import RateLimitInfo
from .rate_limit_info_tier import RateLimitInfoTier
from .readiness_response import ReadinessResponse
from .readiness_response_services import ReadinessResponseServices
from .reddit_options import RedditOptions
from .render_template_request import RenderTemplateRequest
from .render_template_request_aspect_ratio_type_0 import (
    RenderTemplateRequestAspectRatioType0,
)
from .render_template_request_config_type_0 import RenderTemplateRequestConfigType0
from .render_template_response import RenderTemplateResponse
from .repurpose_link import RepurposeLink
from .repurpose_link_list import RepurposeLinkList
from .repurpose_link_settings import RepurposeLinkSettings
from .repurpose_link_type import RepurposeLinkType
from .repurpose_list_links_platform import RepurposeListLinksPlatform
from .repurpose_list_links_type import RepurposeListLinksType
from .repurpose_trigger import RepurposeTrigger
from .repurpose_trigger_list import RepurposeTriggerList
from .repurpose_trigger_reason_type_0 import RepurposeTriggerReasonType0
from .repurpose_trigger_status import RepurposeTriggerStatus
from .retry_post_response import RetryPostResponse
from .retry_post_response_content_type_0 import RetryPostResponseContentType0
from .retry_post_response_runcounts import RetryPostResponseRuncounts
from .retry_post_response_targets_item import RetryPostResponseTargetsItem
from .revoke_api_key_response import RevokeApiKeyResponse
from .rotate_api_key_request import RotateApiKeyRequest
from .rotate_api_key_response import RotateApiKeyResponse
from .rotated_webhook import RotatedWebhook
from .rotated_webhook_status import RotatedWebhookStatus
from .run_deletion import RunDeletion
from .run_deletion_error_type_0 import RunDeletionErrorType0
from .run_deletion_status import RunDeletionStatus
from .run_metrics import RunMetrics
from .run_metrics_platform_metrics_type_0 import RunMetricsPlatformMetricsType0
from .run_metrics_status import RunMetricsStatus
from .run_view import RunView
from .run_view_last_error_type_0 import RunViewLastErrorType0
from .run_view_result_type_0 import RunViewResultType0
from .saved_template import SavedTemplate
from .saved_template_config import SavedTemplateConfig
from .saved_template_list import SavedTemplateList
from .schedule_view import ScheduleView
from .service_check import ServiceCheck
from .service_check_error_type_0 import ServiceCheckErrorType0
from .signed_request_form import SignedRequestForm
from .slot import Slot
from .slot_day import SlotDay
from .snapchat_options import SnapchatOptions
from .snapchat_options_kind import SnapchatOptionsKind
from .soku_limits import SokuLimits
from .soku_limits_dailyceilings import SokuLimitsDailyceilings
from .soku_limits_dailyceilings_additional_property import (
    SokuLimitsDailyceilingsAdditionalProperty,
)
from .soku_limits_endpointlimits import SokuLimitsEndpointlimits
from .soku_limits_ratelimits import SokuLimitsRatelimits
from .subscription_info import SubscriptionInfo
from .takedown_outcome import TakedownOutcome
from .takedown_outcome_error_type_0 import TakedownOutcomeErrorType0
from .takedown_outcome_outcome import TakedownOutcomeOutcome
from .telegram_options import TelegramOptions
from .template_field import TemplateField
from .template_field_type import TemplateFieldType
from .template_info import TemplateInfo
from .template_list_response import TemplateListResponse
from .template_size import TemplateSize
from .text_rule import TextRule
from .thread_part import ThreadPart
from .thread_part_media_type_type_0 import ThreadPartMediaTypeType0
from .threads_options import ThreadsOptions
from .tier_limit import TierLimit
from .tik_tok_event import TikTokEvent
from .tik_tok_event_response import TikTokEventResponse
from .tik_tok_options import TikTokOptions
from .tik_tok_options_privacy_level_type_0 import TikTokOptionsPrivacyLevelType0
from .transcribe_request import TranscribeRequest
from .transcribe_response import TranscribeResponse
from .unpublish_response import UnpublishResponse
from .unpublish_response_content_type_0 import UnpublishResponseContentType0
from .unpublish_response_runcounts import UnpublishResponseRuncounts
from .unpublish_response_targets_item import UnpublishResponseTargetsItem
from .update_media_request import UpdateMediaRequest
from .update_webhook_request import UpdateWebhookRequest
from .update_webhook_request_events_type_0_item import (
    UpdateWebhookRequestEventsType0Item,
)
from .upload_error import UploadError
from .upload_media_form import UploadMediaForm
from .upload_session import UploadSession
from .upload_session_status import UploadSessionStatus
from .validate_post_response import ValidatePostResponse
from .validate_post_response_media_item import ValidatePostResponseMediaItem
from .validate_post_response_targets_item import ValidatePostResponseTargetsItem
from .webhook import Webhook
from .webhook_list import WebhookList
from .webhook_status import WebhookStatus
from .webhook_test import WebhookTest
from .word_press_options import WordPressOptions
from .word_press_options_status import WordPressOptionsStatus
from .x_options import XOptions
from .x_options_reply_settings_type_0 import XOptionsReplySettingsType0
from .you_tube_options import YouTubeOptions
from .you_tube_options_privacy import YouTubeOptionsPrivacy

__all__ = (
    "AccountAccountBoardsPlatform",
    "AccountAccountCapabilitiesPlatform",
    "AccountAccountFlairsPlatform",
    "AccountAccountMetricsPlatform",
    "AccountCapabilities",
    "AccountCapabilitiesMissingscopes",
    "AccountCapabilitiesPlatform",
    "AccountCoreMetrics",
    "AccountDetail",
    "AccountDetailPlatform",
    "AccountDisconnectAccountPlatform",
    "AccountGetAccountPlatform",
    "AccountGetSchedulePlatform",
    "AccountHealth",
    "AccountListAccountsPlatform",
    "AccountMetricsResponse",
    "AccountMetricsResponsePlatformMetricsType0",
    "AccountMetricsResponseStatus",
    "AccountNextSlotPlatform",
    "AccountPutSchedulePlatform",
    "AccountTypeView",
    "AccountTypeViewCapabilityscopes",
    "AccountsResponse",
    "ApiKeySummary",
    "ApiKeySummaryKind",
    "BatchItemResult",
    "BatchItemResultErrorType0",
    "BatchPostsRequest",
    "BatchPostsResponse",
    "BatchValidateItem",
    "BatchValidateItemErrorType0",
    "BatchValidateResponse",
    "BlueskyOptions",
    "Board",
    "BoardsResponse",
    "BudgetUsage",
    "BudgetUsageUnit",
    "CallToAction",
    "CallToActionActiontype",
    "Capabilities",
    "ConnectStartRequest",
    "ConnectStartResponse",
    "ConnectStartResponsePlatform",
    "ConnectedAccount",
    "ConnectedAccountHealthType0",
    "ConnectedAccountPlatform",
    "Connection",
    "ConnectionFieldsType0",
    "CreateApiKeyRequest",
    "CreateApiKeyRequestKind",
    "CreateApiKeyResponse",
    "CreateMediaRequest",
    "CreateMediaResponse",
    "CreatePostRequest",
    "CreatePostResponse",
    "CreateRepurposeLinkRequest",
    "CreateRepurposeLinkRequestType",
    "CreateRepurposeLinkResponse",
    "CreateSavedTemplateRequest",
    "CreateSavedTemplateRequestAspectRatioType0",
    "CreateSavedTemplateRequestConfigType0",
    "CreateUploadRequest",
    "CreateWebhookRequest",
    "CreateWebhookRequestEventsType0Item",
    "CreatedWebhook",
    "CreatedWebhookStatus",
    "CreditsBalanceResponse",
    "CreditsInfo",
    "DailyUsage",
    "DataDeletionResponse",
    "DataDeletionStatus",
    "DeauthorizeResponse",
    "DeleteMeRequest",
    "DeleteMeResponse",
    "DeleteMediaResponse",
    "DeletedResponse",
    "DeletedTemplateResponse",
    "DeletedWebhook",
    "Delivery",
    "DeliveryList",
    "DeliveryStatus",
    "DisconnectResponse",
    "DisconnectResponsePlatform",
    "DisconnectResponseRevocation",
    "DiscordEmbed",
    "DiscordOptions",
    "EditPostRequest",
    "ErrorBody",
    "ErrorBodyDebugType0",
    "ErrorBodyDetailsType1",
    "ErrorBodyType",
    "ErrorDetail",
    "ErrorEnvelope",
    "Event",
    "FacebookOptions",
    "Flair",
    "FlairsResponse",
    "GoogleBusinessOptions",
    "GoogleBusinessOptionsTopictype",
    "HealthResponse",
    "InstagramOptions",
    "InstagramOptionsKindType0",
    "KeyInfo",
    "KeyInfoKind",
    "LastPublish",
    "LastTrigger",
    "LastTriggerReasonType0",
    "LastTriggerStatus",
    "LedgerEntry",
    "LinkSettings",
    "LinkedInOptions",
    "LinkedInOptionsVisibilityType0",
    "ListApiKeysResponse",
    "LocationMetrics",
    "LocationMetricsImpressionsbysurface",
    "ManualConnectResponse",
    "ManualConnectResponsePlatform",
    "ManualConnectedAccount",
    "MastodonOptions",
    "MastodonOptionsVisibilityType0",
    "MeResponse",
    "MeResponseTier",
    "MediaDocument",
    "MediaDocumentKindType0",
    "MediaDocumentSourceType0",
    "MediaListMediaType",
    "MediaListResponse",
    "MediaRuleView",
    "MediaSummary",
    "MediaUse",
    "MetricsError",
    "MetricsKindSupport",
    "MetricsPeriod",
    "MetricsSupport",
    "NextSlotView",
    "Offer",
    "OpenapiDocumentResponse200",
    "PinterestOptions",
    "PlatformOptions",
    "PlatformTarget",
    "PlatformTargetOptionsType0",
    "PlatformView",
    "PlatformViewCapabilityscopes",
    "PlatformViewOptions",
    "PlatformViewPlatform",
    "PlatformsResponse",
    "Post",
    "PostContent",
    "PostContentMediaTypeType0",
    "PostCoreMetrics",
    "PostKindView",
    "PostListResponse",
    "PostMetricsResponse",
    "PostSummary",
    "PostSummaryContentType0",
    "PostSummaryTargetsItem",
    "PostView",
    "PostViewContentType0",
    "PostViewRuncounts",
    "PostViewTargetsItem",
    "PostingSchedule",
    "PostsListPostsPlatform",
    "PostsListPostsSort",
    "PostsListPostsStatus",
    "RateLimitInfo",
    "RateLimitInfoTier",
    "ReadinessResponse",
    "ReadinessResponseServices",
    "RedditOptions",
    "RenderTemplateRequest",
    "RenderTemplateRequestAspectRatioType0",
    "RenderTemplateRequestConfigType0",
    "RenderTemplateResponse",
    "RepurposeLink",
    "RepurposeLinkList",
    "RepurposeLinkSettings",
    "RepurposeLinkType",
    "RepurposeListLinksPlatform",
    "RepurposeListLinksType",
    "RepurposeTrigger",
    "RepurposeTriggerList",
    "RepurposeTriggerReasonType0",
    "RepurposeTriggerStatus",
    "RetryPostResponse",
    "RetryPostResponseContentType0",
    "RetryPostResponseRuncounts",
    "RetryPostResponseTargetsItem",
    "RevokeApiKeyResponse",
    "RotateApiKeyRequest",
    "RotateApiKeyResponse",
    "RotatedWebhook",
    "RotatedWebhookStatus",
    "RunDeletion",
    "RunDeletionErrorType0",
    "RunDeletionStatus",
    "RunMetrics",
    "RunMetricsPlatformMetricsType0",
    "RunMetricsStatus",
    "RunView",
    "RunViewLastErrorType0",
    "RunViewResultType0",
    "SavedTemplate",
    "SavedTemplateConfig",
    "SavedTemplateList",
    "ScheduleView",
    "ServiceCheck",
    "ServiceCheckErrorType0",
    "SignedRequestForm",
    "Slot",
    "SlotDay",
    "SnapchatOptions",
    "SnapchatOptionsKind",
    "SokuLimits",
    "SokuLimitsDailyceilings",
    "SokuLimitsDailyceilingsAdditionalProperty",
    "SokuLimitsEndpointlimits",
    "SokuLimitsRatelimits",
    "SubscriptionInfo",
    "TakedownOutcome",
    "TakedownOutcomeErrorType0",
    "TakedownOutcomeOutcome",
    "TelegramOptions",
    "TemplateField",
    "TemplateFieldType",
    "TemplateInfo",
    "TemplateListResponse",
    "TemplateSize",
    "TextRule",
    "ThreadPart",
    "ThreadPartMediaTypeType0",
    "ThreadsOptions",
    "TierLimit",
    "TikTokEvent",
    "TikTokEventResponse",
    "TikTokOptions",
    "TikTokOptionsPrivacyLevelType0",
    "TranscribeRequest",
    "TranscribeResponse",
    "UnpublishResponse",
    "UnpublishResponseContentType0",
    "UnpublishResponseRuncounts",
    "UnpublishResponseTargetsItem",
    "UpdateMediaRequest",
    "UpdateWebhookRequest",
    "UpdateWebhookRequestEventsType0Item",
    "UploadError",
    "UploadMediaForm",
    "UploadSession",
    "UploadSessionStatus",
    "ValidatePostResponse",
    "ValidatePostResponseMediaItem",
    "ValidatePostResponseTargetsItem",
    "Webhook",
    "WebhookList",
    "WebhookStatus",
    "WebhookTest",
    "WordPressOptions",
    "WordPressOptionsStatus",
    "XOptions",
    "XOptionsReplySettingsType0",
    "YouTubeOptions",
    "YouTubeOptionsPrivacy",
)
