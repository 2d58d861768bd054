//! A campaign's numbers: its funnel (enrolled, invited, accepted, replied) and how each text
//! variant of each step does, as `overture campaign stats` and the API show them.

use std::collections::BTreeSet;

use overture_core::sequence::StepKind;
use overture_core::variants::{Goal, summarize};
use overture_core::{Campaign, EventKind, InvitationState, LeadId};
use overture_store::{EventQuery, InvitationQuery, Store, VariantStats, step_tallies};
use serde::Serialize;

use crate::EngineError;

/// Rows read per page while counting.
const PAGE: u32 = 10_000;

/// How each text variant of a campaign does, per step.
#[derive(Debug, Clone, Serialize)]
pub struct StatsReport {
    /// The campaign's name.
    pub campaign: String,
    /// The steps that send text.
    pub steps: Vec<StepStats>,
}

/// One step with text variants. Steps and variants are numbered from 1, as
/// `campaign show` numbers steps and `note_variant` counts notes.
#[derive(Debug, Clone, Serialize)]
pub struct StepStats {
    /// The step, from 1.
    pub step: usize,
    /// Its label, if any.
    pub label: Option<String>,
    /// Its kind (`invite`, `message`, `email`).
    pub kind: &'static str,
    /// What counts as a success: acceptance or reply.
    pub goal: Goal,
    /// Its variants, from 1.
    pub variants: Vec<VariantLine>,
}

/// One variant's line.
#[derive(Debug, Clone, Serialize)]
pub struct VariantLine {
    /// The variant, from 1.
    pub variant: usize,
    /// The note or text as written (an email's subject).
    pub text: String,
    /// How many were sent.
    pub sends: u64,
    /// How many succeeded (accepted, replied to).
    pub successes: u64,
    /// Successes per send; `null` before anything was sent.
    pub rate: Option<f64>,
    /// The 95% Wilson score interval of the rate, `[low, high]`; `null` before anything was
    /// sent.
    pub interval: Option<[f64; 2]>,
    /// The probability that this variant is the step's best; `null` for a step with one.
    pub p_best: Option<f64>,
}

/// The texts of a step as written: notes, message texts, or email subjects.
fn texts(kind: &StepKind) -> Vec<&str> {
    match kind {
        StepKind::Invite(invite) => invite.notes.iter().map(String::as_str).collect(),
        StepKind::Message(message) => message.texts.iter().map(String::as_str).collect(),
        StepKind::Email(email) => email.variants.iter().map(|v| v.subject.as_str()).collect(),
        _ => Vec::new(),
    }
}

/// The report of every step that sends text, from the campaign's statistics.
pub fn variant_report(campaign: &Campaign, stats: &[VariantStats]) -> StatsReport {
    let mut steps = Vec::new();
    for (index, step) in campaign.spec.steps.iter().enumerate() {
        let texts = texts(&step.kind);
        let (Some(goal), false) = (step.kind.goal(), texts.is_empty()) else {
            continue;
        };
        let number = u32::try_from(index).unwrap_or(u32::MAX);
        let tallies = step_tallies(stats, number, texts.len());
        let several = texts.len() > 1;
        let variants = texts
            .iter()
            .zip(summarize(&tallies))
            .enumerate()
            .map(|(i, (text, s))| VariantLine {
                variant: i + 1,
                text: (*text).to_owned(),
                sends: s.tally.sends,
                successes: s.tally.successes,
                rate: s.rate,
                interval: s.interval.map(|i| [i.low, i.high]),
                p_best: several.then_some(s.best),
            })
            .collect();
        steps.push(StepStats {
            step: index + 1,
            label: step.label.clone(),
            kind: step.kind.name(),
            goal,
            variants,
        });
    }
    StatsReport {
        campaign: campaign.name.clone(),
        steps,
    }
}

/// How far a campaign's leads got, each counted once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Funnel {
    /// Leads enrolled.
    pub enrolled: u64,
    /// Leads the campaign sent an invitation to.
    pub invited: u64,
    /// Leads who accepted one.
    pub accepted: u64,
    /// Leads who replied.
    pub replied: u64,
}

/// The funnel of `campaign`, from its enrollments, its invitations and the replies recorded
/// for it.
pub async fn funnel<S: Store>(store: &S, campaign: &Campaign) -> Result<Funnel, EngineError> {
    let ws = campaign.workspace_id;
    let enrolled = store.list_enrollments(ws, campaign.id).await?.len() as u64;
    let (mut invited, mut accepted) = (BTreeSet::<LeadId>::new(), BTreeSet::<LeadId>::new());
    let mut after = None;
    loop {
        let query = InvitationQuery {
            after,
            account: None,
            state: None,
            sent_before: None,
            limit: PAGE,
        };
        let page = store.list_invitations(ws, query).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for i in page.iter().filter(|i| i.campaign_id == Some(campaign.id)) {
            invited.insert(i.lead_id);
            if i.state == InvitationState::Accepted {
                accepted.insert(i.lead_id);
            }
        }
    }
    let mut replied = BTreeSet::<LeadId>::new();
    let mut after = None;
    loop {
        let query = EventQuery {
            after,
            kinds: vec![EventKind::ReplyReceived],
            limit: PAGE,
        };
        let page = store.list_events(ws, query).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        replied.extend(
            page.iter()
                .filter(|e| e.event.campaign_id == Some(campaign.id))
                .filter_map(|e| e.event.lead_id),
        );
    }
    Ok(Funnel {
        enrolled,
        invited: invited.len() as u64,
        accepted: accepted.len() as u64,
        replied: replied.len() as u64,
    })
}
