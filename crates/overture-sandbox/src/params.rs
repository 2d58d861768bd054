//! The parameters of a simulated world, loadable from TOML (`overture simulate --world FILE`).
//!
//! Every field has a default, so an empty file is a valid world. `docs/sandbox.md` explains
//! each one; the defaults are the values in the `Default` implementations below.

use serde::{Deserialize, Serialize};

/// Everything that shapes a simulated world.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorldParams {
    /// Who lives in the world.
    pub population: PopulationParams,
    /// How people decide about an invitation.
    pub acceptance: AcceptanceParams,
    /// When people answer an invitation.
    pub timing: TimingParams,
    /// How people answer messages.
    pub replies: ReplyParams,
    /// LinkedIn's limits.
    pub rules: RuleParams,
    /// When LinkedIn restricts a seat.
    pub restriction: RestrictionParams,
}

/// The population: its size, its attributes and how it relates to the seats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PopulationParams {
    /// Number of people.
    pub people: u32,
    /// Number of companies they work for.
    pub companies: u32,
    /// Industry names; each company belongs to one.
    pub industries: Vec<String>,
    /// Locations people live in.
    pub locations: Vec<String>,
    /// Interests people mention on their profiles.
    pub interests: Vec<String>,
    /// Interests per person (distinct, at most the list's length).
    pub interests_per_person: u32,
    /// Median number of invitations a person receives a week (their popularity).
    pub invitations_per_week_median: f64,
    /// Spread of popularity: the standard deviation of its natural logarithm.
    pub invitations_per_week_spread: f64,
    /// Standard deviation of a person's responsiveness, added to every acceptance and reply
    /// log-odds.
    pub responsiveness_spread: f64,
    /// Share of people who never act on anything (their invitations stay pending forever).
    pub inactive_share: f64,
    /// Share of people whose profile cannot be reached (deleted or private members).
    pub unreachable_share: f64,
    /// Share of people with a recent post that can be liked.
    pub recent_post_share: f64,
    /// Share of people already connected to a seat when it is added.
    pub first_degree_share: f64,
    /// Share of people at the second degree from a seat.
    pub second_degree_share: f64,
    /// Share of people at the third degree from a seat (the rest is out of network).
    pub third_degree_share: f64,
    /// Median number of mutual connections of a second-degree person.
    pub mutual_connections_median: f64,
    /// Standard deviation of the natural logarithm of mutual connections.
    pub mutual_connections_spread: f64,
}

impl Default for PopulationParams {
    fn default() -> Self {
        Self {
            people: 1000,
            companies: 150,
            industries: strings(&[
                "Software",
                "Logistics",
                "Healthcare",
                "Finance",
                "Manufacturing",
                "Education",
                "Retail",
                "Energy",
                "Marketing",
                "Construction",
                "Biotech",
                "Legal Services",
            ]),
            locations: strings(&[
                "Berlin, Germany",
                "Munich, Germany",
                "Vienna, Austria",
                "Zurich, Switzerland",
                "Paris, France",
                "Lyon, France",
                "Amsterdam, Netherlands",
                "London, United Kingdom",
                "Dublin, Ireland",
                "Madrid, Spain",
                "Milan, Italy",
                "Stockholm, Sweden",
                "Austin, Texas, United States",
                "Toronto, Ontario, Canada",
            ]),
            interests: strings(&[
                "open source",
                "hiking",
                "jazz",
                "chess",
                "sailing",
                "photography",
                "climate tech",
                "running",
                "cooking",
                "startups",
                "design systems",
                "machine learning",
                "cycling",
                "board games",
            ]),
            interests_per_person: 2,
            invitations_per_week_median: 3.0,
            invitations_per_week_spread: 1.0,
            responsiveness_spread: 0.8,
            inactive_share: 0.15,
            unreachable_share: 0.0,
            recent_post_share: 0.4,
            first_degree_share: 0.0,
            second_degree_share: 0.35,
            third_degree_share: 0.45,
            mutual_connections_median: 6.0,
            mutual_connections_spread: 0.9,
        }
    }
}

/// The weights of the acceptance model (log-odds) and how refusals split.
///
/// A note's features are the lint's (`overture_message::note_features`): the weights say how
/// much each thing the lint warns about costs, and what a reason to connect is worth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AcceptanceParams {
    /// Log-odds of acceptance before any other term.
    pub base: f64,
    /// Weight of the sender's profile completeness, applied to `completeness - 0.5`.
    pub profile_completeness: f64,
    /// Added when the invitation carries a note.
    pub note: f64,
    /// Added when the note names the person (first name) or their company. Its former name,
    /// `first_name`, is still accepted.
    #[serde(alias = "first_name")]
    pub personalised: f64,
    /// Added when the note gives a reason to connect: the lint finds common ground in it (a
    /// shared event, group or acquaintance, their post, their work), or it names their
    /// industry, one of their interests or their title.
    pub common_ground: f64,
    /// Weight of `ln(1 + mutual connections)`.
    pub mutual_connections: f64,
    /// Added when the sender's industry is the person's.
    pub shared_industry: f64,
    /// Added when the person is at the third degree.
    pub third_degree: f64,
    /// Added when the person is out of network.
    pub out_of_network: f64,
    /// Added when the note sells or carries a link (the lint's `selling` or `link-in-invite`,
    /// or one of `selling_words`); usually negative.
    pub selling: f64,
    /// Added when the note uses a stock phrase (the lint's `generic-opener`, or one of
    /// `generic_phrases`); usually negative.
    pub generic: f64,
    /// Added when the note shouts: words in capitals, piles of exclamation marks or emoji (the
    /// lint's `shouting`, `exclamations`, `emoji`); usually negative.
    pub shouting: f64,
    /// Weight of `ln(1 + invitations the person receives a week)`; usually negative.
    pub popularity: f64,
    /// Share of refusals that are an explicit "ignore" (the rest click "I don't know this
    /// person" or never answer).
    pub ignore_share: f64,
    /// Share of refusals that click "I don't know this person", before the factors below.
    pub unknown_share: f64,
    /// Multiplies `unknown_share` for third-degree people.
    pub unknown_factor_third_degree: f64,
    /// Multiplies `unknown_share` for out-of-network people.
    pub unknown_factor_out_of_network: f64,
    /// Multiplies `unknown_share` when the invitation carries a note.
    pub unknown_factor_with_note: f64,
    /// Words that make a text a sales pitch besides the lint's selling phrases (matched as
    /// whole words, any case); none by default.
    pub selling_words: Vec<String>,
    /// Phrases that make a text generic besides the lint's stock phrases (matched as
    /// substrings, any case); none by default.
    pub generic_phrases: Vec<String>,
}

impl Default for AcceptanceParams {
    fn default() -> Self {
        Self {
            base: -0.9,
            profile_completeness: 1.5,
            note: 0.2,
            personalised: 0.3,
            common_ground: 0.4,
            mutual_connections: 0.25,
            shared_industry: 0.3,
            third_degree: -0.3,
            out_of_network: -0.8,
            selling: -1.0,
            generic: -0.6,
            shouting: -0.4,
            popularity: -0.25,
            ignore_share: 0.35,
            unknown_share: 0.05,
            unknown_factor_third_degree: 1.5,
            unknown_factor_out_of_network: 3.0,
            unknown_factor_with_note: 0.5,
            selling_words: Vec::new(),
            generic_phrases: Vec::new(),
        }
    }
}

/// When people answer invitations: a mixture of exponential delays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimingParams {
    /// The mixture's components; weights need not sum to one.
    pub components: Vec<DelayComponent>,
}

impl Default for TimingParams {
    fn default() -> Self {
        // Fitted to one vendor's data: 63% of acceptances within 1 day, 88% within 7 days and
        // 99% within 30 days.
        Self {
            components: vec![
                DelayComponent {
                    weight: 0.528,
                    mean_hours: 3.84,
                },
                DelayComponent {
                    weight: 0.271,
                    mean_hours: 64.8,
                },
                DelayComponent {
                    weight: 0.201,
                    mean_hours: 240.0,
                },
            ],
        }
    }
}

/// One exponential component of the answer delay.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DelayComponent {
    /// Relative weight.
    pub weight: f64,
    /// Mean delay in hours.
    pub mean_hours: f64,
}

/// How people answer messages from connections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReplyParams {
    /// Log-odds of a reply before any other term.
    pub base: f64,
    /// Added when the message names the person (first name) or their company. Its former name,
    /// `first_name`, is still accepted.
    #[serde(alias = "first_name")]
    pub personalised: f64,
    /// Added when the message has common ground, as for invitations.
    pub common_ground: f64,
    /// Added when the message sells (a link alone is no pitch once connected); usually
    /// negative.
    pub selling: f64,
    /// Added when the message uses a stock phrase; usually negative.
    pub generic: f64,
    /// Added when the message shouts; usually negative.
    pub shouting: f64,
    /// Weight of the person's responsiveness.
    pub responsiveness: f64,
    /// Median reply delay in hours (the delay is log-normal).
    pub delay_median_hours: f64,
    /// Standard deviation of the natural logarithm of the reply delay.
    pub delay_spread: f64,
}

impl Default for ReplyParams {
    fn default() -> Self {
        Self {
            base: -1.4,
            personalised: 0.5,
            common_ground: 0.4,
            selling: -0.7,
            generic: -0.3,
            shouting: -0.3,
            responsiveness: 1.0,
            delay_median_hours: 8.0,
            delay_spread: 1.0,
        }
    }
}

/// LinkedIn's limits as the sandbox enforces them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RuleParams {
    /// Invitations per rolling 7 days on a free seat.
    pub weekly_invites_free: u32,
    /// Invitations per rolling 7 days on a Premium seat.
    pub weekly_invites_premium: u32,
    /// Invitations per rolling 7 days on a Sales Navigator seat.
    pub weekly_invites_sales_navigator: u32,
    /// Longest note on a free seat, in characters.
    pub note_chars_free: u32,
    /// Longest note on a Premium or Sales Navigator seat, in characters.
    pub note_chars_paid: u32,
    /// Invitations with a note a free seat may send per note window.
    pub free_notes_per_window: u32,
    /// The note quota's rolling window, in days.
    pub note_window_days: u32,
    /// Days after a withdrawal before the same person can be invited again.
    pub reinvite_cooldown_days: u32,
    /// Pending invitations a seat may have; at the ceiling invitations fail.
    pub pending_ceiling: u32,
    /// Invitations allowed within `burst_window_minutes`.
    pub burst_invites: u32,
    /// The burst window, in minutes.
    pub burst_window_minutes: u32,
    /// How long invitations stay rate limited after a burst, in minutes.
    pub burst_penalty_minutes: u32,
}

impl Default for RuleParams {
    fn default() -> Self {
        Self {
            weekly_invites_free: 100,
            weekly_invites_premium: 200,
            weekly_invites_sales_navigator: 200,
            note_chars_free: 200,
            note_chars_paid: 300,
            free_notes_per_window: 5,
            note_window_days: 30,
            reinvite_cooldown_days: 21,
            pending_ceiling: 1000,
            burst_invites: 10,
            burst_window_minutes: 10,
            burst_penalty_minutes: 60,
        }
    }
}

/// When a seat gets restricted: a score over a rolling window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RestrictionParams {
    /// The rolling window for ignored and "I don't know this person" answers, in days.
    pub window_days: u32,
    /// Score of one "I don't know this person" inside the window.
    pub unknown_weight: f64,
    /// Score of one ignored invitation inside the window.
    pub ignored_weight: f64,
    /// Score of one pending invitation (any age).
    pub pending_weight: f64,
    /// The seat is restricted when the score reaches this.
    pub threshold: f64,
    /// How long a restriction lasts, in days.
    pub days: u32,
}

impl Default for RestrictionParams {
    fn default() -> Self {
        Self {
            window_days: 14,
            unknown_weight: 1.0,
            ignored_weight: 0.25,
            pending_weight: 0.01,
            threshold: 30.0,
            days: 7,
        }
    }
}

/// A world file that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamsError {
    /// The text is not valid TOML, or a value has the wrong type, or a key is unknown.
    #[error("{}line {line}, column {column}: {message}", field_prefix(field))]
    Parse {
        /// The dotted path of the field (`rules.weekly_invites_free`), empty when unknown.
        field: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A value is out of its allowed range.
    #[error("`{field}`: {reason}")]
    Invalid {
        /// The dotted path of the field.
        field: String,
        /// What is allowed.
        reason: String,
    },
}

fn field_prefix(field: &str) -> String {
    if field.is_empty() || field == "." {
        String::new()
    } else {
        format!("`{field}` at ")
    }
}

impl WorldParams {
    /// Parses and validates a world file's text.
    pub fn from_toml_str(text: &str) -> Result<Self, ParamsError> {
        let de = toml::Deserializer::new(text);
        let params: WorldParams = serde_path_to_error::deserialize(de).map_err(|e| {
            let field = e.path().to_string();
            let inner = e.into_inner();
            let (line, column) = inner
                .span()
                .map(|s| line_column(text, s.start))
                .unwrap_or((1, 1));
            ParamsError::Parse {
                field,
                line,
                column,
                message: inner.message().trim_end_matches('.').to_owned(),
            }
        })?;
        params.validate()?;
        Ok(params)
    }

    /// Checks every value's range; the network refuses parameters that fail.
    pub fn validate(&self) -> Result<(), ParamsError> {
        crate::validate::check(self)
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[cfg(test)]
mod tests;
