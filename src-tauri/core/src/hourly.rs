//! The clock-driven rules the app applies at start and then hourly. Each rule
//! runs on its own: one that fails or panics is logged, and the rules after
//! it still run, now and at every later turn.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::change::Change;
use crate::clock::Clock;
use crate::error::Result;
use crate::store::Store;

/// One clock-driven rule: its name for the log, and what it does.
pub struct HourlyRule {
    pub name: &'static str,
    pub apply: fn(&Store, &dyn Clock) -> Result<Option<Change>>,
}

const RELATIONSHIPS: HourlyRule = HourlyRule {
    name: "relationships",
    apply: crate::relationships::apply_clock,
};

/// The rules, in order. Notifications last: they notice what the rules above just changed.
pub const RULES: &[HourlyRule] = &[
    RELATIONSHIPS,
    HourlyRule {
        name: "subscriptions",
        apply: crate::subscriptions::apply_clock,
    },
    HourlyRule {
        name: "offers",
        apply: crate::offers::apply_clock,
    },
    HourlyRule {
        name: "notifications",
        apply: crate::notifications::apply_clock,
    },
];

/// What runs every minute between the hourly turns: Microsoft's relationship
/// steps (approved → activating → active, termination requested → terminating
/// → terminated) take minutes (decision 0045).
pub const MINUTE_RULES: &[HourlyRule] = &[RELATIONSHIPS];

/// Runs every rule once; returns the changes to announce.
pub fn run(store: &Store, clock: &dyn Clock, rules: &[HourlyRule]) -> Vec<Change> {
    let mut changes = Vec::new();
    for rule in rules {
        // A panic inside a write rolled its transaction back (the transaction
        // drops), and the store's locks recover from poisoning, so the store
        // is sound for the next rule.
        match catch_unwind(AssertUnwindSafe(|| (rule.apply)(store, clock))) {
            Ok(Ok(Some(change))) => changes.push(change),
            Ok(Ok(None)) => {}
            Ok(Err(error)) => {
                tracing::error!(rule = rule.name, %error, "a clock-driven rule failed")
            }
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "no message".into());
                tracing::error!(rule = rule.name, panic = %message, "a clock-driven rule panicked");
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::Entity;
    use crate::testing::world;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    /// What `run` writes to the log, caught as the log file would hold it.
    #[derive(Clone, Default)]
    struct Logged(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Logged {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn logged<T>(f: impl FnOnce() -> T) -> (T, String) {
        let log = Logged::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let out = tracing::subscriber::with_default(subscriber, f);
        let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        (out, text)
    }

    static AFTER_THE_PANIC: AtomicUsize = AtomicUsize::new(0);

    fn panics(_: &Store, _: &dyn Clock) -> Result<Option<Change>> {
        panic!("a bug in one rule")
    }

    fn panics_inside_a_write(store: &Store, _: &dyn Clock) -> Result<Option<Change>> {
        store.write(|tx| {
            tx.execute("DELETE FROM settings", [])?;
            panic!("a bug half way through a write")
        })
    }

    fn counts(store: &Store, _: &dyn Clock) -> Result<Option<Change>> {
        AFTER_THE_PANIC.fetch_add(1, Ordering::SeqCst);
        store.write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES ('hourly.test', 'ran', '')
                 ON CONFLICT (key) DO NOTHING",
                [],
            )?;
            Ok(Some(Change::of(Entity::Notification)))
        })
    }

    #[test]
    fn the_next_rule_still_runs_after_one_panics() {
        let w = world();
        let settings_before: i64 = w
            .store
            .read(|c| Ok(c.query_row("SELECT count(*) FROM settings", [], |r| r.get(0))?))
            .unwrap();
        let rules = [
            HourlyRule {
                name: "broken",
                apply: panics,
            },
            HourlyRule {
                name: "broken in a write",
                apply: panics_inside_a_write,
            },
            HourlyRule {
                name: "after",
                apply: counts,
            },
        ];
        for turn in 1..=2 {
            let (changes, log) = logged(|| run(&w.store, &w.clock, &rules));
            assert_eq!(changes.len(), 1, "the last rule's change, turn {turn}");
            assert_eq!(AFTER_THE_PANIC.load(Ordering::SeqCst), turn);
            // Each panic is logged with its rule and message.
            let panicked: Vec<&str> = log
                .lines()
                .filter(|l| l.contains("ERROR") && l.contains("a clock-driven rule panicked"))
                .collect();
            assert_eq!(panicked.len(), 2, "{log}");
            assert!(panicked[0].contains(r#"rule="broken""#), "{log}");
            assert!(panicked[0].contains("panic=a bug in one rule"), "{log}");
            assert!(panicked[1].contains(r#"rule="broken in a write""#), "{log}");
            assert!(
                panicked[1].contains("panic=a bug half way through a write"),
                "{log}"
            );
        }
        let settings_after: i64 = w
            .store
            .read(|c| Ok(c.query_row("SELECT count(*) FROM settings", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(
            settings_after,
            settings_before + 1,
            "the panicking write rolled back; the next rule's write committed"
        );
    }

    #[test]
    fn the_real_rules_run_on_a_set_up_database_without_a_failure() {
        let w = world();
        let (_, log) = logged(|| run(&w.store, &w.clock, RULES));
        // A failing or panicking rule is caught and only logged, so the log is the test.
        assert!(!log.contains("ERROR"), "{log}");
        assert!(!log.contains("clock-driven rule"), "{log}");
    }
}
