//! The variables a template may use, and the values a lead and a sender give them.
//!
//! | variable | value |
//! |---|---|
//! | `first_name`, `last_name`, `headline`, `company`, `position`, `location`, `email`, `profile_url` | the lead's field |
//! | `full_name` | first and last name, or whichever is known |
//! | `custom.KEY` | the lead's custom field `KEY`, lower-cased, with every run of other characters than letters and digits written `_` (`Shared Group` → `custom.shared_group`) |
//! | `sender.first_name`, `sender.last_name`, `sender.full_name`, `sender.company`, `sender.position` | the sending account's profile |
//!
//! An empty or blank value counts as no value: the variable is undefined, so printing it
//! without a fallback is an error, and `{% if company %}` is false.

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object};
use overture_core::NewLead;
use overture_core::suggest::did_you_mean;

/// The lead's fields a template may use, in the order they are documented.
pub const LEAD_FIELDS: [&str; 9] = [
    "first_name",
    "last_name",
    "full_name",
    "headline",
    "company",
    "position",
    "location",
    "email",
    "profile_url",
];

/// The sender's fields, used as `sender.NAME`.
pub const SENDER_FIELDS: [&str; 5] = [
    "first_name",
    "last_name",
    "full_name",
    "company",
    "position",
];

/// Fields nearly every lead has, which need no fallback.
pub const ALWAYS_KNOWN: [&str; 2] = ["first_name", "profile_url"];

/// The sending account's profile, for `sender.*` variables.
pub use overture_core::SenderProfile as Sender;

/// The values of one lead's variables, ready for a template.
#[derive(Debug, Clone)]
pub struct Vars {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// Values of [`LEAD_FIELDS`], in that order.
    lead: [Option<String>; 9],
    custom: BTreeMap<String, String>,
    /// Values of [`SENDER_FIELDS`], in that order.
    sender: [Option<String>; 5],
}

impl Vars {
    /// The variables of `lead` sent by `sender`.
    pub fn new(lead: &NewLead, sender: &Sender) -> Self {
        let lead_values = [
            own(&lead.first_name),
            own(&lead.last_name),
            full(&lead.first_name, &lead.last_name),
            own(&lead.headline),
            own(&lead.company),
            own(&lead.position),
            own(&lead.location),
            own(&lead.email),
            Some(lead.profile_url.to_string()),
        ];
        let custom = lead
            .custom
            .iter()
            .filter_map(|(k, v)| Some((custom_key(k), value(Some(v))?.to_owned())))
            .filter(|(k, _)| !k.is_empty())
            .collect();
        Vars {
            inner: Arc::new(Inner {
                lead: lead_values,
                custom,
                sender: sender_values(sender),
            }),
        }
    }

    /// The variables of `sender` alone, no lead's: to check a sender's profile against the
    /// `sender.*` variables a text uses.
    pub fn of_sender(sender: &Sender) -> Self {
        Vars {
            inner: Arc::new(Inner {
                lead: Default::default(),
                custom: BTreeMap::new(),
                sender: sender_values(sender),
            }),
        }
    }

    /// The value of a variable as templates name it (`company`, `custom.source`,
    /// `sender.first_name`); `None` when it has none.
    pub fn get(&self, name: &str) -> Option<&str> {
        let inner = &self.inner;
        if let Some(key) = name.strip_prefix("custom.") {
            return inner.custom.get(key).map(String::as_str);
        }
        if let Some(key) = name.strip_prefix("sender.") {
            let i = SENDER_FIELDS.iter().position(|f| *f == key)?;
            return inner.sender[i].as_deref();
        }
        let i = LEAD_FIELDS.iter().position(|f| *f == name)?;
        inner.lead[i].as_deref()
    }

    /// Every variable with a value, by the name templates use (`company`, `custom.event`,
    /// `sender.first_name`).
    pub fn defined(&self) -> Vec<(String, &str)> {
        let inner = &self.inner;
        let lead = LEAD_FIELDS
            .iter()
            .zip(&inner.lead)
            .filter_map(|(k, v)| Some(((*k).to_owned(), v.as_deref()?)));
        let custom = inner
            .custom
            .iter()
            .map(|(k, v)| (format!("custom.{k}"), v.as_str()));
        let sender = SENDER_FIELDS
            .iter()
            .zip(&inner.sender)
            .filter_map(|(k, v)| Some((format!("sender.{k}"), v.as_deref()?)));
        lead.chain(custom).chain(sender).collect()
    }

    /// The template context.
    pub(crate) fn value(&self) -> Value {
        Value::from_object(Root(self.inner.clone()))
    }
}

/// The values of [`SENDER_FIELDS`], in that order.
fn sender_values(sender: &Sender) -> [Option<String>; 5] {
    [
        own(&sender.first_name),
        own(&sender.last_name),
        full(&sender.first_name, &sender.last_name),
        own(&sender.company),
        own(&sender.position),
    ]
}

/// A field's value, unless it is missing or blank.
fn own(v: &Option<String>) -> Option<String> {
    value(v.as_deref()).map(str::to_owned)
}

/// First and last name, or whichever is known.
fn full(first: &Option<String>, last: &Option<String>) -> Option<String> {
    let parts: Vec<&str> = [first, last]
        .into_iter()
        .filter_map(|p| value(p.as_deref()))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A value, unless it is missing or blank.
fn value(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

/// The name a custom field has in templates: lower case, runs of anything but letters and
/// digits become one `_`, none at either end.
pub fn custom_key(header: &str) -> String {
    let mut key = String::with_capacity(header.len());
    for c in header.chars() {
        if c.is_alphanumeric() {
            key.extend(c.to_lowercase());
        } else if !key.is_empty() && !key.ends_with('_') {
            key.push('_');
        }
    }
    while key.ends_with('_') {
        key.pop();
    }
    key
}

/// Whether `name` (as [`Vars::get`] takes it) is a variable templates know, whatever the lead;
/// `custom.KEY` always is, since any lead may carry any custom field.
pub fn is_known(name: &str) -> bool {
    if let Some(key) = name.strip_prefix("custom.") {
        return !key.is_empty() && !key.contains('.');
    }
    if let Some(key) = name.strip_prefix("sender.") {
        return SENDER_FIELDS.contains(&key);
    }
    LEAD_FIELDS.contains(&name)
}

/// Every variable name outside `custom.`, for suggestions.
pub fn known_names() -> impl Iterator<Item = String> {
    LEAD_FIELDS
        .iter()
        .map(|f| (*f).to_owned())
        .chain(SENDER_FIELDS.iter().map(|f| format!("sender.{f}")))
}

/// What to say about `name`, a variable [`is_known`] refuses: the nearest known name, or how
/// a custom field is written.
pub fn unknown_variable(name: &str) -> String {
    let known: Vec<String> = known_names().collect();
    match did_you_mean(name, known.iter().map(String::as_str)) {
        Some(near) => format!("unknown variable `{name}` (did you mean `{near}`?)"),
        None => format!(
            "unknown variable `{name}` (a custom field is written `custom.{}`)",
            name.rsplit('.').next().unwrap_or(name)
        ),
    }
}

/// The root of a template's context.
#[derive(Debug)]
struct Root(Arc<Inner>);

/// `custom.*`.
#[derive(Debug)]
struct Custom(Arc<Inner>);

/// `sender.*`.
#[derive(Debug)]
struct SenderView(Arc<Inner>);

impl Object for Root {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        match key {
            "custom" => Some(Value::from_object(Custom(self.0.clone()))),
            "sender" => Some(Value::from_object(SenderView(self.0.clone()))),
            _ => {
                let i = LEAD_FIELDS.iter().position(|f| *f == key)?;
                self.0.lead[i].as_deref().map(Value::from)
            }
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let mut keys: Vec<Value> = LEAD_FIELDS
            .iter()
            .zip(&self.0.lead)
            .filter(|(_, v)| v.is_some())
            .map(|(k, _)| Value::from(*k))
            .collect();
        keys.extend([Value::from("custom"), Value::from("sender")]);
        Enumerator::Values(keys)
    }
}

impl Object for Custom {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0
            .custom
            .get(key.as_str()?)
            .map(|v| Value::from(v.as_str()))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let keys: Vec<Value> = self
            .0
            .custom
            .keys()
            .map(|k| Value::from(k.as_str()))
            .collect();
        Enumerator::Values(keys)
    }
}

impl Object for SenderView {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        let i = SENDER_FIELDS.iter().position(|f| *f == key)?;
        self.0.sender[i].as_deref().map(Value::from)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let keys: Vec<Value> = SENDER_FIELDS
            .iter()
            .zip(&self.0.sender)
            .filter(|(_, v)| v.is_some())
            .map(|(k, _)| Value::from(*k))
            .collect();
        Enumerator::Values(keys)
    }
}
