//! Realistic, fictional lead CSVs for tests, benchmarks and demos.
//!
//! The files look like real exports: mixed URL spellings of the same person, quoted fields
//! with commas and line breaks, an unknown column, repeated people. Every name is made up and
//! every email address is at example.com; the output depends only on `rows` and `seed`.

use std::io::{self, Write};

pub(crate) const FIRST: &[&str] = &[
    "Ana", "Ben", "Chloé", "Dmitri", "Emma", "Farid", "Greta", "Hiro", "Ines", "Jürgen", "Kofi",
    "Lena", "Mateo", "Nora", "Omar", "Priya",
];
pub(crate) const LAST: &[&str] = &[
    "Example",
    "Sample",
    "Testperson",
    "Placeholder",
    "Demo",
    "Fictional",
    "Madeup",
    "Nobody",
];
pub(crate) const COMPANIES: &[&str] = &[
    "Example GmbH",
    "Sample, Inc.",
    "Demo Labs",
    "Fictional & Sons",
    "Placeholder Ltd",
    "Nowhere Systems",
];
pub(crate) const TITLES: &[&str] = &[
    "Head of Sales",
    "CTO",
    "Founder, CEO",
    "Account Executive",
    "VP Marketing",
    "Engineer",
];
const CITIES: &[&str] = &[
    "Berlin, Germany",
    "Lisbon",
    "Toronto, Canada",
    "Nairobi",
    "Osaka",
];
const SOURCES: &[&str] = &["webinar", "event", "referral", "list \"A\""];

/// The header row written by [`generate_sample_csv`].
pub const SAMPLE_HEADER: &str =
    "First Name,Last Name,LinkedIn URL,Email,Company Name,Job Title,Location,Tags,Source";

/// Writes a header and `rows` data rows of fictional leads to `writer`, deterministically for
/// a given `seed`. About one row in twenty repeats an earlier person under another spelling of
/// their profile URL, so the number of distinct people is somewhat below `rows`.
pub fn generate_sample_csv(rows: usize, seed: u64, mut writer: impl Write) -> io::Result<()> {
    let mut rng = SplitMix64(seed);
    writeln!(writer, "{SAMPLE_HEADER}")?;
    for i in 0..rows {
        let r = rng.next();
        // A repeat names an earlier row's person; otherwise the row's own index.
        let person = if i > 0 && r.is_multiple_of(20) {
            (rng.next() % i as u64) as usize
        } else {
            i
        };
        let first = FIRST[person % FIRST.len()];
        let last = LAST[(person / FIRST.len()) % LAST.len()];
        let slug = format!(
            "{}-{}-{}",
            first.to_lowercase(),
            last.to_lowercase(),
            10_000 + person
        );
        let url = match (r >> 8) % 6 {
            0 => format!("https://www.linkedin.com/in/{slug}/"),
            1 => format!("http://linkedin.com/in/{slug}"),
            2 => format!("https://de.linkedin.com/in/{slug}?trk=public_profile"),
            3 => format!("www.linkedin.com/in/{}", slug.to_uppercase()),
            _ => format!("https://www.linkedin.com/in/{slug}"),
        };
        let email = match (r >> 16) % 4 {
            0 => String::new(),
            _ => format!("{}.{}{}@example.com", ascii(first), ascii(last), person),
        };
        let company = COMPANIES[(r >> 24) as usize % COMPANIES.len()];
        let title = TITLES[(r >> 32) as usize % TITLES.len()];
        let city = CITIES[(r >> 40) as usize % CITIES.len()];
        let tags = match (r >> 48) % 3 {
            0 => "",
            1 => "vip",
            _ => "saas, founder",
        };
        let source = SOURCES[(r >> 52) as usize % SOURCES.len()];
        let note = if (r >> 56).is_multiple_of(16) {
            format!("{source}\nfollow up in Q3")
        } else {
            source.to_owned()
        };
        writeln!(
            writer,
            "{first},{last},{url},{email},{},{},{},{},{}",
            quote(company),
            quote(title),
            quote(city),
            quote(tags),
            quote(&note)
        )?;
    }
    writer.flush()
}

/// Quotes a field when CSV needs it.
pub(crate) fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// Lower-case ASCII for email local parts (`Jürgen` gives `jurgen`).
pub(crate) fn ascii(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'é' => 'e',
            'ü' => 'u',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// A tiny deterministic generator, so the sample needs no dependency.
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
