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
            if flag.json {
                return print_json(&ctx.settings);
            }
            let s = &ctx.settings;
            println!("database_url = {:?}", s.database_url);
            println!("workspace = {}", s.workspace);
            println!("default_time_zone = {:?}", s.default_time_zone);
            println!("engine_seed = {}", s.engine_seed);
            Ok(())
        }
    }
}
