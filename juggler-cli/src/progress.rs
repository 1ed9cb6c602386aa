//! Progress on a terminal, nothing otherwise: when standard output or
//! standard error is not a terminal (a pipe, a file, CI) no bar is drawn.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

fn on_terminal() -> bool {
    std::io::stdout().is_terminal() && std::io::stderr().is_terminal()
}

/// A spinner with `message`, or `None` off a terminal.
pub(crate) fn spinner(message: String) -> Option<ProgressBar> {
    if !on_terminal() {
        return None;
    }
    let s = ProgressBar::new_spinner().with_message(message);
    s.enable_steady_tick(Duration::from_millis(80));
    Some(s)
}

/// A bar of `len` steps, or `None` off a terminal or for a few steps.
pub(crate) fn bar(len: usize, message: &str) -> Option<ProgressBar> {
    if !on_terminal() || len < 20 {
        return None;
    }
    let bar = ProgressBar::new(len as u64).with_message(message.to_owned());
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}
