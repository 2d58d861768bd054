use secrecy::ExposeSecret as _;

use super::{DkimAlgorithm, DkimError, DkimKey};

#[test]
fn ed25519_keys_round_trip_through_storage_and_publish_their_public_half() {
    let key = DkimKey::generate("Example.com", "s2026", DkimAlgorithm::Ed25519).expect("a key");
    let (name, value) = key.dns_record();
    assert_eq!(name, "s2026._domainkey.example.com");
    assert!(value.starts_with("v=DKIM1; k=ed25519; p="), "{value}");
    // 32 bytes in base64.
    assert_eq!(key.public_key().len(), 44);
    let again = DkimKey::from_stored(
        "example.com",
        "s2026",
        DkimAlgorithm::Ed25519,
        key.private_key().expose_secret(),
    )
    .expect("the stored key reads back");
    assert_eq!(again.dns_record(), key.dns_record());
}

#[test]
fn rsa_keys_are_2048_bits_and_round_trip() {
    let key = DkimKey::generate("example.com", "rsa1", DkimAlgorithm::Rsa).expect("a key");
    assert!(
        key.private_key()
            .expose_secret()
            .starts_with("-----BEGIN RSA PRIVATE KEY-----")
    );
    let (_, value) = key.dns_record();
    assert!(value.starts_with("v=DKIM1; k=rsa; p=MIIBIjAN"), "{value}");
    let again = DkimKey::from_stored(
        "example.com",
        "rsa1",
        DkimAlgorithm::Rsa,
        key.private_key().expose_secret(),
    )
    .expect("the stored key reads back");
    assert_eq!(again.public_key(), key.public_key());
}

#[test]
fn names_and_keys_are_checked_and_secrets_stay_out_of_debug_and_errors() {
    let bad_domain = DkimKey::from_stored("exa mple.com", "s1", DkimAlgorithm::Ed25519, "");
    assert!(matches!(bad_domain, Err(DkimError::InvalidDomain { .. })));
    let bad_selector = DkimKey::from_stored("example.com", "-s1", DkimAlgorithm::Ed25519, "");
    assert!(matches!(
        bad_selector,
        Err(DkimError::InvalidSelector { .. })
    ));
    let secret = "c2VjcmV0LW5vdC1hLWtleQ==";
    let error = DkimKey::from_stored("example.com", "s1", DkimAlgorithm::Ed25519, secret)
        .expect_err("not 32 bytes");
    assert!(!error.to_string().contains(secret), "{error}");
    let key = DkimKey::generate("example.com", "s1", DkimAlgorithm::Ed25519).expect("a key");
    let debug = format!("{key:?}");
    assert!(
        !debug.contains(key.private_key().expose_secret()),
        "{debug}"
    );
    assert_eq!(DkimAlgorithm::parse("RSA"), Ok(DkimAlgorithm::Rsa));
    assert!(DkimAlgorithm::parse("dsa").is_err());
}
