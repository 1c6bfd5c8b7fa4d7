//! One module per command: logic on a plain options struct, no clap and no printing of its own
//! beyond status through the [`Shell`](crate::ui::Shell).

pub mod add;
pub mod adopt;
pub mod change;
pub mod checks;
pub mod diff;
pub mod generate;
pub mod new;
pub mod pack_commands;
pub mod packs;
pub mod remove;
pub mod status;
pub mod update;
pub mod upgrade;
