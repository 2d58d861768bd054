//! Sign-in addresses: one spelling per person.

/// Why an address cannot be a user's sign-in address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Not of the form `name@domain`.
    #[error("`{given}` is not an email address: give one like ana@example.com")]
    Invalid {
        /// The address as given.
        given: String,
    },
}

/// The address in the one spelling users are stored under: trimmed and lower-cased (so
/// `Ana@Example.com` and `ana@example.com` are the same user). Refuses anything that is not
/// `local@domain` with a dot-free-or-dotted domain and no spaces, or longer than 254 bytes.
pub fn normalize_email(given: &str) -> Result<String, EmailError> {
    let email = given.trim().to_lowercase();
    let invalid = || EmailError::Invalid {
        given: given.to_owned(),
    };
    let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
    let well_formed = !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if well_formed {
        Ok(email)
    } else {
        Err(invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_email;

    #[test]
    fn one_spelling_per_address() {
        assert_eq!(
            normalize_email("  Ana@Example.COM ").as_deref(),
            Ok("ana@example.com")
        );
        for bad in [
            "",
            "ana",
            "@example.com",
            "ana@",
            "a b@example.com",
            "a@b@c",
            "a@.com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }
}
