//! [`LinkedInSession`]: the two cookies that are a LinkedIn login, and their rotation.

use crate::secret::Secret;

/// A LinkedIn web session: the `li_at` cookie (the login) and `JSESSIONID` (whose value,
/// without its quotes, is the `csrf-token` header). Both values are [`Secret`]s.
#[derive(Debug, Clone)]
pub struct LinkedInSession {
    /// The `li_at` cookie's value.
    pub li_at: Secret,
    /// The `JSESSIONID` cookie's value as LinkedIn sets it, quotes included (`"ajax:…"`).
    pub jsessionid: Secret,
}

/// What LinkedIn's `set-cookie` headers did to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// Neither cookie changed.
    Unchanged,
    /// At least one cookie got a new value; store the session again.
    Rotated,
    /// LinkedIn deleted `li_at` (`li_at=delete me`, an empty value or `Max-Age=0`): the session
    /// is dead and the account needs new cookies.
    LoggedOut,
}

impl LinkedInSession {
    /// A session from the two cookie values as the browser shows them; `JSESSIONID` may come
    /// with or without its quotes and is kept quoted, as LinkedIn sets it.
    pub fn new(li_at: impl Into<String>, jsessionid: impl Into<String>) -> Self {
        let jsessionid = jsessionid.into();
        let bare = jsessionid.trim().trim_matches('"');
        Self {
            li_at: Secret::new(li_at.into().trim()),
            jsessionid: Secret::new(format!("\"{bare}\"")),
        }
    }

    /// The `csrf-token` header: the `JSESSIONID` value without its quotes.
    pub fn csrf_token(&self) -> Secret {
        Secret::new(self.jsessionid.expose().trim_matches('"'))
    }

    /// The session as a `cookie` request header (also how it is stored, encrypted).
    pub fn cookie_header(&self) -> Secret {
        Secret::new(format!(
            "li_at={}; JSESSIONID={}",
            self.li_at.expose(),
            self.jsessionid.expose()
        ))
    }

    /// Applies the values of LinkedIn's `set-cookie` response headers: a new `li_at` or
    /// `JSESSIONID` replaces the stored one; cookies of other names or of domains other than
    /// LinkedIn's are ignored. A deleted `li_at` leaves the session as it was and says
    /// [`Rotation::LoggedOut`].
    pub fn apply_set_cookies<'a>(
        &mut self,
        headers: impl IntoIterator<Item = &'a str>,
    ) -> Rotation {
        let mut rotation = Rotation::Unchanged;
        for header in headers {
            let mut parts = header.split(';');
            let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let (name, value) = (name.trim(), value.trim());
            let mut deleted = value.is_empty() || value.to_ascii_lowercase().starts_with("delete");
            let mut ours = true;
            for attribute in parts {
                let (key, arg) = attribute.split_once('=').unwrap_or((attribute, ""));
                let (key, arg) = (key.trim().to_ascii_lowercase(), arg.trim());
                if key == "max-age" && arg.parse::<i64>().is_ok_and(|age| age <= 0) {
                    deleted = true;
                }
                if key == "domain" && !crate::cookies::is_linkedin_domain(arg) {
                    ours = false;
                }
            }
            if !ours {
                continue;
            }
            let slot = match name {
                "li_at" if deleted => return Rotation::LoggedOut,
                "li_at" => &mut self.li_at,
                "JSESSIONID" if !deleted => &mut self.jsessionid,
                _ => continue,
            };
            if slot.expose() != value {
                *slot = Secret::new(value);
                rotation = Rotation::Rotated;
            }
        }
        rotation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> LinkedInSession {
        LinkedInSession {
            li_at: Secret::new("AQEDAR-old"),
            jsessionid: Secret::new("\"ajax:1111\""),
        }
    }

    #[test]
    fn new_keeps_jsessionid_quoted() {
        for given in ["ajax:1111", "\"ajax:1111\""] {
            let s = LinkedInSession::new(" AQEDAR-old ", given);
            assert_eq!(
                s.cookie_header().expose(),
                session().cookie_header().expose()
            );
        }
    }

    #[test]
    fn header_and_csrf_token() {
        let s = session();
        assert_eq!(
            s.cookie_header().expose(),
            "li_at=AQEDAR-old; JSESSIONID=\"ajax:1111\""
        );
        assert_eq!(s.csrf_token().expose(), "ajax:1111");
        assert!(!format!("{s:?}").contains("AQEDAR"));
    }

    #[test]
    fn rotated_cookies_replace_the_stored_ones() {
        let mut s = session();
        let rotation = s.apply_set_cookies([
            "lidc=\"b=VB1:s=V:r=V\"; Expires=Mon, 07 Dec 2026 12:00:00 GMT; domain=.linkedin.com; Path=/",
            "JSESSIONID=\"ajax:2222\"; Domain=.www.linkedin.com; Path=/; Secure; SameSite=None",
            "li_at=AQEDAR-new; Domain=.linkedin.com; Path=/; Secure; HttpOnly",
        ]);
        assert_eq!(rotation, Rotation::Rotated);
        assert_eq!(s.li_at.expose(), "AQEDAR-new");
        assert_eq!(s.jsessionid.expose(), "\"ajax:2222\"");
        assert_eq!(
            s.apply_set_cookies(["li_at=AQEDAR-new; Domain=.linkedin.com"]),
            Rotation::Unchanged
        );
    }

    #[test]
    fn other_domains_are_ignored_and_deletion_is_a_logout() {
        let mut s = session();
        assert_eq!(
            s.apply_set_cookies(["li_at=evil; Domain=.example.com"]),
            Rotation::Unchanged
        );
        for dead in [
            "li_at=delete me; Domain=.linkedin.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            "li_at=; Domain=.linkedin.com",
            "li_at=AQEDAR-x; Max-Age=0",
        ] {
            let mut s = session();
            assert_eq!(s.apply_set_cookies([dead]), Rotation::LoggedOut, "{dead}");
            assert_eq!(s.li_at.expose(), "AQEDAR-old");
        }
        assert_eq!(s.apply_set_cookies(["garbage", ""]), Rotation::Unchanged);
    }
}
