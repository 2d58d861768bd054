//! `overture user add|list`: the people who sign in to `overture serve`.
//!
//! The password comes from a file or standard input, never the command line (where other
//! users of the machine see it in the process list); it is checked, hashed with argon2id and
//! only the hash is stored. The first user of an install becomes the workspace's owner.

use std::io::Read;
use std::path::Path;

use jiff::Timestamp;
use overture_auth::{check_password, hash_password, normalize_email};
use overture_core::{Role, WorkspaceId};
use overture_secrets::Secret;
use overture_store::{NewUser, User, UserStore};

use super::Ctx;
use crate::cli::{UserAdd, UserCommand};
use crate::error::{CliError, CliResult};
use crate::output::{print_json, table};

pub async fn run(ctx: &Ctx, command: UserCommand) -> CliResult {
    match command {
        UserCommand::Add(args) => add(ctx, args).await,
        UserCommand::List(flag) => {
            let store = ctx.store(false).await?;
            let members = store.list_members(ctx.settings.workspace()).await?;
            if flag.json {
                return print_json(&members);
            }
            if members.is_empty() {
                println!(
                    "No users yet. Add the first (the workspace's owner): overture user add --email ana@example.com --name Ana --password-file -"
                );
                return Ok(());
            }
            let mut t = table(["email", "name", "role", "status", "member since"]);
            for m in &members {
                t.add_row([
                    m.email.clone(),
                    m.display_name.clone(),
                    m.role.to_string(),
                    if m.disabled { "disabled" } else { "active" }.to_owned(),
                    m.since.strftime("%Y-%m-%d").to_string(),
                ]);
            }
            println!("{t}");
            Ok(())
        }
    }
}

async fn add(ctx: &Ctx, args: UserAdd) -> CliResult {
    let password = read_password(&args.password_file)?;
    // Checked before the database is opened (or created): a refused user changes nothing.
    validate_user(&args.email, &args.name, &password)?;
    let store = ctx.store(true).await?;
    let ws = ctx.settings.workspace();
    let role = Role::from(args.workspace_role);
    let (user, role) = add_user(
        &store,
        ws,
        &args.email,
        &args.name,
        &password,
        role,
        ctx.now(),
    )
    .await?;
    println!(
        "Added {} ({}) as {role} of workspace {ws}.",
        user.email, user.display_name
    );
    Ok(())
}

/// Checks and adds a user with a role in `ws`; the first user of an install becomes its owner
/// whatever `role` says. Returns the user and the role given. Nothing is stored when the
/// address, name or password does not pass.
pub(super) async fn add_user<S: UserStore>(
    store: &S,
    ws: WorkspaceId,
    email: &str,
    name: &str,
    password: &Secret,
    mut role: Role,
    now: Timestamp,
) -> CliResult<(User, Role)> {
    let (email, name) = validate_user(email, name, password)?;
    if store.user_count().await? == 0 && role != Role::Owner {
        eprintln!(
            "The first user of an install becomes its owner: {email} is the workspace's owner, not {role}."
        );
        role = Role::Owner;
    }
    if store.user_by_email(&email).await?.is_some() {
        return Err(CliError::input(format!(
            "a user with the address {email} exists already; see overture user list"
        )));
    }
    let hash = hash_password(password).map_err(|e| CliError::Internal(anyhow::Error::new(e)))?;
    let user = store
        .create_user(
            NewUser {
                email,
                display_name: name,
                password_hash: hash.into_string(),
                created_at: now,
            },
            Some((ws, role)),
        )
        .await?;
    Ok((user, role))
}

/// The address normalised and the name trimmed, when they and the password pass.
pub(super) fn validate_user(
    email: &str,
    name: &str,
    password: &Secret,
) -> CliResult<(String, String)> {
    let email = normalize_email(email).map_err(CliError::input)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(CliError::input(
            "the name is empty: give the name other members see with --name",
        ));
    }
    check_password(password, Some(&email))
        .map_err(|e| CliError::input(format!("{e}; no user was added")))?;
    Ok((email, name.to_owned()))
}

/// The password: the file's (or standard input's) first line, without its line ending.
fn read_password(path: &Path) -> CliResult<Secret> {
    let mut text = String::new();
    let read = if path == Path::new("-") {
        std::io::stdin().read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text))
    };
    let text = Secret::new(text);
    read.map_err(|e| {
        CliError::input(format!(
            "cannot read the password from {}: {e}",
            if path == Path::new("-") {
                "standard input".to_owned()
            } else {
                path.display().to_string()
            }
        ))
    })?;
    let first = text.expose().lines().next().unwrap_or_default();
    Ok(Secret::new(first))
}
