//! World generation: a fictional population, its companies, and its relations to seats.
//!
//! Each person is drawn from a stream keyed by (seed, person index), so a world with more people
//! starts with the same people as a smaller one, and nothing depends on generation order.

use std::collections::HashMap;

use overture_channel::Degree;
use overture_core::{NewLead, ProfileUrl};

use crate::params::WorldParams;
use crate::rng::{Rng, tag};

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ren", "sa", "ta", "vi", "no", "el", "ri", "da", "an", "zo", "be", "lu",
    "ma", "ne", "ji", "or", "ce", "tho", "ves", "qui", "ya", "dor", "fen", "gal", "isk",
];
const FIRST_ENDINGS: &[&str] = &["", "a", "n", "s", "o", "ia", "el"];
const LAST_ENDINGS: &[&str] = &[
    "", "er", "sen", "ani", "ov", "berg", "ez", "ard", "wick", "ota",
];
const COMPANY_SUFFIXES: &[&str] = &[
    "Labs",
    "Systems",
    "Works",
    "Group",
    "Partners",
    "Dynamics",
    "Studio",
    "Collective",
    "Industries",
    "Solutions",
];
const FUNCTIONS: &[&str] = &[
    "Engineering",
    "Sales",
    "Marketing",
    "Operations",
    "Finance",
    "Product",
    "People",
    "Customer Success",
    "Data",
];

/// How senior a person is; senior people receive more invitations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seniority {
    Entry,
    Mid,
    Senior,
    Lead,
    Executive,
}

impl Seniority {
    const ALL: [(Seniority, f64, f64, &'static str); 5] = [
        // (level, share of the population, popularity multiplier, name)
        (Seniority::Entry, 0.25, 0.6, "entry"),
        (Seniority::Mid, 0.35, 0.8, "mid"),
        (Seniority::Senior, 0.25, 1.0, "senior"),
        (Seniority::Lead, 0.10, 1.6, "lead"),
        (Seniority::Executive, 0.05, 3.0, "executive"),
    ];

    fn draw(rng: &mut Rng) -> (Seniority, f64, &'static str) {
        let mut u = rng.unit();
        for (level, share, popularity, name) in Self::ALL {
            if u < share {
                return (level, popularity, name);
            }
            u -= share;
        }
        (Seniority::Mid, 0.8, "mid")
    }

    fn title(self, function: &str) -> String {
        match self {
            Seniority::Entry => format!("{function} Associate"),
            Seniority::Mid => format!("{function} Specialist"),
            Seniority::Senior => format!("Senior {function} Manager"),
            Seniority::Lead => format!("Head of {function}"),
            Seniority::Executive => format!("VP {function}"),
        }
    }
}

/// A company.
#[derive(Debug, Clone)]
pub(crate) struct Company {
    pub(crate) name: String,
    pub(crate) industry: usize,
}

/// A person in the world.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub(crate) first: String,
    pub(crate) last: String,
    pub(crate) profile_url: ProfileUrl,
    pub(crate) company: usize,
    pub(crate) seniority: &'static str,
    pub(crate) function: &'static str,
    pub(crate) title: String,
    pub(crate) location: usize,
    pub(crate) interests: Vec<usize>,
    /// Invitations received a week (popularity).
    pub(crate) invitations_per_week: f64,
    /// Added to every acceptance and reply log-odds.
    pub(crate) responsiveness: f64,
    /// Never acts on anything.
    pub(crate) inactive: bool,
    /// Profile cannot be reached.
    pub(crate) unreachable: bool,
    /// Has a recent post.
    pub(crate) has_post: bool,
}

/// A generated world: immutable once built.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) seed: u64,
    pub(crate) params: WorldParams,
    pub(crate) companies: Vec<Company>,
    pub(crate) people: Vec<Person>,
    by_slug: HashMap<String, u32>,
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn word(rng: &mut Rng, min_syllables: usize, endings: &[&str]) -> String {
    let syllables = min_syllables + rng.below(2);
    let mut w = String::new();
    for _ in 0..syllables {
        w.push_str(rng.pick(SYLLABLES).copied().unwrap_or("ka"));
    }
    w.push_str(rng.pick(endings).copied().unwrap_or(""));
    capitalise(&w)
}

impl World {
    /// Generates the world for `params` (already validated) and `seed`.
    pub(crate) fn generate(params: WorldParams, seed: u64) -> Self {
        let pop = &params.population;
        let companies: Vec<Company> = (0..pop.companies)
            .map(|i| {
                let mut rng = Rng::from_key(&[seed, tag::COMPANY, u64::from(i)]);
                let stem = word(&mut rng, 2, &["", "ix", "ora", "ent"]);
                let suffix = rng.pick(COMPANY_SUFFIXES).copied().unwrap_or("Group");
                Company {
                    name: format!("{stem} {suffix}"),
                    industry: rng.below(pop.industries.len()),
                }
            })
            .collect();
        let mut people = Vec::with_capacity(pop.people as usize);
        let mut by_slug = HashMap::with_capacity(pop.people as usize);
        for i in 0..pop.people {
            let person = Self::person(&params, &companies, seed, i);
            by_slug.insert(person.profile_url.slug().to_owned(), i);
            people.push(person);
        }
        Self {
            seed,
            params,
            companies,
            people,
            by_slug,
        }
    }

    fn person(params: &WorldParams, companies: &[Company], seed: u64, i: u32) -> Person {
        let pop = &params.population;
        let mut rng = Rng::from_key(&[seed, tag::PERSON, u64::from(i)]);
        let first = word(&mut rng, 1, FIRST_ENDINGS);
        let last = word(&mut rng, 2, LAST_ENDINGS);
        let slug = format!("{}-{}-{i}", first.to_lowercase(), last.to_lowercase());
        // Safe: the slug holds only lower-case ASCII letters (the syllable lists), hyphens and
        // digits, which `parse` always accepts; the unit test `generated_urls_parse` covers it.
        let profile_url = ProfileUrl::parse(&format!("https://www.linkedin.com/in/{slug}"))
            .expect("generated slugs are valid profile names");
        let company = rng.below(companies.len());
        let (level, popularity, seniority) = Seniority::draw(&mut rng);
        let function = rng.pick(FUNCTIONS).copied().unwrap_or("Operations");
        let location = rng.below(pop.locations.len());
        let wanted = (pop.interests_per_person as usize).min(pop.interests.len());
        let mut interests = Vec::with_capacity(wanted);
        while interests.len() < wanted {
            let k = rng.below(pop.interests.len());
            if !interests.contains(&k) {
                interests.push(k);
            }
        }
        let invitations_per_week = popularity
            * rng.log_normal(
                pop.invitations_per_week_median,
                pop.invitations_per_week_spread,
            );
        Person {
            first,
            last,
            profile_url,
            company,
            seniority,
            function,
            title: level.title(function),
            location,
            interests,
            invitations_per_week,
            responsiveness: pop.responsiveness_spread * rng.normal(),
            inactive: rng.chance(pop.inactive_share),
            unreachable: rng.chance(pop.unreachable_share),
            has_post: rng.chance(pop.recent_post_share),
        }
    }

    /// The index of the person with this profile URL.
    pub(crate) fn find(&self, profile: &ProfileUrl) -> Option<u32> {
        self.by_slug.get(profile.slug()).copied()
    }

    /// The person at `index`.
    pub(crate) fn person_at(&self, index: u32) -> Option<&Person> {
        self.people.get(index as usize)
    }

    /// The industry name of a person.
    pub(crate) fn industry_of(&self, p: &Person) -> &str {
        self.companies
            .get(p.company)
            .and_then(|c| self.params.population.industries.get(c.industry))
            .map_or("", String::as_str)
    }

    /// The company name of a person.
    pub(crate) fn company_of(&self, p: &Person) -> &str {
        self.companies
            .get(p.company)
            .map_or("", |c| c.name.as_str())
    }

    /// The interest names of a person.
    pub(crate) fn interests_of<'a>(&'a self, p: &'a Person) -> impl Iterator<Item = &'a str> {
        p.interests
            .iter()
            .filter_map(|&k| self.params.population.interests.get(k))
            .map(String::as_str)
    }

    /// A person's degree from a seat and their mutual connections, fixed for the world.
    pub(crate) fn relation(&self, seat_key: u64, person: u32) -> (Degree, u32) {
        let pop = &self.params.population;
        let mut rng = Rng::from_key(&[self.seed, tag::RELATION, seat_key, u64::from(person)]);
        let u = rng.unit();
        let degree = if u < pop.first_degree_share {
            Degree::First
        } else if u < pop.first_degree_share + pop.second_degree_share {
            Degree::Second
        } else if u < pop.first_degree_share + pop.second_degree_share + pop.third_degree_share {
            Degree::Third
        } else {
            Degree::OutOfNetwork
        };
        let mutuals = match degree {
            Degree::First | Degree::Second => {
                let m =
                    rng.log_normal(pop.mutual_connections_median, pop.mutual_connections_spread);
                // At least one shared connection defines the second degree; the cap keeps a
                // wild spread from producing absurd numbers.
                m.round().clamp(1.0, 500.0) as u32
            }
            Degree::Third | Degree::OutOfNetwork => 0,
        };
        (degree, mutuals)
    }

    /// The population as leads a caller can import.
    pub(crate) fn leads(&self) -> Vec<NewLead> {
        self.people.iter().map(|p| self.lead(p)).collect()
    }

    fn lead(&self, p: &Person) -> NewLead {
        let company = self.company_of(p).to_owned();
        let interests: Vec<&str> = self.interests_of(p).collect();
        let mut lead = NewLead::new(p.profile_url.clone());
        lead.first_name = Some(p.first.clone());
        lead.last_name = Some(p.last.clone());
        lead.headline = Some(if interests.is_empty() {
            format!("{} at {company}", p.title)
        } else {
            format!("{} at {company} · {}", p.title, interests.join(", "))
        });
        lead.company = Some(company);
        lead.position = Some(p.title.clone());
        lead.location = self.params.population.locations.get(p.location).cloned();
        let custom = &mut lead.custom;
        custom.insert("industry".into(), self.industry_of(p).to_owned());
        custom.insert("seniority".into(), p.seniority.to_owned());
        custom.insert("function".into(), p.function.to_owned());
        custom.insert("interests".into(), interests.join("; "));
        lead
    }
}
