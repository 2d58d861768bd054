//! The outcome report, computed from stored facts only (invitations, effects, events).

use std::collections::BTreeMap;

use jiff::Timestamp;
use overture_core::limits::WEEK;
use overture_core::{Account, AccountId, ActionKind, EventKind, InvitationState, WorkspaceId};
use overture_store::{EffectEntry, EventQuery, InvitationQuery, Store};
use serde::Serialize;

use crate::EngineError;

/// Counts for one account or for the whole workspace.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    /// Invitations sent.
    pub invites_sent: u64,
    /// Invitations accepted.
    pub invites_accepted: u64,
    /// Invitations withdrawn.
    pub invites_withdrawn: u64,
    /// Invitations pending now.
    pub invites_pending: u64,
    /// The most invitations pending at the same time.
    pub max_pending: u64,
    /// Accepted per sent (0 without invitations).
    pub acceptance_rate: f64,
    /// LinkedIn messages sent.
    pub messages_sent: u64,
    /// Replies received.
    pub replies: u64,
    /// Calendar days over a daily cap plus rolling weeks over a weekly cap, checked from the
    /// effect history against the account's limits. Always 0.
    pub cap_violations: u64,
    /// Times an account was restricted.
    pub restrictions: u64,
}

/// The counts of one account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountMetrics {
    /// The account.
    pub account: AccountId,
    /// Its handle.
    pub name: String,
    /// Its counts.
    #[serde(flatten)]
    pub counts: Counts,
}

/// The report of a workspace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// When it was computed.
    pub at: Timestamp,
    /// Per account, in id order.
    pub accounts: Vec<AccountMetrics>,
    /// For the whole workspace.
    pub totals: Counts,
}

/// Computes the report of workspace `ws` at `now` from stored facts.
pub async fn metrics<S: Store>(
    store: &S,
    ws: WorkspaceId,
    now: Timestamp,
) -> Result<Report, EngineError> {
    let accounts = store.list_accounts(ws).await?;
    let all = InvitationQuery {
        after: None,
        account: None,
        state: None,
        sent_before: None,
        limit: u32::MAX,
    };
    let invitations = store.list_invitations(ws, all).await?;
    let effects = store.effect_log(ws).await?;
    let mut events: BTreeMap<(AccountId, EventKind), u64> = BTreeMap::new();
    let mut after = None;
    loop {
        let query = EventQuery {
            after,
            kinds: vec![
                EventKind::MessageSent,
                EventKind::ReplyReceived,
                EventKind::AccountRestricted,
            ],
            limit: 10_000,
        };
        let page = store.list_events(ws, query).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for e in &page {
            if let Some(account) = e.event.account_id {
                *events.entry((account, e.event.kind)).or_default() += 1;
            }
        }
    }
    let mut report = Report {
        at: now,
        accounts: Vec::new(),
        totals: Counts::default(),
    };
    let mut spans = Vec::new();
    for account in &accounts {
        let mine: Vec<_> = invitations
            .iter()
            .filter(|i| i.account_id == account.id)
            .collect();
        let count = |state| mine.iter().filter(|i| i.state == state).count() as u64;
        let my_spans: Vec<_> = mine.iter().map(|i| (i.sent_at, i.resolved_at)).collect();
        spans.extend(my_spans.iter().copied());
        let event = |kind| events.get(&(account.id, kind)).copied().unwrap_or(0);
        let counts = Counts {
            invites_sent: mine.len() as u64,
            invites_accepted: count(InvitationState::Accepted),
            invites_withdrawn: count(InvitationState::Withdrawn),
            invites_pending: count(InvitationState::Pending),
            max_pending: max_concurrent(&my_spans),
            acceptance_rate: rate(count(InvitationState::Accepted), mine.len() as u64),
            messages_sent: event(EventKind::MessageSent),
            replies: event(EventKind::ReplyReceived),
            cap_violations: cap_violations(account, &effects),
            restrictions: event(EventKind::AccountRestricted),
        };
        add(&mut report.totals, &counts);
        report.accounts.push(AccountMetrics {
            account: account.id,
            name: account.name.clone(),
            counts,
        });
    }
    report.totals.max_pending = max_concurrent(&spans);
    report.totals.acceptance_rate =
        rate(report.totals.invites_accepted, report.totals.invites_sent);
    Ok(report)
}

fn add(total: &mut Counts, c: &Counts) {
    total.invites_sent += c.invites_sent;
    total.invites_accepted += c.invites_accepted;
    total.invites_withdrawn += c.invites_withdrawn;
    total.invites_pending += c.invites_pending;
    total.messages_sent += c.messages_sent;
    total.replies += c.replies;
    total.cap_violations += c.cap_violations;
    total.restrictions += c.restrictions;
}

fn rate(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The most intervals `[sent, resolved)` open at once (an unresolved one stays open).
fn max_concurrent(spans: &[(Timestamp, Option<Timestamp>)]) -> u64 {
    let mut edges: Vec<(Timestamp, i64)> = Vec::with_capacity(spans.len() * 2);
    for &(start, end) in spans {
        edges.push((start, 1));
        if let Some(end) = end {
            edges.push((end, -1));
        }
    }
    // At the same instant an end comes before a start.
    edges.sort_unstable();
    let (mut open, mut max) = (0i64, 0i64);
    for (_, delta) in edges {
        open += delta;
        max = max.max(open);
    }
    u64::try_from(max).unwrap_or(0)
}

/// Days over a kind's daily cap plus effects that end a rolling week over its weekly cap,
/// counted independently of the engine from the effect history and the account's limits.
fn cap_violations(account: &Account, effects: &[EffectEntry]) -> u64 {
    let tz = account.time_zone.tz();
    let mut violations = 0;
    for kind in ActionKind::ALL {
        let Some(limit) = account.limits.kinds.get(&kind) else {
            continue;
        };
        let times: Vec<Timestamp> = effects
            .iter()
            .filter(|e| e.account == account.id && e.kind == kind)
            .map(|e| e.at)
            .collect();
        let mut days: BTreeMap<jiff::civil::Date, u32> = BTreeMap::new();
        for &t in &times {
            *days.entry(tz.to_datetime(t).date()).or_default() += 1;
        }
        violations += days.values().filter(|&&n| n > limit.per_day).count() as u64;
        // `times` is sorted (the log is by instant): a two-pointer sweep over 168-hour windows.
        let mut first = 0;
        for (i, &t) in times.iter().enumerate() {
            while times[first] <= t.checked_sub(WEEK).unwrap_or(t) {
                first += 1;
            }
            if (i + 1 - first) as u64 > u64::from(limit.per_week) {
                violations += 1;
            }
        }
    }
    violations
}
