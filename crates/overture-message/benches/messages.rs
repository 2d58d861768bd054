//! Render, limit-check and lint 100,000 leads × 3 variants: what `overture campaign validate`
//! does before a large campaign starts.
//!
//! `cargo bench -p overture-message --bench messages` prints the figures; the target is under
//! 2 s on a two-core machine. Not a test: timings belong here, not in assertions.

use std::time::Instant;

use overture_core::profile_url::ProfileUrl;
use overture_core::{NewLead, Tier};
use overture_message::{Sender, Template, TextKind, Vars, check_lead, lint, seed};

const LEADS: usize = 100_000;

const VARIANTS: [&str; 3] = [
    "{Hi|Hello} {{ first_name | clean_name }}, we were both at {{ custom.event | default(\"the Data Summit\") }}. {I enjoyed|I liked} your {take|point} on {{ position | default(\"data teams\") | lower }}; glad to stay in touch.",
    "Hi {{ first_name }}, I read your post about {{ company | default(\"your team\") | first_word }}'s move to event sourcing. We went down the same road last year{, and I'd be glad to swap notes|}.",
    "{Hello|Hi|Hey} {{ first_name | clean_name }}, fellow {{ position | default(\"engineer\") | title_case }} here{ in {{ location }}|}. {Would be glad|Happy} to compare notes on hiring.",
];

const FIRST: [&str; 8] = [
    "Ada",
    "BJÖRN",
    "chloé",
    "Dr. Dmitri",
    "Eun-ji",
    "Farah (Fay)",
    "gus",
    "Hana",
];
const COMPANIES: [&str; 5] = [
    "Northwind Analytics",
    "Contoso, Ltd",
    "Fabrikam",
    "Tailspin Toys GmbH",
    "",
];
const POSITIONS: [&str; 4] = [
    "head of data platform",
    "VP Engineering",
    "Staff Engineer",
    "",
];

fn leads() -> Vec<NewLead> {
    (0..LEADS)
        .map(|i| {
            let url = ProfileUrl::parse(&format!("https://www.linkedin.com/in/lead-{i}"))
                .unwrap_or_else(|e| panic!("{e}"));
            let mut lead = NewLead::new(url);
            lead.first_name = Some(FIRST[i % FIRST.len()].to_owned());
            lead.last_name = Some(format!("Example{i}"));
            lead.company = Some(COMPANIES[i % COMPANIES.len()].to_owned());
            lead.position = Some(POSITIONS[i % POSITIONS.len()].to_owned());
            if i % 3 == 0 {
                lead.location = Some("Leeds".to_owned());
            }
            if i % 2 == 0 {
                lead.custom
                    .insert("Event".to_owned(), "the Leeds Data Meetup".to_owned());
            }
            lead
        })
        .collect()
}

fn main() {
    let leads = leads();
    let sender = Sender::default();
    // A benchmark measures wall time; nothing here runs on the engine's clock.
    #[allow(clippy::disallowed_methods)]
    let start = Instant::now();
    let mut renders = 0usize;
    let mut problems = 0usize;
    let mut chars = 0usize;
    let mut score = 0;
    for (variant, source) in VARIANTS.iter().enumerate() {
        score += lint(source, TextKind::Invite, Tier::Free).score;
        let template = Template::new(source).unwrap_or_else(|e| panic!("{e}"));
        for (i, lead) in leads.iter().enumerate() {
            let vars = Vars::new(lead, &sender);
            let lead_seed = seed(i as i64, 1, variant as u32);
            let checked = check_lead(&template, &vars, lead_seed, TextKind::Invite, Tier::Free);
            renders += 1;
            problems += checked.problems.len();
            chars += checked.length;
        }
    }
    let elapsed = start.elapsed();
    println!(
        "{renders} lead × variant checks ({LEADS} leads × {} variants) in {:.3} s: {:.2} µs each; {problems} problems, {:.1} characters on average, mean lint score {}",
        VARIANTS.len(),
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / renders as f64,
        chars as f64 / renders as f64,
        score / VARIANTS.len() as u32,
    );
}
