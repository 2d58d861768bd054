//! Range checks for [`WorldParams`]: a world that passes them cannot make the model divide by
//! zero, sample from an empty list or produce a probability outside `0..=1`.

use crate::params::{ParamsError, WorldParams};

fn invalid(field: &str, reason: &str) -> ParamsError {
    ParamsError::Invalid {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

fn share(field: &str, v: f64) -> Result<(), ParamsError> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(invalid(field, "must be between 0 and 1"))
    }
}

fn finite(field: &str, v: f64) -> Result<(), ParamsError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(invalid(field, "must be a finite number"))
    }
}

fn positive(field: &str, v: f64) -> Result<(), ParamsError> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(invalid(field, "must be a number above 0"))
    }
}

fn non_negative(field: &str, v: f64) -> Result<(), ParamsError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(invalid(field, "must be a number of at least 0"))
    }
}

fn at_least_one(field: &str, v: u32) -> Result<(), ParamsError> {
    if v >= 1 {
        Ok(())
    } else {
        Err(invalid(field, "must be at least 1"))
    }
}

fn not_empty(field: &str, v: &[String]) -> Result<(), ParamsError> {
    if v.iter().any(|s| s.trim().is_empty()) {
        return Err(invalid(field, "must not hold an empty entry"));
    }
    if v.is_empty() {
        Err(invalid(field, "must not be empty"))
    } else {
        Ok(())
    }
}

/// Checks every field of `p`.
pub(crate) fn check(p: &WorldParams) -> Result<(), ParamsError> {
    let pop = &p.population;
    at_least_one("population.people", pop.people)?;
    if pop.people > 10_000_000 {
        return Err(invalid("population.people", "must be at most 10000000"));
    }
    at_least_one("population.companies", pop.companies)?;
    not_empty("population.industries", &pop.industries)?;
    not_empty("population.locations", &pop.locations)?;
    not_empty("population.interests", &pop.interests)?;
    positive(
        "population.invitations_per_week_median",
        pop.invitations_per_week_median,
    )?;
    non_negative(
        "population.invitations_per_week_spread",
        pop.invitations_per_week_spread,
    )?;
    non_negative(
        "population.responsiveness_spread",
        pop.responsiveness_spread,
    )?;
    share("population.inactive_share", pop.inactive_share)?;
    share("population.unreachable_share", pop.unreachable_share)?;
    share("population.recent_post_share", pop.recent_post_share)?;
    share("population.first_degree_share", pop.first_degree_share)?;
    share("population.second_degree_share", pop.second_degree_share)?;
    share("population.third_degree_share", pop.third_degree_share)?;
    if pop.first_degree_share + pop.second_degree_share + pop.third_degree_share > 1.0 + 1e-9 {
        return Err(invalid(
            "population.third_degree_share",
            "first, second and third degree shares must sum to at most 1",
        ));
    }
    positive(
        "population.mutual_connections_median",
        pop.mutual_connections_median,
    )?;
    non_negative(
        "population.mutual_connections_spread",
        pop.mutual_connections_spread,
    )?;

    let a = &p.acceptance;
    for (name, v) in [
        ("base", a.base),
        ("profile_completeness", a.profile_completeness),
        ("note", a.note),
        ("personalised", a.personalised),
        ("common_ground", a.common_ground),
        ("mutual_connections", a.mutual_connections),
        ("shared_industry", a.shared_industry),
        ("third_degree", a.third_degree),
        ("out_of_network", a.out_of_network),
        ("selling", a.selling),
        ("generic", a.generic),
        ("shouting", a.shouting),
        ("popularity", a.popularity),
    ] {
        finite(&format!("acceptance.{name}"), v)?;
    }
    share("acceptance.ignore_share", a.ignore_share)?;
    share("acceptance.unknown_share", a.unknown_share)?;
    if a.ignore_share + a.unknown_share > 1.0 + 1e-9 {
        return Err(invalid(
            "acceptance.unknown_share",
            "ignore_share and unknown_share must sum to at most 1",
        ));
    }
    for (name, v) in [
        ("unknown_factor_third_degree", a.unknown_factor_third_degree),
        (
            "unknown_factor_out_of_network",
            a.unknown_factor_out_of_network,
        ),
        ("unknown_factor_with_note", a.unknown_factor_with_note),
    ] {
        non_negative(&format!("acceptance.{name}"), v)?;
    }

    if p.timing.components.is_empty() {
        return Err(invalid("timing.components", "must not be empty"));
    }
    for c in &p.timing.components {
        non_negative("timing.components.weight", c.weight)?;
        positive("timing.components.mean_hours", c.mean_hours)?;
    }
    if p.timing.components.iter().map(|c| c.weight).sum::<f64>() <= 0.0 {
        return Err(invalid(
            "timing.components.weight",
            "weights must sum to more than 0",
        ));
    }

    let r = &p.replies;
    for (name, v) in [
        ("base", r.base),
        ("personalised", r.personalised),
        ("common_ground", r.common_ground),
        ("selling", r.selling),
        ("generic", r.generic),
        ("shouting", r.shouting),
        ("responsiveness", r.responsiveness),
    ] {
        finite(&format!("replies.{name}"), v)?;
    }
    positive("replies.delay_median_hours", r.delay_median_hours)?;
    non_negative("replies.delay_spread", r.delay_spread)?;

    let rules = &p.rules;
    for (name, v) in [
        ("weekly_invites_free", rules.weekly_invites_free),
        ("weekly_invites_premium", rules.weekly_invites_premium),
        (
            "weekly_invites_sales_navigator",
            rules.weekly_invites_sales_navigator,
        ),
        ("note_chars_free", rules.note_chars_free),
        ("note_chars_paid", rules.note_chars_paid),
        ("note_window_days", rules.note_window_days),
        ("pending_ceiling", rules.pending_ceiling),
        ("burst_invites", rules.burst_invites),
        ("burst_window_minutes", rules.burst_window_minutes),
        ("burst_penalty_minutes", rules.burst_penalty_minutes),
    ] {
        at_least_one(&format!("rules.{name}"), v)?;
    }

    let x = &p.restriction;
    at_least_one("restriction.window_days", x.window_days)?;
    at_least_one("restriction.days", x.days)?;
    non_negative("restriction.unknown_weight", x.unknown_weight)?;
    non_negative("restriction.ignored_weight", x.ignored_weight)?;
    non_negative("restriction.pending_weight", x.pending_weight)?;
    positive("restriction.threshold", x.threshold)?;
    Ok(())
}
