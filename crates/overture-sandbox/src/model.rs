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

/// What a text says about its reader, as far as the model cares: the lint's features
/// ([`overture_message::note_features`]), with the facts the world knows about the person and
/// the world's extra word lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TextFeatures {
    /// Names the person (first name) or their company.
    pub(crate) personalised: bool,
    /// Gives a reason to connect: the lint's common ground, or it names their industry, one of
    /// their interests or their title.
    pub(crate) common_ground: bool,
    /// Sells: the lint's selling phrases or a selling word of the world.
    pub(crate) selling: bool,
    /// Carries a link.
    pub(crate) link: bool,
    /// Uses a stock phrase: the lint's or a generic phrase of the world.
    pub(crate) generic: bool,
    /// Shouts: capitals, piles of exclamation marks or emoji.
    pub(crate) shouting: bool,
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
    let company = world.company_of(person);
    let lint = overture_message::note_features(text, &[&person.first, company]);
    let lower = text.to_lowercase().replace('\u{2019}', "'");
    let mentions = |needle: &str| {
        let needle = needle.trim().to_lowercase();
        !needle.is_empty() && lower.contains(&needle)
    };
    // The facts the lint cannot know: what this person's profile says. Their company is
    // personalisation, not a reason to connect, as in the lint.
    let factual = mentions(world.industry_of(person))
        || mentions(&person.title)
        || world.interests_of(person).any(mentions);
    let selling_word = params.selling_words.iter().any(|s| {
        let s = s.trim().to_lowercase();
        if s.contains(' ') {
            lower.contains(&s)
        } else {
            words(&lower).any(|w| w == s)
        }
    });
    let generic_phrase = params.generic_phrases.iter().any(|g| mentions(g));
    TextFeatures {
        personalised: lint.personalised,
        common_ground: lint.common_ground || factual,
        selling: lint.selling || selling_word,
        link: lint.link,
        generic: lint.generic_opener || generic_phrase,
        shouting: lint.shouting,
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

/// The log-odds term of a feature: its weight when present.
fn weight(present: bool, weight: f64) -> f64 {
    if present { weight } else { 0.0 }
}

/// The probability that `invite` is accepted (before the inactive share).
pub(crate) fn acceptance_probability(world: &World, invite: &Invite<'_>) -> f64 {
    let a = &world.params.acceptance;
    let mut logit = a.base + a.profile_completeness * (invite.sender.completeness - 0.5);
    if let Some(note) = invite.note {
        let f = analyse(note, world, invite.person, a);
        logit += a.note;
        logit += weight(f.personalised, a.personalised);
        logit += weight(f.common_ground, a.common_ground);
        // A link in a stranger's note reads as a pitch (or worse).
        logit += weight(f.selling || f.link, a.selling);
        logit += weight(f.generic, a.generic);
        logit += weight(f.shouting, a.shouting);
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
    (u < reply_probability(world, person, text)).then_some((delay, body))
}

/// The probability that an active `person` replies to a message saying `text`.
pub(crate) fn reply_probability(world: &World, person: &Person, text: &str) -> f64 {
    let r = &world.params.replies;
    let f = analyse(text, world, person, &world.params.acceptance);
    let mut logit = r.base + r.responsiveness * person.responsiveness;
    logit += weight(f.personalised, r.personalised);
    logit += weight(f.common_ground, r.common_ground);
    // Once connected, a link is what the lint advises: no pitch by itself.
    logit += weight(f.selling, r.selling);
    logit += weight(f.generic, r.generic);
    logit += weight(f.shouting, r.shouting);
    sigmoid(logit)
}

#[cfg(test)]
mod tests;
