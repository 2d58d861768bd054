//! `overture account add|set|list|show|check`.

mod check;
mod mailbox;
mod session;

use jiff::civil::Time;
use overture_core::account::Zone;
use overture_core::limits::AccountLimits;
use overture_core::working_hours::{Day, WorkingHours};
use overture_core::{Account, AccountKind, AccountStatus, NewAccount, SenderProfile, Tier};
use overture_store::Store;

use super::Ctx;
use crate::cli::{AccountAdd, AccountCommand, AccountSet, KindArg, SenderArgs, TierArg};
use crate::error::{CliError, CliResult};
use crate::linkedin::Route;
use crate::output::{print_json, table};

pub async fn run(ctx: &Ctx, command: AccountCommand) -> CliResult {
    match command {
        AccountCommand::Add(args) => add(ctx, *args).await,
        AccountCommand::Set(args) => set(ctx, *args).await,
        AccountCommand::List(flag) => {
            let store = ctx.store(false).await?;
            let accounts = store.list_accounts(ctx.settings.workspace()).await?;
            if flag.json {
                return print_json(&accounts);
            }
            if accounts.is_empty() {
                println!("No accounts yet. Add one: overture account add sandbox --name alice");
                return Ok(());
            }
            let mut t = table([
                "name",
                "kind",
                "tier",
                "time zone",
                "working hours",
                "status",
            ]);
            for a in &accounts {
                t.add_row([
                    a.name.clone(),
                    a.kind.to_string(),
                    a.tier.to_string(),
                    a.time_zone.to_string(),
                    describe_hours(&a.working_hours),
                    describe_status(&a.status),
                ]);
            }
            println!("{t}");
            Ok(())
        }
        AccountCommand::Show { name, json } => {
            let store = ctx.store(false).await?;
            let account = store
                .account_by_name(ctx.settings.workspace(), &name)
                .await?;
            if json.json {
                return print_json(&account);
            }
            let session = session::describe(&store, &account).await?;
            show(&account, session.as_deref());
            Ok(())
        }
        AccountCommand::Check { name, json } => check::run(ctx, &name, json.json).await,
    }
}

/// The workspace's account named `name`; an unknown name is an input error that says where
/// the names are.
async fn find<S: Store>(ctx: &Ctx, store: &S, name: &str) -> CliResult<Account> {
    store
        .account_by_name(ctx.settings.workspace(), name)
        .await
        .map_err(|e| match e {
            overture_store::StoreError::NotFound { .. } => CliError::input(format!(
                "no account named `{name}` (see `overture account list`)"
            )),
            other => CliError::from(other),
        })
}

/// `profile` with the fields given on the command line; an empty value clears one.
fn sender_profile(mut profile: SenderProfile, args: &SenderArgs) -> SenderProfile {
    let fields = [
        (&mut profile.first_name, &args.first_name),
        (&mut profile.last_name, &args.last_name),
        (&mut profile.company, &args.company),
        (&mut profile.position, &args.position),
    ];
    for (field, given) in fields {
        if let Some(value) = given {
            let value = value.trim();
            *field = (!value.is_empty()).then(|| value.to_owned());
        }
    }
    profile
}

async fn add(ctx: &Ctx, args: AccountAdd) -> CliResult {
    validate_name(&args.name)?;
    let kind = match args.kind {
        KindArg::Linkedin => AccountKind::Linkedin,
        KindArg::Sandbox => AccountKind::Sandbox,
        KindArg::Email => AccountKind::Email,
    };
    let tier = tier_of(args.tier);
    let tz = args
        .tz
        .clone()
        .unwrap_or_else(|| ctx.settings.default_time_zone.clone());
    let time_zone = Zone::parse(&tz).map_err(|e| CliError::input(format!("--tz: {e}")))?;
    let working_hours = parse_working_hours(&args.days, &args.hours)?;
    let cookies = args
        .cookies_file
        .as_deref()
        .map(|path| session::read(ctx, kind, path))
        .transpose()?;
    let route = if args.route.given() {
        let route = session::new_route(kind, &Route::default(), &args.route)?;
        Some((route, session::key(ctx)?))
    } else {
        None
    };
    let mailbox = if args.mailbox.given() {
        Some(mailbox::read(
            kind,
            None,
            &args.mailbox,
            session::key(ctx)?,
        )?)
    } else {
        None
    };
    // Seats that need credentials wait for them before they act.
    let status = match kind {
        AccountKind::Sandbox => AccountStatus::Active,
        AccountKind::Linkedin | AccountKind::Email => AccountStatus::NeedsCredentials,
    };
    let store = ctx.store(true).await?;
    let account = store
        .create_account(NewAccount {
            workspace_id: ctx.settings.workspace(),
            name: args.name.clone(),
            kind,
            tier,
            time_zone,
            working_hours,
            limits: AccountLimits::for_tier(tier),
            governor: Default::default(),
            sender: sender_profile(SenderProfile::default(), &args.sender),
            status,
            created_at: ctx.now(),
        })
        .await
        .map_err(|e| match e {
            overture_store::StoreError::Conflict { .. } => CliError::input(format!(
                "an account named `{}` already exists (pick another --name, or see `overture account show {}`)",
                args.name, args.name
            )),
            other => CliError::from(other),
        })?;
    if let Some((route, key)) = &route {
        crate::linkedin::save_route(&store, key, &account, route, ctx.now()).await?;
    }
    if let Some(update) = &mailbox {
        mailbox::save(ctx, &store, &account, update).await?;
    }
    // Seats that need credentials start paused until they are given (`NeedsCredentials`).
    let ready = cookies.is_some()
        || mailbox
            .as_ref()
            .is_some_and(mailbox::MailboxUpdate::can_send);
    let account = if kind == AccountKind::Sandbox {
        account
    } else if ready {
        if let Some(cookies) = &cookies {
            session::save(ctx, &store, &account, cookies).await?;
        }
        store
            .set_account_status(account.workspace_id, account.id, AccountStatus::Active)
            .await?
    } else {
        store
            .set_account_status(
                account.workspace_id,
                account.id,
                AccountStatus::NeedsCredentials,
            )
            .await?;
        Account {
            status: AccountStatus::NeedsCredentials,
            ..account
        }
    };
    if args.json {
        return print_json(&account);
    }
    println!(
        "Added {} account `{}` ({}, {}, {}).",
        account.kind,
        account.name,
        account.tier,
        account.time_zone,
        describe_hours(&account.working_hours)
    );
    if cookies.is_some() {
        println!("Stored its LinkedIn session, encrypted; the account is active.");
    }
    if let Some(update) = &mailbox {
        if update.has_password() {
            println!("Stored its mailbox settings and password, encrypted; the account is active.");
        } else if update.can_send() {
            println!(
                "Stored its mailbox settings, encrypted; its SMTP server needs no login, so the \
                 account is active."
            );
        } else {
            println!(
                "Stored its mailbox settings, encrypted; give its password with --password-file."
            );
        }
    }
    if let Some((route, _)) = &route {
        println!("It reaches LinkedIn at {}.", route.describe());
    }
    if account.status == AccountStatus::NeedsCredentials {
        println!("It waits for credentials before it sends anything.");
    }
    Ok(())
}

async fn set(ctx: &Ctx, args: AccountSet) -> CliResult {
    let store = ctx.store(false).await?;
    let ws = ctx.settings.workspace();
    let account = find(ctx, &store, &args.name).await?;
    let cookies = args
        .cookies_file
        .as_deref()
        .map(|path| session::read(ctx, account.kind, path))
        .transpose()?;
    let route = if args.route.given() {
        let key = session::key(ctx)?;
        let current = crate::linkedin::load_route(&store, &key, &account).await?;
        let route = session::new_route(account.kind, &current, &args.route)?;
        (route != current).then_some((route, key))
    } else {
        None
    };
    let mailbox = if args.mailbox.given() {
        let key = session::key(ctx)?;
        let current = crate::mailbox::load(&store, &key, &account).await?;
        Some(mailbox::read(account.kind, current, &args.mailbox, key)?)
    } else {
        None
    };
    let mut settings = account.settings();
    if let Some(tier) = args.tier {
        settings.tier = tier_of(tier);
    }
    if let Some(tz) = &args.tz {
        settings.time_zone = Zone::parse(tz).map_err(|e| CliError::input(format!("--tz: {e}")))?;
    }
    if args.days.is_some() || args.hours.is_some() {
        let days = args
            .days
            .clone()
            .unwrap_or_else(|| describe_days(&settings.working_hours));
        let hours = args.hours.clone().unwrap_or_else(|| {
            let h = &settings.working_hours;
            format!("{}-{}", h.start.strftime("%H:%M"), h.end.strftime("%H:%M"))
        });
        settings.working_hours = parse_working_hours(&days, &hours)?;
    }
    settings.sender = sender_profile(settings.sender, &args.sender);
    if args.reset_limits {
        settings.limits = AccountLimits::for_tier(settings.tier);
    }
    for change in &args.limits {
        settings
            .limits
            .apply_override(settings.tier, change)
            .map_err(|e| CliError::input(format!("--limit {change}: {e}")))?;
    }
    for change in &args.governor {
        settings
            .governor
            .apply_override(change)
            .map_err(|e| CliError::input(format!("--governor {change}: {e}")))?;
    }
    let unchanged = settings == account.settings();
    if unchanged && cookies.is_none() && route.is_none() && mailbox.is_none() {
        return Err(CliError::input(
            "nothing to change (pass --tier, --tz, --days, --hours, --limit, --governor, \
             --reset-limits, --first-name, --last-name, --company, --position, --cookies-file, \
             --api-base, --proxy, or a mailbox flag such as --smtp-url)",
        ));
    }
    let tier_changed = settings.tier != account.tier;
    let mut updated = if unchanged {
        account
    } else {
        store
            .update_account_settings(ws, account.id, settings)
            .await?
    };
    if let Some((route, key)) = &route {
        crate::linkedin::save_route(&store, key, &updated, route, ctx.now()).await?;
    }
    if let Some(update) = &mailbox {
        mailbox::save(ctx, &store, &updated, update).await?;
        if update.can_send() && updated.status == AccountStatus::NeedsCredentials {
            updated = store
                .set_account_status(ws, updated.id, AccountStatus::Active)
                .await?;
        }
    }
    if let Some(cookies) = &cookies {
        session::save(ctx, &store, &updated, cookies).await?;
        if updated.status == AccountStatus::NeedsCredentials {
            updated = store
                .set_account_status(ws, updated.id, AccountStatus::Active)
                .await?;
        }
    }
    if args.json {
        return print_json(&updated);
    }
    println!("Updated account `{}`.", updated.name);
    if tier_changed && !args.reset_limits {
        println!(
            "Its limits were kept; pass --reset-limits for the {} defaults.",
            updated.tier
        );
    }
    if cookies.is_some() {
        println!("Stored its new LinkedIn session, encrypted.");
    }
    if let Some((route, _)) = &route {
        println!("It now reaches LinkedIn at {}.", route.describe());
    }
    let session = session::describe(&store, &updated).await?;
    show(&updated, session.as_deref());
    Ok(())
}

pub(crate) fn tier_of(arg: TierArg) -> Tier {
    match arg {
        TierArg::Free => Tier::Free,
        TierArg::Premium => Tier::Premium,
        TierArg::SalesNavigator => Tier::SalesNavigator,
    }
}

fn validate_name(name: &str) -> CliResult {
    if overture_core::account::is_account_name(name) {
        Ok(())
    } else {
        Err(CliError::input(format!(
            "--name `{name}`: {}",
            overture_core::account::ACCOUNT_NAME_RULE
        )))
    }
}

const DAYS: [(Day, &str); 7] = [
    (Day::Mon, "mon"),
    (Day::Tue, "tue"),
    (Day::Wed, "wed"),
    (Day::Thu, "thu"),
    (Day::Fri, "fri"),
    (Day::Sat, "sat"),
    (Day::Sun, "sun"),
];

fn day_index(text: &str) -> CliResult<usize> {
    let t = text.trim().to_ascii_lowercase();
    DAYS.iter()
        .position(|(_, name)| t.len() >= 3 && name.starts_with(&t[..3]) && name.len() <= t.len())
        .ok_or_else(|| {
            CliError::input(format!(
                "--days: unknown day `{text}` (use mon, tue, wed, thu, fri, sat, sun; ranges like mon-fri)"
            ))
        })
}

/// Parses `--days mon-fri` (ranges and lists) and `--hours 09:00-18:00`.
fn parse_working_hours(days: &str, hours: &str) -> CliResult<WorkingHours> {
    let mut set = [false; 7];
    for part in days.split(',').filter(|p| !p.trim().is_empty()) {
        match part.split_once('-') {
            Some((from, to)) => {
                let (from, to) = (day_index(from)?, day_index(to)?);
                let mut i = from;
                loop {
                    set[i] = true;
                    if i == to {
                        break;
                    }
                    i = (i + 1) % 7;
                }
            }
            None => set[day_index(part)?] = true,
        }
    }
    let days: Vec<Day> = DAYS
        .iter()
        .zip(set)
        .filter_map(|(&(d, _), on)| on.then_some(d))
        .collect();
    let (start, end) = hours.split_once('-').ok_or_else(|| {
        CliError::input(format!(
            "--hours `{hours}`: expected a window like 09:00-18:00"
        ))
    })?;
    let parse_time = |t: &str| {
        t.trim()
            .parse::<Time>()
            .map_err(|_| CliError::input(format!("--hours: `{t}` is not a time of day like 09:00")))
    };
    WorkingHours::new(days, parse_time(start)?, parse_time(end)?)
        .map_err(|e| CliError::input(format!("working hours: {e}")))
}

fn describe_days(h: &WorkingHours) -> String {
    let days: Vec<&str> = h
        .days
        .iter()
        .filter_map(|d| DAYS.iter().find(|(x, _)| x == d).map(|(_, n)| *n))
        .collect();
    days.join(",")
}

fn describe_hours(h: &WorkingHours) -> String {
    format!(
        "{} {}-{}",
        describe_days(h),
        h.start.strftime("%H:%M"),
        h.end.strftime("%H:%M")
    )
}

fn describe_status(s: &AccountStatus) -> String {
    match s {
        AccountStatus::Active => "active".into(),
        AccountStatus::Paused { reason } => format!("paused: {reason}"),
        AccountStatus::Restricted { until } => format!("restricted until {until}"),
        AccountStatus::NeedsCredentials => "needs credentials".into(),
    }
}

fn show(a: &Account, session: Option<&str>) {
    println!("{} ({} {}, id {})", a.name, a.tier, a.kind, a.id);
    println!("  status:        {}", describe_status(&a.status));
    if let Some(session) = session {
        println!("  session:       {session}");
    }
    println!("  time zone:     {}", a.time_zone);
    println!("  working hours: {}", describe_hours(&a.working_hours));
    println!("  added:         {}", a.created_at);
    let p = &a.sender;
    let shown: Vec<String> = [
        ("first name", &p.first_name),
        ("last name", &p.last_name),
        ("company", &p.company),
        ("position", &p.position),
    ]
    .into_iter()
    .filter_map(|(what, v)| v.as_ref().map(|v| format!("{what} {v}")))
    .collect();
    if shown.is_empty() {
        println!("  sender:        not set (messages cannot use sender.*; see --first-name)");
    } else {
        println!("  sender:        {}", shown.join(", "));
    }
    let w = &a.limits.warm_up;
    println!(
        "  warm-up:       {}% of daily caps on day 1, full after {} days",
        w.start_percent, w.ramp_days
    );
    match &a.limits.note_quota {
        Some(q) => println!("  note quota:    {} notes per 30 days", q.per_30_days),
        None => println!("  note quota:    none"),
    }
    let g = &a.governor;
    let smart = if g.smart {
        format!(", or below a {}% chance", g.smart_threshold * 100.0)
    } else {
        String::new()
    };
    println!(
        "  governor:      at most {} pending; withdraw after {:#}{smart}, never before {:#}, \
         at most {} a day{}",
        g.max_pending,
        g.withdraw_after,
        g.min_age,
        g.withdrawals_per_day,
        if g.govern_manual_invites {
            " (invitations sent by hand too)"
        } else {
            ""
        }
    );
    let mut t = table(["action", "per day", "per 7 days", "spacing", "jitter"]);
    for (kind, l) in &a.limits.kinds {
        t.add_row([
            kind.to_string(),
            l.per_day.to_string(),
            l.per_week.to_string(),
            format!("{:#}", l.min_spacing),
            format!("{:#}", l.jitter),
        ]);
    }
    println!("{t}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(text: &str) -> Vec<Day> {
        parse_working_hours(text, "09:00-17:00").unwrap().days
    }

    #[test]
    fn day_lists_and_ranges() {
        use Day::*;
        assert_eq!(days("mon-fri"), [Mon, Tue, Wed, Thu, Fri]);
        assert_eq!(days("mon,wed,fri"), [Mon, Wed, Fri]);
        assert_eq!(days("Monday-Wednesday,sat"), [Mon, Tue, Wed, Sat]);
        assert_eq!(days("fri-mon"), [Mon, Fri, Sat, Sun]);
        assert!(parse_working_hours("funday", "09:00-17:00").is_err());
        assert!(parse_working_hours("mon", "9-17h").is_err());
    }

    #[test]
    fn account_names() {
        assert!(validate_name("alice.sales-1").is_ok());
        assert!(validate_name("").is_err());
        assert!(validate_name("al ice").is_err());
    }
}
