//! `overture config example|show`.

use super::Ctx;
use crate::cli::ConfigCommand;
use crate::config::EXAMPLE;
use crate::error::CliResult;
use crate::output::print_json;

pub fn run(ctx: &Ctx, command: ConfigCommand) -> CliResult {
    match command {
        ConfigCommand::Example => {
            print!("{EXAMPLE}");
            Ok(())
        }
        ConfigCommand::Show(flag) => {
            // A PostgreSQL URL may carry a password: it is never printed.
            let mut shown = ctx.settings.clone();
            shown.database_url = crate::store::redacted(&shown.database_url);
            if flag.json {
                return print_json(&shown);
            }
            let s = &shown;
            println!("database_url = {:?}", s.database_url);
            println!("workspace = {}", s.workspace);
            println!("default_time_zone = {:?}", s.default_time_zone);
            println!("engine_seed = {}", s.engine_seed);
            Ok(())
        }
    }
}
