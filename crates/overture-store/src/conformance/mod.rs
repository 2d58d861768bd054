//! The conformance suite: one `pub async fn` per behaviour every [`Store`](crate::Store)
//! backend must have, each taking a fresh store.
//!
//! A backend's test binary runs the whole suite with one line:
//!
//! ```text
//! overture_store::conformance_tests!(async || fresh_store().await);
//! ```
//!
//! The closure is called once per test and must return a store with nothing in it but what
//! the migrations create, or a `(store, guard)` pair whose guard (a temporary directory, a
//! throwaway database) is dropped after the test, or `None` to skip (see [`Fixture`]). The test crate needs `tokio` (with `macros` and `rt-multi-thread`)
//! as a dev-dependency.
//!
//! Fixtures are fictional: `example.com` addresses and `conformance-lead-N` profiles.

mod account_leases;
mod accounts;
mod actions;
mod campaigns;
mod engine;
mod erasure;
mod history;
mod invitations;
mod leads;
mod secrets;
mod suppressions;
mod users;
mod variants;
mod webhooks;

use jiff::Timestamp;
use overture_core::account::Zone;
use overture_core::limits::AccountLimits;
use overture_core::sequence::CampaignSpec;
use overture_core::working_hours::WorkingHours;
use overture_core::{
    AccountKind, AccountStatus, NewAccount, NewLead, ProfileUrl, Tier, WorkspaceId,
};

pub use account_leases::*;
pub use accounts::*;
pub use actions::*;
pub use campaigns::*;
pub use engine::*;
pub use erasure::*;
pub use history::*;
pub use invitations::*;
pub use leads::*;
pub use secrets::*;
pub use suppressions::*;
pub use users::*;
pub use variants::*;
pub use webhooks::*;

/// Expands to one `#[tokio::test]` per behaviour of the suite. The argument is an
/// `async` closure (or any `Fn() -> impl Future<Output = S>`) that makes a fresh store.
#[macro_export]
macro_rules! conformance_tests {
    ($make:expr) => {
        $crate::conformance_tests!(@each $make;
            workspaces_default_exists_and_names_are_unique,
            accounts_create_get_and_list,
            account_name_conflicts_only_within_a_workspace,
            account_status_changes_and_persists,
            account_settings_change_and_keep_the_rest,
            workspace_isolation_hides_other_workspaces_rows,
            import_inserts_then_reimport_changes_nothing,
            import_present_values_replace_absent_never_erase,
            import_puts_leads_on_lists,
            import_merges_rows_about_the_same_person,
            import_into_missing_workspace_is_not_found_and_changes_nothing,
            import_failing_midway_changes_nothing,
            import_dropped_midway_changes_nothing,
            import_reports_progress_up_to_the_row_count,
            list_leads_pages_by_id,
            lead_by_url_normalises_the_key,
            campaign_versions_follow_source_changes,
            campaign_status_changes,
            events_are_ordered_and_filtered,
            invitation_record_and_transition,
            invitation_refused_transition_changes_nothing,
            second_pending_invitation_conflicts,
            invitations_are_filtered,
            cooldown_never_shrinks,
            enqueue_is_idempotent_per_key,
            claim_takes_only_due_actions_oldest_first,
            expired_lease_is_reclaimed_with_a_new_fence,
            stale_fence_cannot_finish,
            action_state_machine_refusals_change_nothing,
            released_action_is_claimed_again,
            enrollments_are_one_open_per_lead,
            enrollment_updates_are_guarded,
            proximity_is_kept_on_the_enrollment,
            accounts_are_watched_while_work_is_open,
            effect_ledger_intent_then_result,
            effect_batches_answer_each_action,
            effect_retry_requeues_without_intent,
            backoffs_and_cursors_persist,
            change_sets_are_all_or_nothing,
            history_import_stores_people_connections_and_invitations,
            history_reimport_changes_nothing,
            history_merges_a_later_export,
            history_accepts_only_invitations_a_connection_answers,
            history_fills_but_never_overwrites_people,
            history_for_an_unknown_account_is_not_found,
            history_connections_are_first_degree_in_enrollments,
            variants_are_kept_once_per_step,
            variant_stats_count_sends_and_successes,
            secrets_put_get_replace_and_delete,
            secrets_are_scoped_by_workspace_and_account,
            workspace_secrets_put_get_and_list,
            suppressions_add_list_and_remove,
            suppression_matches_leads_and_marks_claims,
            unsubscribe_tokens_suppress_their_lead,
            erasing_a_lead_removes_the_person_and_keeps_a_hash,
            // Users, memberships, sessions and API tokens.
            users_are_unique_by_address_and_read_back,
            memberships_are_per_workspace_and_keep_an_owner,
            sessions_resolve_until_expired_deleted_or_left,
            api_tokens_are_scoped_and_revocable,
            webhook_endpoints_create_list_toggle_and_delete,
            webhook_endpoints_are_scoped_by_workspace,
            webhook_deliveries_are_queued_once_and_move_the_cursor,
            webhook_deliveries_claim_attempt_and_finish,
            account_leases_give_each_account_to_one_worker,
            expired_account_lease_is_taken_over_with_a_higher_fence,
            account_takeover_fences_the_former_holders_claims,
            in_flight_intents_for_cover_only_held_accounts,
            next_due_for_counts_only_held_accounts,
        );
    };
    (@each $make:expr; $($name:ident),* $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let make = $make;
                // A fixture without a store (a backend whose server is not configured) skips.
                if let Some((store, guard)) = $crate::conformance::Fixture::split(make().await) {
                    $crate::conformance::$name(store).await;
                    drop(guard);
                }
            }
        )*
    };
}

/// What a backend's test hands to the suite: a store, or a store with a guard that must
/// outlive it (a temporary directory, a throwaway database), or `None` of either when the
/// backend cannot run here (its server is not configured): the test then passes without
/// checking anything, and the backend's fixture says so on stderr.
pub trait Fixture {
    /// The store under test.
    type Store: crate::Store;
    /// Dropped once the test is over.
    type Guard;
    /// Separates the store from its guard; `None` skips the test.
    fn split(self) -> Option<(Self::Store, Self::Guard)>;
}

impl<S: crate::Store> Fixture for S {
    type Store = S;
    type Guard = ();
    fn split(self) -> Option<(S, ())> {
        Some((self, ()))
    }
}

impl<S: crate::Store, G> Fixture for (S, G) {
    type Store = S;
    type Guard = G;
    fn split(self) -> Option<(S, G)> {
        Some(self)
    }
}

impl<F: Fixture> Fixture for Option<F> {
    type Store = F::Store;
    type Guard = F::Guard;
    fn split(self) -> Option<(F::Store, F::Guard)> {
        self.and_then(Fixture::split)
    }
}

/// Test time: `second` seconds after 2026-09-01T00:00:00Z (whole seconds, as stores keep
/// milliseconds).
pub fn at(second: i64) -> Timestamp {
    match Timestamp::from_second(1_788_220_800 + second) {
        Ok(t) => t,
        Err(e) => panic!("test time {second} out of range: {e}"),
    }
}

/// A fictional profile URL.
pub fn url(slug: &str) -> ProfileUrl {
    let raw = format!("https://www.linkedin.com/in/{slug}");
    match ProfileUrl::parse(&raw) {
        Ok(url) => url,
        Err(e) => panic!("fixture URL {raw} does not parse: {e}"),
    }
}

/// A fictional lead with a first name and an example.com address.
pub fn lead(i: u64) -> NewLead {
    let mut lead = NewLead::new(url(&format!("conformance-lead-{i}")));
    lead.first_name = Some(format!("Lead{i}"));
    lead.email = Some(format!("lead{i}@example.com"));
    lead
}

/// A sandbox account with default limits and hours.
pub fn new_account(ws: WorkspaceId, name: &str) -> NewAccount {
    NewAccount {
        workspace_id: ws,
        name: name.to_owned(),
        kind: AccountKind::Sandbox,
        tier: Tier::Free,
        time_zone: Zone::utc(),
        working_hours: WorkingHours::default(),
        limits: AccountLimits::for_tier(Tier::Free),
        governor: Default::default(),
        sender: Default::default(),
        status: AccountStatus::Active,
        created_at: at(0),
    }
}

/// A minimal campaign definition, built from JSON so that the suite does not follow every
/// change of the definition's Rust shape.
pub fn spec(name: &str, list: &str) -> CampaignSpec {
    let json = serde_json::json!({
        "name": name,
        "accounts": ["alice"],
        "leads": { "list": list },
        "settings": { "stop_on_reply": true, "skip_if_contacted_by_any_campaign": true },
        "steps": [ { "label": null, "kind": { "type": "visit_profile" } } ],
    });
    match serde_json::from_value(json) {
        Ok(spec) => spec,
        Err(e) => panic!("the fixture campaign spec no longer decodes, update it: {e}"),
    }
}

/// Unwraps a store result, naming the step that failed.
#[track_caller]
pub fn ok<T>(step: &str, result: Result<T, crate::StoreError>) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("{step}: {e}"),
    }
}
