//! The fake's world: members, sender accounts (sessions) and the limits LinkedIn enforces.

use jiff::SignedDuration;

/// A LinkedIn member other accounts can look up, invite and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Public slug, the `<slug>` of `/in/<slug>`.
    pub slug: String,
    /// Profile id (`ACoAA…`), the last part of `urn:li:fsd_profile:<id>`.
    pub profile_id: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Headline (the `occupation` of a mini profile).
    pub headline: String,
    /// Degree relative to every account at the start (an accepted invitation makes it 1st).
    pub degree: Degree,
}

impl Member {
    /// A member with a profile id derived from the slug and a 2nd-degree relation.
    pub fn new(slug: &str, first_name: &str, last_name: &str, headline: &str) -> Self {
        Self {
            slug: slug.to_owned(),
            profile_id: profile_id_for(slug),
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            headline: headline.to_owned(),
            degree: Degree::Second,
        }
    }

    /// The same member at another degree.
    #[must_use]
    pub fn with_degree(mut self, degree: Degree) -> Self {
        self.degree = degree;
        self
    }

    /// `urn:li:fsd_profile:<profile id>`.
    pub fn profile_urn(&self) -> String {
        format!("urn:li:fsd_profile:{}", self.profile_id)
    }
}

/// A profile id that looks like LinkedIn's (`ACoAA` and 34 more characters), stable per slug.
pub fn profile_id_for(slug: &str) -> String {
    // FNV-1a spread over the alphabet: deterministic, no randomness needed.
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut id = String::from("ACoAA");
    for i in 0..34u64 {
        for b in slug.bytes().chain(i.to_le_bytes()) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        id.push(char::from(ALPHABET[(hash % 64) as usize]));
    }
    id
}

/// How far a member is from an account, as the profile's `MemberRelationship` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Degree {
    /// Connected (`connection`).
    First,
    /// `DISTANCE_2`.
    Second,
    /// `DISTANCE_3`.
    Third,
    /// `OUT_OF_NETWORK`.
    OutOfNetwork,
}

impl Degree {
    /// The `memberDistance` value of a `noConnection` relation; `None` for 1st degree.
    pub fn distance(self) -> Option<&'static str> {
        match self {
            Degree::First => None,
            Degree::Second => Some("DISTANCE_2"),
            Degree::Third => Some("DISTANCE_3"),
            Degree::OutOfNetwork => Some("OUT_OF_NETWORK"),
        }
    }
}

/// A sender account's subscription, which sets its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// Free: 200-character notes, a monthly note quota, the lower weekly cap.
    Free,
    /// Premium or Sales Navigator: 300-character notes, no note quota, the higher weekly cap.
    Premium,
}

/// A logged-in sender account: who it is and the session cookies that stand for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The name tests use to refer to the account.
    pub name: String,
    /// The account's own member profile (it is not listed among [`World::members`]).
    pub me: Member,
    /// Subscription.
    pub tier: Tier,
    /// `li_at` cookie value.
    pub li_at: String,
    /// `JSESSIONID` cookie value, without the quotes the browser stores around it.
    pub jsessionid: String,
    /// `false` makes every invitation answer 400 `PRIMARY_HANDLE_NOT_CONFIRMED`.
    pub email_confirmed: bool,
    /// Whether the own profile has a photo.
    pub photo: bool,
    /// The own profile's about section (`summary`), if any.
    pub about: Option<String>,
    /// The own profile's experience section, most recent first.
    pub positions: Vec<Position>,
    /// Connections with people outside the world: the connection count is these plus the
    /// world's 1st-degree members and the invitations accepted during the run.
    pub other_connections: usize,
}

/// A position in an account's experience section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// Job title.
    pub title: String,
    /// Employer's name.
    pub company: String,
}

impl Account {
    /// An account with cookies derived from its name, a confirmed email, and a bare profile:
    /// the member's name and headline, no photo, about section, experience or connections
    /// beyond the world's.
    pub fn new(name: &str, me: Member, tier: Tier) -> Self {
        let seed = me.profile_id.clone();
        Self {
            name: name.to_owned(),
            me,
            tier,
            li_at: format!("AQEDAR{}", &seed[5..]),
            jsessionid: format!("ajax:{}", digits_of(&seed, 19)),
            email_confirmed: true,
            photo: false,
            about: None,
            positions: Vec::new(),
            other_connections: 0,
        }
    }

    /// The same account with a profile photo.
    #[must_use]
    pub fn with_photo(mut self) -> Self {
        self.photo = true;
        self
    }

    /// The same account with this headline (empty for none).
    #[must_use]
    pub fn with_headline(mut self, headline: &str) -> Self {
        headline.clone_into(&mut self.me.headline);
        self
    }

    /// The same account with this about section.
    #[must_use]
    pub fn with_about(mut self, about: &str) -> Self {
        self.about = Some(about.to_owned());
        self
    }

    /// The same account with one more position in its experience section.
    #[must_use]
    pub fn with_position(mut self, title: &str, company: &str) -> Self {
        self.positions.push(Position {
            title: title.to_owned(),
            company: company.to_owned(),
        });
        self
    }

    /// The same account with `n` connections outside the world.
    #[must_use]
    pub fn with_other_connections(mut self, n: usize) -> Self {
        self.other_connections = n;
        self
    }
}

/// `n` decimal digits derived from `seed` (for JSESSIONID values that look like LinkedIn's).
pub(crate) fn digits_of(seed: &str, n: usize) -> String {
    profile_id_for(seed)
        .bytes()
        .cycle()
        .take(n)
        .map(|b| char::from(b'0' + b % 10))
        .collect()
}

/// The rules the fake enforces, defaulting to the reference's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Invitations per rolling seven days on a free account.
    pub weekly_invitations_free: usize,
    /// Invitations per rolling seven days on a premium account.
    pub weekly_invitations_premium: usize,
    /// The code the weekly cap answers with (400).
    pub weekly_limit_code: &'static str,
    /// Notes per rolling 30 days on a free account (the reference says "about 5 per month").
    pub notes_per_month_free: usize,
    /// Longest note on a free account, in characters.
    pub note_chars_free: usize,
    /// Longest note on a premium account, in characters.
    pub note_chars_premium: usize,
    /// How long after a withdrawal the same member cannot be invited again.
    pub reinvite_cooldown: SignedDuration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            weekly_invitations_free: 100,
            weekly_invitations_premium: 180,
            weekly_limit_code: "CANT_INVITE_CONNECTION_LIMIT_REACHED",
            notes_per_month_free: 5,
            note_chars_free: 200,
            note_chars_premium: 300,
            reinvite_cooldown: SignedDuration::from_hours(21 * 24),
        }
    }
}

/// Everything the fake starts with.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// Members other than the accounts themselves.
    pub members: Vec<Member>,
    /// Sender accounts, each with its session.
    pub accounts: Vec<Account>,
    /// Rules enforced.
    pub limits: Limits,
}

impl World {
    /// An empty world with the default limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a member.
    #[must_use]
    pub fn member(mut self, member: Member) -> Self {
        self.members.push(member);
        self
    }

    /// Adds an account.
    #[must_use]
    pub fn account(mut self, account: Account) -> Self {
        self.accounts.push(account);
        self
    }

    /// A small fictional world: a premium account `ada` with a complete profile (photo,
    /// headline, about, two employers, 311 connections beyond the world), a free account `ben`
    /// whose profile lacks a photo and an about section and has 37 connections beyond the
    /// world, and eight members, one of them already a 1st-degree connection of both.
    pub fn demo() -> Self {
        let member = Member::new;
        Self::new()
            .account(
                Account::new(
                    "ada",
                    member(
                        "ada-quillfeather",
                        "Ada",
                        "Quillfeather",
                        "Founder at Larkspur Labs",
                    ),
                    Tier::Premium,
                )
                .with_photo()
                .with_about("I build scheduling tools for small clinics.")
                .with_position("Founder", "Larkspur Labs")
                .with_position("Product Manager", "Quillon Systems")
                .with_other_connections(311),
            )
            .account(
                Account::new(
                    "ben",
                    member(
                        "ben-marrowby",
                        "Ben",
                        "Marrowby",
                        "Account Executive at Tidewell",
                    ),
                    Tier::Free,
                )
                .with_position("Account Executive", "Tidewell")
                .with_other_connections(37),
            )
            .member(member(
                "grace-okonkwo-x1",
                "Grace",
                "Okonkwo",
                "Head of Data at Fernbrook",
            ))
            .member(member(
                "tomas-veller",
                "Tomas",
                "Veller",
                "CTO at Brightmoor Analytics",
            ))
            .member(
                member("ines-haldane", "Ines", "Haldane", "VP Sales at Copperline")
                    .with_degree(Degree::Third),
            )
            .member(member(
                "kofi-arden",
                "Kofi",
                "Arden",
                "Engineering Manager at Pellucid",
            ))
            .member(
                member("lena-strand-42", "Lena", "Strand", "Recruiter at Northvale")
                    .with_degree(Degree::OutOfNetwork),
            )
            .member(member(
                "marco-fenwick",
                "Marco",
                "Fenwick",
                "Product Lead at Quaywise",
            ))
            .member(member(
                "noor-castell",
                "Noor",
                "Castell",
                "COO at Emberline Health",
            ))
            .member(
                member(
                    "priya-lowden",
                    "Priya",
                    "Lowden",
                    "Partner at Saltmarsh Ventures",
                )
                .with_degree(Degree::First),
            )
    }
}
