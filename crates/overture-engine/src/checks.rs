//! The message checks a campaign passes before it starts (`overture campaign validate` and
//! `start`, and the API's validate and start): the lint on every text,
//! the senders' profiles against the `sender.*` variables the texts use, and every text
//! rendered for every lead of the campaign's list (the spelling each lead will get and the
//! longest), against the smallest limit of the campaign's senders.

use overture_campaign::{CampaignText, TextField};
use overture_core::sequence::{CampaignSpec, LeadSource, StepKind};
use overture_core::{AccountKind, Lead, SenderProfile, Tier, WorkspaceId};
use overture_message::{Severity, Template, TextKind, Vars, check_lead, lint, seed};
use overture_store::{LeadQuery, Store, StoreError};
use serde::Serialize;

/// Leads read per page.
const PAGE: u32 = 5_000;

/// One text of the campaign and what was found about it.
#[derive(Debug, Serialize)]
pub struct TextReport {
    /// Step index, 1-based as users count.
    pub step: usize,
    /// `note`, `text`, `subject` or `body`.
    pub field: &'static str,
    /// Variant, 1-based.
    pub variant: usize,
    /// Where the text is in the file, when checked from a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The column, with `line`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The lint's score.
    pub score: u32,
    /// The lint's findings.
    pub findings: Vec<overture_message::Finding>,
    /// Senders whose profile lacks a `sender.*` value the text uses.
    pub senders: Vec<String>,
    /// Leads that cannot get the text, with why and the fix.
    pub leads: Vec<LeadProblem>,
}

/// A lead whose text cannot go out.
#[derive(Debug, Serialize)]
pub struct LeadProblem {
    /// The lead's profile.
    pub profile_url: String,
    /// The lead's full name, when known.
    pub name: Option<String>,
    /// What is wrong.
    pub problem: String,
    /// How to fix it.
    pub fix: String,
}

/// Every text's report, and how many leads were rendered.
#[derive(Debug, Serialize)]
pub struct MessageReport {
    /// Every text of the campaign, in step order.
    pub texts: Vec<TextReport>,
    /// Leads on the campaign's list; `None` when the list is not imported yet.
    pub leads: Option<usize>,
    /// The note limit checked against, from the smallest of the senders' tiers.
    pub tier: Tier,
    /// Steps a sender's channel cannot carry (each would stop every lead that reaches it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
}

impl MessageReport {
    /// Whether something must be fixed before the campaign may start.
    pub fn blocks(&self) -> bool {
        !self.steps.is_empty()
            || self.texts.iter().any(|t| {
                !t.leads.is_empty()
                    || !t.senders.is_empty()
                    || t.findings.iter().any(|f| f.severity == Severity::Error)
            })
    }
}

/// The kind of a campaign text.
fn kind_of(field: TextField) -> TextKind {
    match field {
        TextField::Note => TextKind::Invite,
        TextField::Text => TextKind::Message,
        TextField::Subject => TextKind::EmailSubject,
        TextField::Body | TextField::Html => TextKind::EmailBody,
    }
}

/// Every text of `spec` with its step, field and variant, in step order.
fn texts_of(spec: &CampaignSpec) -> Vec<(usize, TextField, usize, &str)> {
    let mut out = Vec::new();
    for (step, s) in spec.steps.iter().enumerate() {
        match &s.kind {
            StepKind::Invite(invite) => {
                for (v, note) in invite.notes.iter().enumerate() {
                    out.push((step, TextField::Note, v, note.as_str()));
                }
            }
            StepKind::Message(message) => {
                for (v, text) in message.texts.iter().enumerate() {
                    out.push((step, TextField::Text, v, text.as_str()));
                }
            }
            StepKind::Email(email) => {
                for (v, content) in email.variants.iter().enumerate() {
                    out.push((step, TextField::Subject, v, content.subject.as_str()));
                    out.push((step, TextField::Body, v, content.body.as_str()));
                    if let Some(html) = &content.html {
                        out.push((step, TextField::Html, v, html.as_str()));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Runs the checks for `spec`; `located` says where each text is in its file.
pub async fn check_campaign(
    store: &impl Store,
    ws: WorkspaceId,
    spec: &CampaignSpec,
    located: &[CampaignText],
) -> Result<MessageReport, StoreError> {
    let accounts: Vec<_> = store
        .list_accounts(ws)
        .await?
        .into_iter()
        .filter(|a| spec.accounts.contains(&a.name))
        .collect();
    let tier = accounts
        .iter()
        .map(|a| a.tier)
        .min_by_key(|t| t.note_limit())
        .unwrap_or(Tier::Free);
    // Per-lead rendering fills sender fields with a stand-in: a sender's missing field is
    // reported once per sender, not once per lead.
    let stand_in = SenderProfile {
        first_name: Some("Sender".to_owned()),
        last_name: Some("Sender".to_owned()),
        company: Some("Sender Company".to_owned()),
        position: Some("Sender Position".to_owned()),
    };
    let leads = campaign_leads(store, ws, spec).await?;
    let mut reports = Vec::new();
    for (step, field, variant, source) in texts_of(spec) {
        let kind = kind_of(field);
        let place = located
            .iter()
            .find(|t| t.step == step && t.field == field && t.variant == variant);
        let linted = lint(source, kind, tier);
        let mut report = TextReport {
            step: step + 1,
            field: field.key(),
            variant: variant + 1,
            line: place.map(|p| p.line),
            column: place.map(|p| p.column),
            score: linted.score,
            findings: linted.findings,
            senders: Vec::new(),
            leads: Vec::new(),
        };
        // A text that does not compile was refused by the campaign parser already.
        if let Ok(template) = Template::new(source) {
            for account in &accounts {
                let profile = Vars::of_sender(&account.sender);
                for name in template
                    .variables()
                    .iter()
                    .filter(|v| v.starts_with("sender."))
                {
                    if profile.get(name).is_none() {
                        let field = name.trim_start_matches("sender.");
                        report.senders.push(format!(
                            "sender `{}` has no {} for `{name}` (set it: overture account set {} --{} …)",
                            account.name,
                            field.replace('_', " "),
                            account.name,
                            field.replace('_', "-")
                        ));
                    }
                }
            }
            for lead in leads.iter().flatten() {
                let vars = Vars::new(&lead.data, &stand_in);
                let lead_seed = seed(lead.id.get(), to_u32(step), to_u32(variant));
                let checked = check_lead(&template, &vars, lead_seed, kind, tier);
                for problem in checked.problems {
                    report.leads.push(LeadProblem {
                        profile_url: lead.data.profile_url.to_string(),
                        name: vars.get("full_name").map(str::to_owned),
                        problem: problem.message(kind),
                        fix: problem.fix(),
                    });
                }
            }
        }
        reports.push(report);
    }
    Ok(MessageReport {
        texts: reports,
        leads: leads.as_ref().map(Vec::len),
        tier,
        steps: unsupported_steps(spec, &accounts),
    })
}

/// The steps the campaign's senders cannot carry: an `email` step without `mailboxes` (every
/// lead would skip it), and for a LinkedIn sender a `follow` or `like_recent_post` step (the
/// LinkedIn channel has no endpoint for them, docs/linkedin.md; every lead would stop there).
fn unsupported_steps(spec: &CampaignSpec, accounts: &[overture_core::Account]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    if spec.mailboxes.is_empty() {
        for (i, step) in spec.steps.iter().enumerate() {
            if matches!(step.kind, StepKind::Email(_)) {
                found.push(format!(
                    "step {} `email`: the campaign has no `mailboxes:`, so every lead would skip \
                     it; list the email accounts that send it (`mailboxes: [ana]`; add one with \
                     `overture account add email`)",
                    i + 1
                ));
            }
        }
    }
    let Some(sender) = accounts.iter().find(|a| a.kind == AccountKind::Linkedin) else {
        return found;
    };
    found.extend(spec.steps.iter().enumerate().filter_map(|(i, step)| {
        let what = match step.kind {
            StepKind::Follow => "follow",
            StepKind::LikeRecentPost => "like_recent_post",
            _ => return None,
        };
        Some(format!(
            "step {} `{what}`: sender `{}` is a LinkedIn account, and the LinkedIn channel \
                 cannot {} yet; every lead would be stopped there. Remove the step (a \
                 `visit_profile` warms the lead up too)",
            i + 1,
            sender.name,
            if what == "follow" {
                "follow people"
            } else {
                "like posts"
            }
        ))
    }));
    found
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The leads on the campaign's list, or `None` when the list is not imported yet.
async fn campaign_leads(
    store: &impl Store,
    ws: WorkspaceId,
    spec: &CampaignSpec,
) -> Result<Option<Vec<Lead>>, StoreError> {
    let LeadSource::List(list) = &spec.leads;
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let query = LeadQuery {
            list: Some(list.clone()),
            after,
            limit: PAGE,
        };
        let page = match store.list_leads(ws, query).await {
            Ok(page) => page,
            Err(StoreError::NotFound { .. }) => return Ok(None),
            Err(other) => return Err(other),
        };
        let full = page.len() >= PAGE as usize;
        after = page.last().map(|l| l.id);
        all.extend(page);
        if !full {
            break;
        }
    }
    Ok(Some(all))
}

/// What a campaign file is checked against: the workspace's sender accounts (with their tiers)
/// and mailboxes. Lists are not checked: a campaign may be stored before its leads are
/// imported.
pub async fn validation_context(
    store: &impl Store,
    ws: WorkspaceId,
) -> Result<overture_campaign::ValidationContext, StoreError> {
    let mut context = overture_campaign::ValidationContext::default();
    for account in store.list_accounts(ws).await? {
        if account.kind == AccountKind::Email {
            context.mailboxes.insert(account.name.clone());
        } else {
            context.accounts.insert(account.name.clone(), account.tier);
        }
    }
    Ok(context)
}
