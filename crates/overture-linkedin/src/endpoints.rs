//! Every Voyager path, decoration id and query id the client uses, in one place: LinkedIn
//! changes them every few months, and a change should be a one-line edit here.
//!
//! Paths are relative to [`VOYAGER`] under the account's `api_base`. Unless a comment says
//! otherwise, each entry is taken from `shared/reference/linkedin.md`, section "Voyager".

/// The Voyager prefix under the account's `api_base` (`https://www.linkedin.com` by default).
pub const VOYAGER: &str = "/voyager/api";

/// `GET`: a profile by public slug (reference: "The profile id (`ACoAA…`) comes from …").
/// Query: `q=memberIdentity&memberIdentity=<slug>&decorationId=<`[`PROFILE_DECORATION`]`>`.
pub const PROFILE: &str = "/identity/dash/profiles";
/// The decoration that brings the profile's `MemberRelationship` (degree, pending invitation).
///
/// The account check looks up the account's own profile with it too (by the slug `/me`
/// gives). That use is not in the reference: open-source clients read the same full profile
/// for `headline` (or `multiLocaleHeadline`), the about section as `summary` (or
/// `multiLocaleSummary`), the photo as `profilePicture.displayImageReference`, and the
/// experience section as `*profilePositionGroups`, a collection of
/// `urn:li:fsd_profilePositionGroup:` entities (one per employer).
pub const PROFILE_DECORATION: &str =
    "com.linkedin.voyager.dash.deco.identity.profile.FullProfileWithEntities-91";

/// `POST`: send an invitation (reference: "Send an invitation (current since late 2024)").
/// Query: `action=`[`INVITE_ACTION`]`&decorationId=<`[`INVITE_DECORATION`]`>`.
pub const INVITE: &str = "/voyagerRelationshipsDashMemberRelationships";
/// The action of [`INVITE`].
pub const INVITE_ACTION: &str = "verifyQuotaAndCreateV2";
/// The decoration of [`INVITE`]'s answer, which carries `invitationUrn`.
pub const INVITE_DECORATION: &str =
    "com.linkedin.voyager.dash.deco.relationships.InvitationCreationResultWithInvitee-2";

/// `GET`: pending sent invitations, `start=<n>&count=<≤ 100>&invitationType=CONNECTION&q=invitationType`
/// (reference: "List sent (pending) invitations").
pub const SENT_INVITATIONS: &str = "/relationships/sentInvitationViewsV2";
/// The largest page the sent list serves.
pub const SENT_PAGE_MAX: u32 = 100;

/// `GET`: the count of pending sent invitations, answered as `numTotalSentInvitations`
/// (reference: "Count").
pub const INVITATIONS_SUMMARY: &str = "/relationships/invitationsSummaryV2";
/// The query of [`INVITATIONS_SUMMARY`].
pub const INVITATIONS_SUMMARY_TYPES: &str = "List(SENT_INVITATION_COUNT)";

/// `POST`: withdraw, current form: `<this>/<urn:li:fsd_invitation:id, url-encoded>?action=withdraw`
/// with `{"invitationType":"CONNECTION"}` (reference: "Withdraw, current form").
pub const INVITATION_DASH: &str = "/voyagerRelationshipsDashInvitations";
/// `POST`: withdraw, older batch form: `?action=closeInvitations` with `ACTOR_WITHDRAW`; the
/// answer's `value.statusCodeMap` is keyed by urn (reference: "Older batch form").
pub const INVITATIONS_BATCH: &str = "/relationships/invitations";

/// `GET`: recent connections, newest first (reference: "Detect acceptance: poll recent
/// connections"). The query (`q=search&sortType=RECENTLY_ADDED`) and
/// [`CONNECTIONS_DECORATION`] are not in the reference: they are the web client's, as
/// open-source clients send them.
pub const CONNECTIONS: &str = "/relationships/dash/connections";
/// The decoration of [`CONNECTIONS`] that resolves each connected member's profile (not in the
/// reference; see [`CONNECTIONS`]).
pub const CONNECTIONS_DECORATION: &str =
    "com.linkedin.voyager.dash.deco.web.mynetwork.ConnectionListWithProfile-16";
/// The page size used for [`CONNECTIONS`] (the web client's).
pub const CONNECTIONS_PAGE: u32 = 40;

/// `POST`: send a message, `?action=createMessage` (reference: "Send a message").
pub const MESSAGE_CREATE: &str = "/voyagerMessagingDashMessengerMessages";

/// `GET`: who the session belongs to (`miniProfile`, `premiumSubscriber`), for the mailbox urn
/// of a first message and the account check. Not in the reference: the long-standing `/me`
/// endpoint of open-source clients.
pub const ME: &str = "/me";

/// `GET`: the session's own connection count, answered as `numConnections`. Not in the
/// reference: the endpoint open-source clients read the count from (the per-profile
/// `identity/profiles/<slug>/networkinfo`, with `connectionsCount`, is the older form).
pub const CONNECTIONS_SUMMARY: &str = "/relationships/connectionsSummary";

/// `GET`: conversations, most recent activity first, each with its last event
/// (`keyVersion=LEGACY_INBOX`, paged by `createdBefore=<epoch ms>`). Not in the reference, which
/// names no endpoint for reading messages: the older REST form open-source clients use. The
/// web client moved to GraphQL query ids (`voyagerMessagingGraphQL`); check this against the
/// fake and the real site before relying on reply detection.
pub const CONVERSATIONS: &str = "/messaging/conversations";
