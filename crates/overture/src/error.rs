//! Exit codes by kind of failure: 0 ok, 2 usage or input error, 1 internal error.

use std::process::ExitCode;

use overture_store::StoreError;

/// A command's failure, classified so the exit code tells scripts what went wrong.
#[derive(Debug)]
pub enum CliError {
    /// The user's input is wrong (bad file, unknown name, conflict): fix it and run again.
    Input(anyhow::Error),
    /// Input problems that were already printed one per line (validation diagnostics).
    Reported,
    /// Something broke inside Overture or its environment.
    Internal(anyhow::Error),
}

impl CliError {
    /// An input error with a message that says what to do next.
    pub fn input(message: impl std::fmt::Display) -> Self {
        CliError::Input(anyhow::anyhow!("{message}"))
    }

    /// Prints the error and its causes to standard error and returns the exit code.
    pub fn report(self) -> ExitCode {
        match self {
            CliError::Input(e) => {
                eprintln!("error: {}", chain(&e));
                ExitCode::from(2)
            }
            CliError::Reported => ExitCode::from(2),
            CliError::Internal(e) => {
                eprintln!("error: {}", chain(&e));
                eprintln!(
                    "This is a problem inside Overture or its environment; run again with -vv for details."
                );
                ExitCode::from(1)
            }
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Input(e) | CliError::Internal(e) => f.write_str(&chain(e)),
            CliError::Reported => f.write_str("the problems printed above"),
        }
    }
}

fn chain(e: &anyhow::Error) -> String {
    e.chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        // A store error anywhere in the chain decides the class; everything else is internal.
        match e.chain().find_map(|c| c.downcast_ref::<StoreError>()) {
            Some(StoreError::NotFound { .. } | StoreError::Conflict { .. }) => CliError::Input(e),
            _ => CliError::Internal(e),
        }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        CliError::from(anyhow::Error::new(e))
    }
}

/// The result of a command.
pub type CliResult<T = ()> = Result<T, CliError>;
