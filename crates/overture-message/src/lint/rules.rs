//! The rules: ids, severities, explanations, fixes and examples. `docs/messages.md` lists the
//! same, and a test keeps the two in step.

use serde::Serialize;

use crate::kind::TextKind;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The text must not go out as it is.
    Error,
    /// The text will likely be ignored or marked "I don't know this person".
    Warning,
    /// Worth a look.
    Info,
}

impl Severity {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// Points a finding of this severity takes off the score of 100.
    pub fn penalty(self) -> u32 {
        match self {
            Severity::Error => 40,
            Severity::Warning => 15,
            Severity::Info => 5,
        }
    }
}

/// A lint rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The stable id, as in `--explain ID`.
    pub id: &'static str,
    /// How bad a finding is.
    pub severity: Severity,
    /// The kinds of text the rule applies to.
    pub kinds: &'static [TextKind],
    /// One line on what the rule finds.
    pub summary: &'static str,
    /// Why it matters.
    pub explanation: &'static str,
    /// What to do about it.
    pub fix: &'static str,
    /// A text the rule flags.
    pub bad: &'static str,
    /// A text it passes.
    pub good: &'static str,
}

const ALL: &[TextKind] = &[
    TextKind::Invite,
    TextKind::Message,
    TextKind::EmailSubject,
    TextKind::EmailBody,
];
const INVITE: &[TextKind] = &[TextKind::Invite];
const TEXTS: &[TextKind] = &[TextKind::Invite, TextKind::Message, TextKind::EmailBody];

/// Every rule, in the order findings are listed.
pub const RULES: &[Rule] = &[
    Rule {
        id: "syntax",
        severity: Severity::Error,
        kinds: ALL,
        summary: "the template does not parse",
        explanation: "A spintax group without its closing brace, a `{{` without `}}`, an `{% if %}` without `{% endif %}` or an unknown filter: the text cannot be rendered for anyone.",
        fix: "Correct the template at the place named. Write `\\{`, `\\}` and `\\|` for a literal brace or bar.",
        bad: "{Hi|Hello {{ first_name }}, {% if company %}at {{ company }}",
        good: "{Hi|Hello} {{ first_name }}{% if company %}, at {{ company }}{% endif %}",
    },
    Rule {
        id: "unknown-variable",
        severity: Severity::Error,
        kinds: ALL,
        summary: "a variable Overture does not know",
        explanation: "A misspelt variable has no value for any lead, so the text would fail for everyone. The known variables are the lead's fields (`first_name`, `last_name`, `full_name`, `headline`, `company`, `position`, `location`, `email`, `profile_url`), its custom fields as `custom.KEY` and the sender's as `sender.first_name`, `sender.last_name`, `sender.full_name`, `sender.company`, `sender.position`.",
        fix: "Use the name suggested, or a custom field as `custom.KEY`.",
        bad: "Hi {{ frist_name }}, …",
        good: "Hi {{ first_name }}, …",
    },
    Rule {
        id: "empty",
        severity: Severity::Error,
        kinds: ALL,
        summary: "the text has no words of its own",
        explanation: "A text that is only variables or only conditional parts renders empty for some leads, and an empty note or message is not sent.",
        fix: "Write the text's words outside `{% if %}` blocks; give variables a fallback.",
        bad: "{% if company %}{{ company }}{% endif %}",
        good: "Hi {{ first_name }}, {% if company %}how are things at {{ company }}?{% else %}how are things?{% endif %}",
    },
    Rule {
        id: "too-long",
        severity: Severity::Error,
        kinds: &[TextKind::Invite, TextKind::Message, TextKind::EmailSubject],
        summary: "longer than the limit, with typical lead data",
        explanation: "LinkedIn refuses a note over 300 characters (200 on a free account) and a message over 8,000; a subject over 78 characters is cut by every inbox. The lint measures the longest spelling with typical values (a first name of 9 characters, a company of 20, a position of 28, a fallback's own length when longer); `overture campaign validate` then checks every real lead.",
        fix: "Cut the longest alternatives of the `{a|b}` groups, shorten the fallbacks, or split the text into a shorter note and a follow-up message.",
        bad: "Hi {{ first_name }}, I was at the Northwind Data Summit last week and your session on testing data pipelines in production stayed with me, especially the part about contracts between teams and the way you staged the rollout across regions. We are working through the same problem at our end and I would love to compare notes some time.",
        good: "Hi {{ first_name }}, your session on testing data pipelines at the Northwind Data Summit stayed with me; we are working through the same problem. Glad to compare notes.",
    },
    Rule {
        id: "generic-opener",
        severity: Severity::Warning,
        kinds: &[TextKind::Invite, TextKind::Message, TextKind::EmailBody],
        summary: "a stock phrase everyone sends",
        explanation: "\"I'd like to add you to my professional network\" is LinkedIn's own default text, and \"I came across your profile\" or \"I'm looking to expand my network\" read the same: they tell the person nothing about why you, and such invitations are the ones ignored or answered with \"I don't know this person\", which counts against the sender.",
        fix: "Open with the reason: the event, the post, the group, the person you both know, the role.",
        bad: "Hi {{ first_name }}, I'd like to add you to my professional network.",
        good: "Hi {{ first_name }}, your talk at the Data Summit on pipeline testing was the best of the day.",
    },
    Rule {
        id: "selling",
        severity: Severity::Warning,
        kinds: INVITE,
        summary: "selling in the first touch",
        explanation: "An invitation that pitches (prices, discounts, a demo, \"our product\", \"our services\", a calendar or booking link) is read as spam: acceptance drops, and reports of spam restrict accounts. Sell after the person has accepted, and after they have answered.",
        fix: "Keep the note about them; move the offer to a later message.",
        bad: "Hi {{ first_name }}, our platform cuts hiring costs by 30%. Book a demo: calendly.com/acme",
        good: "Hi {{ first_name }}, we both spoke on the hiring panel at Talent Week. Would be glad to stay in touch.",
    },
    Rule {
        id: "link-in-invite",
        severity: Severity::Warning,
        kinds: INVITE,
        summary: "a link in an invitation note",
        explanation: "A link in a note from a stranger looks like spam or phishing, and LinkedIn's own filters treat it so.",
        fix: "Remove the link; share it in a message once connected.",
        bad: "Hi {{ first_name }}, have a look at https://example.com/report",
        good: "Hi {{ first_name }}, I wrote up the benchmark we talked about at the meetup; glad to share it once connected.",
    },
    Rule {
        id: "no-personalisation",
        severity: Severity::Warning,
        kinds: TEXTS,
        summary: "no variable at all: every lead gets the same text",
        explanation: "A text with nothing about the person reads like a mass mailing. Even a first name helps; a detail about them helps most.",
        fix: "Use at least `{{ first_name }}`, better also something about them (`{{ company }}`, `{{ position }}`, a custom field).",
        bad: "Hello, I'd be glad to connect.",
        good: "Hi {{ first_name }}, fellow {{ position | default(\"data engineer\") }} here.",
    },
    Rule {
        id: "no-reason",
        severity: Severity::Warning,
        kinds: INVITE,
        summary: "no reason to connect",
        explanation: "Invitations with common ground (a shared event, group, school, interest or acquaintance, a post of theirs, the same role) are accepted far more often than those without. A note with a name and nothing else gives the person no reason to say yes.",
        fix: "Say what you have in common or why them: \"we were both at…\", \"your post on…\", \"as a fellow…\", \"{{ custom.mutual_connection }} suggested…\".",
        bad: "Hi {{ first_name }}, would be great to connect.",
        good: "Hi {{ first_name }}, I enjoyed your post on onboarding; we're working on the same problem.",
    },
    Rule {
        id: "shouting",
        severity: Severity::Warning,
        kinds: ALL,
        summary: "words in capitals",
        explanation: "Words written all in capitals read as shouting or as an advert. Words of three capitals or fewer (CEO, VP) and common acronyms (EMEA, APAC, GDPR, SAAS) are fine.",
        fix: "Write the words in normal case.",
        bad: "Hi {{ first_name }}, this is a HUGE opportunity",
        good: "Hi {{ first_name }}, this could interest your team",
    },
    Rule {
        id: "exclamations",
        severity: Severity::Warning,
        kinds: ALL,
        summary: "piles of exclamation marks",
        explanation: "Two exclamation marks in a row, or more than two in a text, read as a sales pitch.",
        fix: "Keep one at most.",
        bad: "Hi {{ first_name }}!! Great to meet you!!",
        good: "Hi {{ first_name }}, great to meet you!",
    },
    Rule {
        id: "emoji",
        severity: Severity::Warning,
        kinds: ALL,
        summary: "piles of emoji",
        explanation: "More than two emoji in a first message look like a mass campaign, and each counts as two characters against the limit.",
        fix: "Keep at most one or two.",
        bad: "Hi {{ first_name }} 👋🚀🔥 let's connect 🙌",
        good: "Hi {{ first_name }} 👋",
    },
    Rule {
        id: "no-fallback",
        severity: Severity::Info,
        kinds: ALL,
        summary: "a variable many leads lack, printed without a fallback",
        explanation: "Imported leads often lack a company, a position or a custom field. A text that prints one without a fallback cannot be sent to those leads; validation lists them, but a fallback lets them go out.",
        fix: "Add a fallback, `{{ company | default(\"your team\") }}`, or an `{% if company %}…{% endif %}` around the part that needs it.",
        bad: "Hi {{ first_name }}, how are things at {{ company }}?",
        good: "Hi {{ first_name }}, how are things at {{ company | default(\"your team\") }}?",
    },
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
