use super::*;

fn lead(slug: &str) -> NewLead {
    NewLead::new(ProfileUrl::parse(&format!("linkedin.com/in/{slug}")).unwrap())
}

#[test]
fn finds_earlier_leads_and_survives_hash_collisions() {
    let mut index = LeadIndex::default();
    let mut leads = Vec::new();
    for slug in ["ana", "ben", "a-much-longer-slug-than-eight-bytes"] {
        let new = lead(slug);
        assert_eq!(index.find_or_insert(&leads, &new.profile_url), None);
        leads.push(new);
    }
    assert_eq!(
        index.find_or_insert(&leads, &lead("ben").profile_url),
        Some(1)
    );
    assert_eq!(
        index.find_or_insert(
            &leads,
            &lead("a-much-longer-slug-than-eight-bytes").profile_url
        ),
        Some(2)
    );

    // Force a collision: claim that "cara" hashes like "ana".
    let cara = lead("cara");
    index.by_hash.insert(hash_slug("cara"), 0);
    assert_eq!(index.find_or_insert(&leads, &cara.profile_url), None);
    leads.push(cara);
    assert_eq!(
        index.find_or_insert(&leads, &lead("cara").profile_url),
        Some(3)
    );
    assert_eq!(
        index.find_or_insert(&leads, &lead("ana").profile_url),
        Some(0)
    );
}

#[test]
fn hash_depends_on_every_byte() {
    assert_ne!(hash_slug("ana-example-1"), hash_slug("ana-example-2"));
    assert_ne!(hash_slug("ana"), hash_slug("ana\0"));
    assert_ne!(hash_slug(""), hash_slug("a"));
}
