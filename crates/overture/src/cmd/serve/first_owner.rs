//! The first owner of an install: `overture serve` on a terminal asks for one when nobody can
//! sign in yet; elsewhere (a service manager, a container) it says how to add one.

use std::io::{self, BufRead, IsTerminal, Write};

use jiff::Timestamp;
use overture_core::{Role, WorkspaceId};
use overture_secrets::Secret;
use overture_store::UserStore;

use crate::cmd::user::{add_user, validate_user};
use crate::error::{CliError, CliResult};

/// What to do when nobody can sign in and nobody can be asked.
pub const NO_USER_HINT: &str = "Nobody can sign in to the dashboard yet. Add the first owner: \
overture user add --email you@example.com --name 'Your Name' --password-file - \
(API tokens work meanwhile: overture token create).";

/// How many times each answer may be given again after a refusal.
const TRIES: usize = 3;

/// The first owner's address, name and password.
#[derive(Debug)]
pub struct Answers {
    pub email: String,
    pub name: String,
    pub password: Secret,
}

/// Makes sure someone can sign in: when the install has no user, asks for the first owner on
/// the terminal (or, without one, prints [`NO_USER_HINT`]).
pub async fn ensure<S: UserStore>(store: &S, ws: WorkspaceId, now: Timestamp) -> CliResult {
    if store.user_count().await? > 0 {
        return Ok(());
    }
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        eprintln!("{NO_USER_HINT}");
        return Ok(());
    }
    let answers = ask(&mut io::stdin().lock(), &mut io::stderr(), |prompt| {
        rpassword::prompt_password(prompt).map(Secret::new)
    })?;
    let (user, _) = add_user(
        store,
        ws,
        &answers.email,
        &answers.name,
        &answers.password,
        Role::Owner,
        now,
    )
    .await?;
    eprintln!(
        "{} is the owner of workspace {ws}; sign in at /login.",
        user.email
    );
    Ok(())
}

/// Asks for the first owner: address, name, then the password twice (read by `password`, which
/// does not echo it), again after each refusal, at most [`TRIES`] times.
pub fn ask(
    input: &mut impl BufRead,
    out: &mut impl Write,
    mut password: impl FnMut(&str) -> io::Result<Secret>,
) -> CliResult<Answers> {
    let io_error = |e: io::Error| CliError::input(format!("cannot read the answer: {e}"));
    writeln!(
        out,
        "Nobody can sign in yet. Create the install's first owner (Ctrl-C to skip; overture user add does it later)."
    )
    .map_err(io_error)?;
    let mut last = None;
    for _ in 0..TRIES {
        let email = line(input, out, "Email address: ")?;
        let name = line(input, out, "Name shown to others: ")?;
        let first = password("Password (at least 12 characters): ").map_err(io_error)?;
        let again = password("The same password again: ").map_err(io_error)?;
        if first.expose() != again.expose() {
            writeln!(out, "The two passwords differ; once more.").map_err(io_error)?;
            continue;
        }
        match validate_user(&email, &name, &first) {
            Ok((email, name)) => {
                return Ok(Answers {
                    email,
                    name,
                    password: first,
                });
            }
            Err(e) => {
                writeln!(out, "{e}; once more.").map_err(io_error)?;
                last = Some(e);
            }
        }
    }
    Err(last.unwrap_or_else(|| {
        CliError::input("the passwords differed each time; no owner was created")
    }))
}

/// One answered line, without its line ending; an empty input is an error.
fn line(input: &mut impl BufRead, out: &mut impl Write, prompt: &str) -> CliResult<String> {
    let io_error = |e: io::Error| CliError::input(format!("cannot read the answer: {e}"));
    write!(out, "{prompt}").map_err(io_error)?;
    out.flush().map_err(io_error)?;
    let mut text = String::new();
    if input.read_line(&mut text).map_err(io_error)? == 0 {
        return Err(CliError::input(
            "no answer (the input ended); no owner was created",
        ));
    }
    Ok(text.trim_end_matches(['\r', '\n']).to_owned())
}

#[cfg(test)]
mod tests;
