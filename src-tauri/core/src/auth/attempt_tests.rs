//! Password attempts: decided and counted in one transaction, the current
//! password of a change counted like a sign-in, typed e-mails kept only as
//! far as they are addresses.

use std::sync::Barrier;

use time::Duration;

use super::attempts::{TypedEmail, FREE_ATTEMPTS, NOT_AN_ADDRESS};
use super::*;
use crate::error::ErrorCode;
use crate::testing::{world, World, ADMIN_EMAIL, ADMIN_PASSWORD};

fn failures_of(w: &World, key: &str) -> Option<i64> {
    w.store
        .read(|c| {
            Ok(c.query_row(
                "SELECT failures FROM sign_in_failures WHERE email_key = ?1",
                [key],
                |r| r.get(0),
            )
            .ok())
        })
        .unwrap()
}

/// (action, outcome, target label, detail) of every audit entry.
fn audit(w: &World) -> Vec<(String, String, String, String)> {
    w.store
        .read(|c| {
            let mut s = c.prepare(
                "SELECT action, outcome, target_label, detail FROM audit_log ORDER BY seq",
            )?;
            let rows = s
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .unwrap()
}

#[test]
fn wrong_passwords_tried_at_the_same_moment_are_each_counted_and_the_wait_applies() {
    let w = world();
    w.sessions.sign_out(&w.store, &w.clock).unwrap();
    const ATTEMPTS: usize = 10;
    let start = Barrier::new(ATTEMPTS);
    let codes: Vec<ErrorCode> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..ATTEMPTS)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    w.sessions
                        .sign_in(&w.store, &w.clock, ADMIN_EMAIL, "not the password")
                        .unwrap_err()
                        .code()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let wrong = codes.iter().filter(|c| **c == ErrorCode::Forbidden).count();
    let waiting = codes
        .iter()
        .filter(|c| **c == ErrorCode::RateLimited)
        .count();
    // Read-then-write in two steps let every parallel attempt see 0 failures:
    // all ten were checked and the count ended at 1.
    assert_eq!(wrong as i64, FREE_ATTEMPTS, "{codes:?}");
    assert_eq!(waiting, ATTEMPTS - wrong, "{codes:?}");
    assert_eq!(failures_of(&w, ADMIN_EMAIL), Some(FREE_ATTEMPTS));
    let failed = audit(&w)
        .into_iter()
        .filter(|(action, outcome, ..)| action == "session.sign_in" && outcome == "failed")
        .count();
    assert_eq!(failed, ATTEMPTS, "every attempt is audited");
    let right = w
        .sessions
        .sign_in(&w.store, &w.clock, ADMIN_EMAIL, ADMIN_PASSWORD)
        .unwrap_err();
    assert_eq!(right.code(), ErrorCode::RateLimited);
}

#[test]
fn a_wrong_current_password_counts_like_a_failed_sign_in_and_is_audited() {
    let w = world();
    let wrong = PasswordChange {
        current_password: "not the password".into(),
        new_password: "a brand new long password".into(),
    };
    for n in 1..=FREE_ATTEMPTS {
        let e = change_own_password(&w.store, &w.clock, &w.sessions, &w.admin, &wrong).unwrap_err();
        assert_eq!(e.field(), Some("current_password"));
        assert_eq!(failures_of(&w, ADMIN_EMAIL), Some(n));
    }
    let entries: Vec<_> = audit(&w)
        .into_iter()
        .filter(|(action, outcome, ..)| {
            action == "staff.change_own_password" && outcome == "failed"
        })
        .collect();
    assert_eq!(entries.len() as i64, FREE_ATTEMPTS);
    assert_eq!(entries[4].3, "wrong password number 5 in a row");

    let right = PasswordChange {
        current_password: ADMIN_PASSWORD.into(),
        ..wrong.clone()
    };
    let waiting =
        change_own_password(&w.store, &w.clock, &w.sessions, &w.admin, &right).unwrap_err();
    assert_eq!(
        waiting.code(),
        ErrorCode::RateLimited,
        "the same wait as for signing in"
    );
    w.sessions.sign_out(&w.store, &w.clock).unwrap();
    let sign_in = w
        .sessions
        .sign_in(&w.store, &w.clock, ADMIN_EMAIL, ADMIN_PASSWORD)
        .unwrap_err();
    assert_eq!(sign_in.code(), ErrorCode::RateLimited, "one count for both");

    w.clock.advance(Duration::seconds(3));
    w.sessions
        .sign_in(&w.store, &w.clock, ADMIN_EMAIL, ADMIN_PASSWORD)
        .unwrap();
    let admin = w.sessions.actor(&w.store, &w.clock).unwrap();
    change_own_password(&w.store, &w.clock, &w.sessions, &admin, &right).unwrap();
    assert_eq!(
        failures_of(&w, ADMIN_EMAIL),
        None,
        "a right password forgets them"
    );
}

#[test]
fn typed_emails_are_kept_trimmed_in_lower_case_and_only_when_they_are_addresses() {
    let w = world();
    w.sessions.sign_out(&w.store, &w.clock).unwrap();
    let long = format!("{}@contoso.pl", "a".repeat(300));
    let typed = [
        "  Anna.ADMIN@Contoso.PL ",
        "my secret password",
        "Hunter2Hunter2!",
        "\"quoted local\"@contoso.pl",
        long.as_str(),
        "",
    ];
    for text in typed {
        let e = w
            .sessions
            .sign_in(&w.store, &w.clock, text, "whatever it is")
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Forbidden, "{text}");
    }
    let labels: Vec<String> = audit(&w)
        .into_iter()
        .filter(|(action, outcome, ..)| action == "session.sign_in" && outcome == "failed")
        .map(|(_, _, label, _)| label)
        .collect();
    assert_eq!(
        labels,
        [
            ADMIN_EMAIL,
            NOT_AN_ADDRESS,
            NOT_AN_ADDRESS,
            NOT_AN_ADDRESS,
            NOT_AN_ADDRESS,
            NOT_AN_ADDRESS
        ]
    );
    let keys: Vec<String> = w
        .store
        .read(|c| {
            let mut s = c.prepare("SELECT email_key FROM sign_in_failures ORDER BY email_key")?;
            let rows = s
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .unwrap();
    assert_eq!(keys, [NOT_AN_ADDRESS, ADMIN_EMAIL]);
    assert_eq!(failures_of(&w, NOT_AN_ADDRESS), Some(5));
    // Nothing typed is anywhere in the database file.
    let everything: String = w
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT group_concat(target_label || detail, ' ') FROM audit_log",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    for secret in ["secret", "Hunter2", "quoted", "aaaa"] {
        assert!(!everything.contains(secret), "{secret} in {everything}");
    }
}

#[test]
fn a_typed_email_is_an_address_or_nothing() {
    assert_eq!(
        TypedEmail::of(" Ewa@Contoso.pl ").as_str(),
        "ewa@contoso.pl"
    );
    assert!(!TypedEmail::of("ewa contoso.pl").is_address());
    assert!(!TypedEmail::of("ewa@localhost").is_address());
    let at_limit = format!("{}@contoso.pl", "a".repeat(64));
    assert!(TypedEmail::of(&at_limit).is_address());
    let beyond = format!("{}@{}.pl", "a".repeat(64), "b".repeat(200));
    assert!(beyond.chars().count() > crate::limits::EMAIL);
    assert!(!TypedEmail::of(&beyond).is_address());
}

#[test]
fn only_the_persons_activity_renews_the_idle_time() {
    let w = world();
    w.clock.advance(Duration::minutes(14));
    assert!(w.sessions.actor(&w.store, &w.clock).is_ok());
    w.clock.advance(Duration::minutes(2));
    assert_eq!(
        w.sessions.actor(&w.store, &w.clock).unwrap_err().code(),
        ErrorCode::Locked,
        "checking the session is no activity"
    );

    w.sessions
        .unlock(&w.store, &w.clock, ADMIN_PASSWORD)
        .unwrap();
    w.clock.advance(Duration::minutes(14));
    w.sessions.note_activity(w.clock.now());
    w.clock.advance(Duration::minutes(14));
    assert!(
        w.sessions.actor(&w.store, &w.clock).is_ok(),
        "activity renews"
    );

    // Activity reported after the session ran out does not reopen it.
    w.clock.advance(Duration::minutes(16));
    w.sessions.note_activity(w.clock.now());
    assert_eq!(
        w.sessions.actor(&w.store, &w.clock).unwrap_err().code(),
        ErrorCode::Locked
    );
}
