//! The behaviour model: how a person answers an invitation or a message.
//!
//! Every answer is drawn from a stream keyed by (world seed, seat, person, attempt), so the same
//! world gives the same answers whatever order the calls come in. `docs/sandbox.md` states the
//! formulas.

use jiff::SignedDuration;
use overture_channel::Degree;

use crate::params::{AcceptanceParams, TimingParams};
use crate::rng::{Rng, tag};
use crate::world::{Person, World};

/// What a text says about its reader, as far as the model cares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TextFeatures {
    /// Uses the person's first name.
    pub(crate) first_name: bool,
    /// Mentions their company, industry or one of their interests.
    pub(crate) common_ground: bool,
    /// Contains a selling word.
    pub(crate) selling: bool,
    /// Contains a generic phrase.
    pub(crate) generic: bool,
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
}

/// Reads a note or message for the features of the model.
pub(crate) fn analyse(
    text: &str,
    world: &World,
    person: &Person,
    params: &AcceptanceParams,
) -> TextFeatures {
    let lower = text.to_lowercase().replace('\u{2019}', "'");
    let first = person.first.to_lowercase();
    let first_name = words(&lower).any(|w| w == first);
    let mentions = |needle: &str| {
        let needle = needle.trim().to_lowercase();
        !needle.is_empty() && lower.contains(&needle)
    };
    let common_ground = mentions(world.company_of(person))
        || mentions(world.industry_of(person))
        || world.interests_of(person).any(mentions);
    let selling = params.selling_words.iter().any(|s| {
        let s = s.trim().to_lowercase();
        if s.contains(' ') {
            lower.contains(&s)
        } else {
            words(&lower).any(|w| w == s)
        }
    });
    let generic = params.generic_phrases.iter().any(|g| mentions(g));
    TextFeatures {
        first_name,
        common_ground,
        selling,
        generic,
    }
}

/// The sender as the model sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sender<'a> {
    /// Stable key of the seat handle.
    pub(crate) key: u64,
    /// Profile completeness in `0..=1`.
    pub(crate) completeness: f64,
    /// The seat's industry, if it has one.
    pub(crate) industry: Option<&'a str>,
}

/// Everything an invitation's answer depends on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Invite<'a> {
    pub(crate) sender: Sender<'a>,
    pub(crate) person_index: u32,
    pub(crate) person: &'a Person,
    pub(crate) degree: Degree,
    pub(crate) mutuals: u32,
    pub(crate) note: Option<&'a str>,
    /// 1 for the first invitation from this seat to this person, 2 for the next, …
    pub(crate) attempt: u32,
}

/// How a person answers an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    Accept,
    Ignore,
    Unknown,
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The probability that `invite` is accepted (before the inactive share).
pub(crate) fn acceptance_probability(world: &World, invite: &Invite<'_>) -> f64 {
    let a = &world.params.acceptance;
    let mut logit = a.base + a.profile_completeness * (invite.sender.completeness - 0.5);
    if let Some(note) = invite.note {
        let f = analyse(note, world, invite.person, a);
        logit += a.note;
        logit += if f.first_name { a.first_name } else { 0.0 };
        logit += if f.common_ground {
            a.common_ground
        } else {
            0.0
        };
        logit += if f.selling { a.selling } else { 0.0 };
        logit += if f.generic { a.generic } else { 0.0 };
    }
    logit += a.mutual_connections * f64::from(invite.mutuals).ln_1p();
    if invite
        .sender
        .industry
        .is_some_and(|i| i.eq_ignore_ascii_case(world.industry_of(invite.person)))
    {
        logit += a.shared_industry;
    }
    logit += match invite.degree {
        Degree::First | Degree::Second => 0.0,
        Degree::Third => a.third_degree,
        Degree::OutOfNetwork => a.out_of_network,
    };
    logit += a.popularity * invite.person.invitations_per_week.ln_1p();
    logit += invite.person.responsiveness;
    sigmoid(logit)
}

/// Draws the answer to an invitation and its delay; `None` means it is never answered.
pub(crate) fn answer_invite(
    world: &World,
    invite: &Invite<'_>,
) -> Option<(Answer, SignedDuration)> {
    let a = &world.params.acceptance;
    let mut rng = Rng::from_key(&[
        world.seed,
        tag::INVITE,
        invite.sender.key,
        u64::from(invite.person_index),
        u64::from(invite.attempt),
    ]);
    // Draw every number first, so each decision uses the same stream position whatever the
    // earlier decisions were.
    let (u_accept, u_refusal) = (rng.unit(), rng.unit());
    let delay = sample_delay(&mut rng, &world.params.timing);
    if invite.person.inactive {
        return None;
    }
    if u_accept < acceptance_probability(world, invite) {
        return Some((Answer::Accept, delay));
    }
    let mut unknown = a.unknown_share;
    unknown *= match invite.degree {
        Degree::First | Degree::Second => 1.0,
        Degree::Third => a.unknown_factor_third_degree,
        Degree::OutOfNetwork => a.unknown_factor_out_of_network,
    };
    if invite.note.is_some() {
        unknown *= a.unknown_factor_with_note;
    }
    let unknown = unknown.min(1.0 - a.ignore_share);
    if u_refusal < unknown {
        Some((Answer::Unknown, delay))
    } else if u_refusal < unknown + a.ignore_share {
        Some((Answer::Ignore, delay))
    } else {
        None
    }
}

/// A delay from the mixture of exponentials.
pub(crate) fn sample_delay(rng: &mut Rng, timing: &TimingParams) -> SignedDuration {
    let total: f64 = timing.components.iter().map(|c| c.weight).sum();
    let mut u = rng.unit() * total;
    let mut mean = timing.components.last().map_or(1.0, |c| c.mean_hours);
    for c in &timing.components {
        if u < c.weight {
            mean = c.mean_hours;
            break;
        }
        u -= c.weight;
    }
    hours(rng.exponential(mean))
}

/// A duration of `h` hours, rounded to the second and capped at ten years.
pub(crate) fn hours(h: f64) -> SignedDuration {
    let secs = (h * 3600.0).clamp(1.0, 10.0 * 365.0 * 86_400.0);
    SignedDuration::from_secs(secs.round() as i64)
}

const REPLIES: &[&str] = &[
    "Thanks for reaching out! Happy to chat.",
    "Sounds interesting, tell me more.",
    "Thanks, but not right now.",
    "Appreciate the message. Could we talk next week?",
    "Good to hear from you. What did you have in mind?",
    "Thanks, I'll pass for now.",
];

/// Draws whether the `ordinal`-th message from a seat to a person gets a reply, and when.
pub(crate) fn answer_message(
    world: &World,
    sender_key: u64,
    person_index: u32,
    person: &Person,
    ordinal: u32,
    text: &str,
) -> Option<(SignedDuration, &'static str)> {
    let r = &world.params.replies;
    let mut rng = Rng::from_key(&[
        world.seed,
        tag::MESSAGE,
        sender_key,
        u64::from(person_index),
        u64::from(ordinal),
    ]);
    let u = rng.unit();
    let delay = hours(rng.log_normal(r.delay_median_hours, r.delay_spread));
    let body = rng.pick(REPLIES).copied().unwrap_or(REPLIES[0]);
    if person.inactive {
        return None;
    }
    let f = analyse(text, world, person, &world.params.acceptance);
    let mut logit = r.base + r.responsiveness * person.responsiveness;
    logit += if f.first_name { r.first_name } else { 0.0 };
    logit += if f.common_ground {
        r.common_ground
    } else {
        0.0
    };
    logit += if f.selling { r.selling } else { 0.0 };
    (u < sigmoid(logit)).then_some((delay, body))
}

#[cfg(test)]
mod tests;
