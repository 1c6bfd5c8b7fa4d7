//! One module per command: logic on a plain options struct, no clap and no printing of its own
//! beyond status through the [`Shell`](crate::ui::Shell).

pub mod new;
pub mod status;
