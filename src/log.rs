//! Logging to stderr (never stdout: that is the MCP channel). Without `RUST_LOG`, a small
//! subscriber prints warnings and errors as `mirage: WARN target: message key=value` lines;
//! it keeps no span registry, so a short `mirage exec` pays nothing to set it up. With
//! `RUST_LOG`, `tracing_subscriber`'s formatter and its filter syntax take over.

use std::fmt::Write as _;
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// Installs the process's subscriber: [`Warnings`] unless `RUST_LOG` is set.
pub fn init() {
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .init();
    } else {
        let _ = tracing::subscriber::set_global_default(Warnings);
    }
}

/// Warnings and errors to stderr, one line each; `fuser`'s own warnings only from errors up
/// (it warns about things mirage handles).
pub struct Warnings;

impl Warnings {
    fn wanted(meta: &Metadata<'_>) -> bool {
        let floor = if meta.target().starts_with("fuser") {
            Level::ERROR
        } else {
            Level::WARN
        };
        *meta.level() <= floor
    }
}

/// Collects an event's message and fields as `message key=value …`.
struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.push_str(value);
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }
}

/// `mirage: LEVEL target: message key=value …`
fn format_line(event: &Event<'_>) -> String {
    let meta = event.metadata();
    let mut line = Line(String::new());
    event.record(&mut line);
    format!("mirage: {} {}: {}", meta.level(), meta.target(), line.0)
}

impl Subscriber for Warnings {
    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        Self::wanted(meta)
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::WARN)
    }

    fn new_span(&self, _span: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let _ = writeln!(std::io::stderr().lock(), "{}", format_line(event));
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_warnings_and_errors_are_wanted() {
        let d = tracing::Dispatch::new(Warnings);
        tracing::dispatcher::with_default(&d, || {
            assert!(tracing::enabled!(Level::WARN));
            assert!(tracing::enabled!(Level::ERROR));
            assert!(!tracing::enabled!(Level::INFO));
            assert!(!tracing::enabled!(target: "fuser::session", Level::WARN));
        });
    }

    /// Captures formatted lines instead of printing them.
    struct Capture(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

    impl Subscriber for Capture {
        fn enabled(&self, meta: &Metadata<'_>) -> bool {
            Warnings::wanted(meta)
        }
        fn new_span(&self, _span: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _span: &Id, _values: &Record<'_>) {}
        fn record_follows_from(&self, _span: &Id, _follows: &Id) {}
        fn event(&self, event: &Event<'_>) {
            self.0.lock().unwrap().push(format_line(event));
        }
        fn enter(&self, _span: &Id) {}
        fn exit(&self, _span: &Id) {}
    }

    #[test]
    fn a_line_is_level_target_message_and_fields() {
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let d = tracing::Dispatch::new(Capture(lines.clone()));
        tracing::dispatcher::with_default(&d, || {
            tracing::warn!(target: "mirage::x", fh = 3, "closing: {}", "gone");
            tracing::info!("not shown");
        });
        assert_eq!(
            *lines.lock().unwrap(),
            vec!["mirage: WARN mirage::x: closing: gone fh=3".to_string()]
        );
    }
}
