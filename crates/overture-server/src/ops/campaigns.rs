//! Campaigns from YAML or JSON text: validate, store, start, pause, and their numbers.

use jiff::Timestamp;
use overture_campaign::{CampaignText, Diagnostic, parse_campaign_texts};
use overture_core::sequence::CampaignSpec;
use overture_core::{Campaign, CampaignId, CampaignStatus, WorkspaceId};
use overture_engine::checks::{MessageReport, check_campaign, validation_context};
use overture_engine::stats::{Funnel, StatsReport, funnel, variant_report};
use overture_message::Severity;
use overture_store::{NewCampaignVersion, Store};
use serde::Serialize;

use super::{OpsError, Problem};

/// How a campaign definition is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// YAML, as campaign files are.
    Yaml,
    /// JSON: the same keys and values.
    Json,
}

/// What checking a definition found.
#[derive(Debug, Serialize)]
pub struct CampaignCheck {
    /// Whether it may be stored and started as it is.
    pub valid: bool,
    /// Its name, once it reads.
    pub name: Option<String>,
    /// Its steps, once it reads.
    pub steps: usize,
    /// What keeps it from reading (by line and column), or what keeps it from starting.
    pub problems: Vec<Problem>,
    /// The message checks (lint, senders, every lead's text), once it reads.
    pub messages: Option<MessageReport>,
}

/// A stored definition.
#[derive(Debug)]
pub struct StoredCampaign {
    /// The campaign as stored now.
    pub campaign: Campaign,
    /// Whether a new version was stored (false when the text was the stored one).
    pub changed: bool,
}

/// A started campaign.
#[derive(Debug)]
pub struct StartedCampaign {
    /// The campaign, now active.
    pub campaign: Campaign,
    /// Leads enrolled by this start.
    pub enrolled: u64,
}

/// A campaign's numbers.
#[derive(Debug, Serialize)]
pub struct CampaignStats {
    /// The campaign.
    pub campaign_id: i64,
    /// How far its leads got.
    pub funnel: Funnel,
    /// Its variants, per step that sends text.
    pub variants: StatsReport,
}

/// The name diagnostics give the text.
fn file_name(format: SourceFormat) -> &'static str {
    match format {
        SourceFormat::Yaml => "campaign.yaml",
        SourceFormat::Json => "campaign.json",
    }
}

/// Reads a definition with the campaign file's reader (JSON is YAML's subset), against the
/// workspace's accounts; every problem by line and column.
async fn read<S: Store>(
    store: &S,
    ws: WorkspaceId,
    source: &str,
    format: SourceFormat,
) -> Result<Result<(CampaignSpec, Vec<CampaignText>), Vec<Problem>>, OpsError> {
    let name = file_name(format);
    let context = validation_context(store, ws).await?;
    if format == SourceFormat::Json {
        let value: serde_json::Value = match serde_json::from_str(source) {
            Ok(value) => value,
            Err(e) => {
                return Ok(Err(vec![Problem {
                    line: Some(e.line() as u64),
                    column: Some(e.column() as u64),
                    field: None,
                    message: format!("the JSON does not read: {e}"),
                }]));
            }
        };
        // JSON is read as written, so that problems point into it; the few spellings YAML
        // does not share (tabs before a key, some escapes) are read again in YAML's own.
        let read = parse_campaign_texts(name, source, &context);
        let foreign = matches!(&read, Err(found) if found.iter().any(|d| d.message.starts_with("invalid YAML")));
        if !foreign {
            return Ok(read.map_err(|found| found.iter().map(problem).collect()));
        }
        let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
        return Ok(parse_campaign_texts(name, &pretty, &context)
            .map_err(|found| found.iter().map(problem).collect()));
    }
    Ok(parse_campaign_texts(name, source, &context)
        .map_err(|found| found.iter().map(problem).collect()))
}

fn problem(d: &Diagnostic) -> Problem {
    Problem {
        line: Some(d.line as u64),
        column: Some(d.column as u64),
        field: None,
        message: d.message.clone(),
    }
}

/// What keeps a campaign from starting, from its message checks.
fn blocking(report: &MessageReport) -> Vec<Problem> {
    let mut out: Vec<Problem> = report.steps.iter().map(Problem::new).collect();
    for t in &report.texts {
        let field = Some(format!("step {} `{}` {}", t.step, t.field, t.variant));
        let at = |message: String| Problem {
            line: t.line.map(|l| l as u64),
            column: t.column.map(|c| c as u64),
            field: field.clone(),
            message,
        };
        for f in t.findings.iter().filter(|f| f.severity == Severity::Error) {
            out.push(at(format!("{} [{}]", f.message, f.rule)));
        }
        out.extend(t.senders.iter().cloned().map(at));
        if let Some(first) = t.leads.first() {
            out.push(at(format!(
                "{} lead(s) cannot get this text, e.g. {}: {}; fix: {}",
                t.leads.len(),
                first.profile_url,
                first.problem,
                first.fix
            )));
        }
    }
    out
}

pub(super) async fn validate<S: Store>(
    store: &S,
    ws: WorkspaceId,
    source: &str,
    format: SourceFormat,
) -> Result<CampaignCheck, OpsError> {
    match read(store, ws, source, format).await? {
        Err(problems) => Ok(CampaignCheck {
            valid: false,
            name: None,
            steps: 0,
            problems,
            messages: None,
        }),
        Ok((spec, texts)) => {
            let messages = check_campaign(store, ws, &spec, &texts).await?;
            let problems = blocking(&messages);
            Ok(CampaignCheck {
                valid: problems.is_empty(),
                name: Some(spec.name.clone()),
                steps: spec.steps.len(),
                problems,
                messages: Some(messages),
            })
        }
    }
}

pub(super) async fn create<S: Store>(
    store: &S,
    ws: WorkspaceId,
    source: &str,
    format: SourceFormat,
    now: Timestamp,
) -> Result<StoredCampaign, OpsError> {
    let spec = match read(store, ws, source, format).await? {
        Ok((spec, _)) => spec,
        Err(problems) => {
            let first = problems.first().map_or_else(String::new, |p| {
                format!(
                    "{}:{}:{}: {}",
                    file_name(format),
                    p.line.unwrap_or(1),
                    p.column.unwrap_or(1),
                    p.message
                )
            });
            return Err(OpsError::Invalid {
                message: format!(
                    "{first} ({} problem(s)); nothing was stored: fix them and send it again",
                    problems.len()
                ),
                problems,
            });
        }
    };
    let applied = store
        .apply_campaign(
            ws,
            NewCampaignVersion {
                name: spec.name.clone(),
                source: source.to_owned(),
                spec,
            },
            now,
        )
        .await?;
    Ok(StoredCampaign {
        campaign: applied.campaign,
        changed: applied.changed,
    })
}

pub(super) async fn start<S: Store>(
    store: &S,
    ws: WorkspaceId,
    id: CampaignId,
    allow_problems: bool,
    now: Timestamp,
) -> Result<StartedCampaign, OpsError> {
    let campaign = store.campaign(ws, id).await?;
    let messages = check_campaign(store, ws, &campaign.spec, &[]).await?;
    let problems = blocking(&messages);
    if !problems.is_empty() && !allow_problems {
        return Err(OpsError::Conflict {
            message: format!(
                "nothing started: {} ({} problem(s)); fix the texts, the leads or the senders \
                 (validate the campaign to see each), or start with allow_problems to stop \
                 only the leads whose text cannot go out",
                problems[0].message,
                problems.len()
            ),
            problems,
        });
    }
    let enrolled = overture_engine::start_campaign(store, ws, id, now).await?;
    let campaign = store.campaign(ws, id).await?;
    Ok(StartedCampaign { campaign, enrolled })
}

pub(super) async fn pause<S: Store>(
    store: &S,
    ws: WorkspaceId,
    id: CampaignId,
) -> Result<Campaign, OpsError> {
    store.campaign(ws, id).await?;
    Ok(store
        .set_campaign_status(ws, id, CampaignStatus::Paused)
        .await?)
}

pub(super) async fn stats<S: Store>(
    store: &S,
    ws: WorkspaceId,
    id: CampaignId,
) -> Result<CampaignStats, OpsError> {
    let campaign = store.campaign(ws, id).await?;
    let funnel = funnel(store, &campaign).await?;
    let variants = store.variant_stats(ws, id, None).await?;
    Ok(CampaignStats {
        campaign_id: id.get(),
        funnel,
        variants: variant_report(&campaign, &variants),
    })
}
