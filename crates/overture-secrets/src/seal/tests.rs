use proptest::prelude::*;

use super::*;

fn key(byte: u8) -> MasterKey {
    MasterKey::parse(&format!("{byte:02x}").repeat(32)).unwrap()
}

fn place(account: i64, name: &str) -> SecretPlace<'_> {
    SecretPlace {
        workspace: WorkspaceId::DEFAULT,
        account: AccountId(account),
        name,
    }
}

const VALUE: &str = "li_at=AQEDAR-fictional-session; JSESSIONID=\"ajax:0000000000000000001\"";

#[test]
fn round_trip_with_a_fresh_nonce_each_time() {
    let k = key(7);
    let a = seal(&k, place(1, "linkedin_session"), &Secret::new(VALUE)).unwrap();
    let b = seal(&k, place(1, "linkedin_session"), &Secret::new(VALUE)).unwrap();
    assert_eq!(a.nonce.len(), 24);
    assert_ne!(a.nonce, b.nonce);
    assert_ne!(a.ciphertext, b.ciphertext);
    assert!(!a.ciphertext.windows(5).any(|w| w == b"AQEDA"));
    let opened = open(&k, place(1, "linkedin_session"), &a).unwrap();
    assert_eq!(opened.expose(), VALUE);
}

#[test]
fn wrong_key_moved_row_and_tampering_are_refused() {
    let k = key(7);
    let sealed = seal(&k, place(1, "linkedin_session"), &Secret::new(VALUE)).unwrap();
    let refused = |r: Result<Secret, SealError>| matches!(r, Err(SealError::Undecryptable { .. }));
    assert!(refused(open(
        &key(8),
        place(1, "linkedin_session"),
        &sealed
    )));
    assert!(refused(open(&k, place(2, "linkedin_session"), &sealed)));
    assert!(refused(open(&k, place(1, "smtp_password"), &sealed)));
    let other_ws = SecretPlace {
        workspace: WorkspaceId(2),
        ..place(1, "linkedin_session")
    };
    assert!(refused(open(&k, other_ws, &sealed)));
    let mut tampered = sealed.clone();
    tampered.ciphertext[0] ^= 1;
    assert!(refused(open(&k, place(1, "linkedin_session"), &tampered)));
    let mut short = sealed;
    short.nonce.pop();
    assert!(matches!(
        open(&k, place(1, "linkedin_session"), &short),
        Err(SealError::BadNonce { len: 23, .. })
    ));
    let message = SealError::Undecryptable {
        name: "linkedin_session".into(),
    }
    .to_string();
    assert!(!message.contains("AQEDA"));
}

proptest! {
    #[test]
    fn any_text_round_trips_and_any_flipped_bit_is_refused(
        value in ".{0,200}",
        flip in any::<prop::sample::Index>(),
    ) {
        let k = key(3);
        let sealed = seal(&k, place(9, "token"), &Secret::new(value.clone())).unwrap();
        let opened = open(&k, place(9, "token"), &sealed).unwrap();
        prop_assert_eq!(opened.expose(), value.as_str());
        let mut bad = sealed;
        let bit = flip.index(bad.ciphertext.len() * 8);
        bad.ciphertext[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(open(&k, place(9, "token"), &bad).is_err());
    }
}
