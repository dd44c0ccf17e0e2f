use time::Duration;

use super::*;
use crate::access::{CompanyRole, CustomerAccess};
use crate::error::ErrorCode;
use crate::setup::{self, SetupInput};
use crate::testing::{company, world, ADMIN_EMAIL, ADMIN_PASSWORD};

#[test]
fn set_up_signs_the_first_global_admin_in_and_runs_only_once() {
    let w = world();
    assert_eq!(w.admin.role, CompanyRole::GlobalAdmin);
    assert_eq!(w.admin.customer_access, CustomerAccess::Full);
    let again = setup::complete(
        &w.store,
        &w.clock,
        &w.sessions,
        &SetupInput {
            company: company(),
            display_name: "Intruder".into(),
            email: "x@contoso.pl".into(),
            password: "another long password".into(),
        },
    )
    .unwrap_err();
    assert_eq!(again.code(), ErrorCode::Conflict);
    let stored: String = w
        .store
        .read(|c| {
            Ok(
                c.query_row("SELECT password_hash FROM staff_credentials", [], |r| {
                    r.get(0)
                })?,
            )
        })
        .unwrap();
    assert!(stored.starts_with("$argon2id$"));
    assert!(!stored.contains(ADMIN_PASSWORD));
}

#[test]
fn set_up_refuses_a_short_password_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = crate::Store::open(&dir.path().join("t.sqlite3")).unwrap();
    let clock = crate::clock::SystemClock;
    let sessions = Sessions::default();
    let error = setup::complete(
        &store,
        &clock,
        &sessions,
        &SetupInput {
            company: company(),
            display_name: "Anna".into(),
            email: "anna@contoso.pl".into(),
            password: "short".into(),
        },
    )
    .unwrap_err();
    assert_eq!(error.field(), Some("password"));
    assert_eq!(
        sessions.status(&store, &clock).unwrap(),
        SessionStatus::SetupRequired
    );
    let profiles: i64 = store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM company_profile", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(profiles, 0, "no half-written set-up");
}

#[test]
fn a_wrong_password_and_an_unknown_email_get_the_same_answer_and_are_audited() {
    let w = world();
    w.sessions.sign_out(&w.store, &w.clock).unwrap();
    let wrong = w
        .sessions
        .sign_in(&w.store, &w.clock, ADMIN_EMAIL, "not the password")
        .unwrap_err();
    let unknown = w
        .sessions
        .sign_in(&w.store, &w.clock, "nobody@contoso.pl", "not the password")
        .unwrap_err();
    assert_eq!(wrong.to_string(), unknown.to_string());
    assert_eq!(wrong.code(), ErrorCode::Forbidden);
    let failures: Vec<_> = w
        .audit_actions()
        .into_iter()
        .filter(|(action, outcome, _)| action == "session.sign_in" && outcome == "failed")
        .collect();
    assert_eq!(failures.len(), 2);
    assert_eq!(
        w.sessions.actor(&w.store, &w.clock).unwrap_err().code(),
        ErrorCode::Unauthenticated
    );
}

#[test]
fn after_five_failures_each_attempt_waits_longer() {
    let w = world();
    w.sessions.sign_out(&w.store, &w.clock).unwrap();
    for _ in 0..5 {
        let e = w
            .sessions
            .sign_in(&w.store, &w.clock, ADMIN_EMAIL, "wrong")
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Forbidden);
    }
    // Even the right password must wait now.
    let waiting = w
        .sessions
        .sign_in(&w.store, &w.clock, ADMIN_EMAIL, ADMIN_PASSWORD)
        .unwrap_err();
    assert_eq!(waiting.code(), ErrorCode::RateLimited);
    assert!(waiting.to_string().contains("Wait 2 seconds"), "{waiting}");

    w.clock.advance(Duration::seconds(3));
    w.sessions
        .sign_in(&w.store, &w.clock, ADMIN_EMAIL, "wrong")
        .unwrap_err();
    let longer = w
        .sessions
        .sign_in(&w.store, &w.clock, "ANNA.admin@contoso.pl", ADMIN_PASSWORD)
        .unwrap_err();
    assert!(longer.to_string().contains("Wait 4 seconds"), "{longer}");
    assert!(session::wait_after(7) > session::wait_after(6));
    assert_eq!(
        session::wait_after(100).whole_seconds(),
        session::MAX_WAIT_SECONDS
    );

    w.clock.advance(Duration::seconds(5));
    w.sessions
        .sign_in(&w.store, &w.clock, ADMIN_EMAIL, ADMIN_PASSWORD)
        .expect("the wait is over");
    w.sessions.sign_out(&w.store, &w.clock).unwrap();
    w.sessions
        .sign_in(&w.store, &w.clock, ADMIN_EMAIL, "wrong")
        .unwrap_err();
    assert_eq!(
        w.sessions
            .sign_in(&w.store, &w.clock, ADMIN_EMAIL, ADMIN_PASSWORD)
            .map(|_| ())
            .map_err(|e| e.code()),
        Ok(()),
        "success reset the count"
    );
}

#[test]
fn an_idle_session_locks_and_unlocks_with_the_password_only() {
    let w = world();
    w.clock.advance(Duration::minutes(14));
    w.sessions.note_activity(w.clock.now());
    assert!(
        w.sessions.actor(&w.store, &w.clock).is_ok(),
        "activity renews"
    );
    w.clock.advance(Duration::minutes(16));
    assert_eq!(
        w.sessions.actor(&w.store, &w.clock).unwrap_err().code(),
        ErrorCode::Locked
    );
    assert!(matches!(
        w.sessions.status(&w.store, &w.clock).unwrap(),
        SessionStatus::Locked { .. }
    ));
    assert!(w.sessions.unlock(&w.store, &w.clock, "wrong").is_err());
    assert_eq!(
        w.sessions.actor(&w.store, &w.clock).unwrap_err().code(),
        ErrorCode::Locked
    );
    w.sessions
        .unlock(&w.store, &w.clock, ADMIN_PASSWORD)
        .unwrap();
    assert_eq!(
        w.sessions.actor(&w.store, &w.clock).unwrap().email,
        ADMIN_EMAIL
    );
}

#[test]
fn the_idle_time_is_a_global_admin_setting() {
    let w = world();
    let billing = w.staff(
        "Bea Billing",
        CompanyRole::BillingAdmin,
        CustomerAccess::None,
    );
    let refused = crate::settings::update_idle_lock(&w.store, &w.clock, &billing, 5).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    let out_of_range =
        crate::settings::update_idle_lock(&w.store, &w.clock, &w.admin, 0).unwrap_err();
    assert_eq!(out_of_range.field(), Some("idle_lock_minutes"));
    crate::settings::update_idle_lock(&w.store, &w.clock, &w.admin, 5).unwrap();
    w.clock.advance(Duration::minutes(6));
    assert_eq!(
        w.sessions.actor(&w.store, &w.clock).unwrap_err().code(),
        ErrorCode::Locked
    );
}

#[test]
fn a_temporary_password_allows_only_changing_it() {
    let w = world();
    let (issued, _) = crate::staff::create(
        &w.store,
        &w.clock,
        &w.admin,
        &crate::staff::StaffInput {
            display_name: "Tom".into(),
            email: "tom@contoso.pl".into(),
            role: "none".into(),
            customer_access: "none".into(),
        },
    )
    .unwrap();
    let info = w
        .sessions
        .sign_in(
            &w.store,
            &w.clock,
            "tom@contoso.pl",
            &issued.temporary_password,
        )
        .unwrap();
    assert!(info.staff.must_change_password);
    assert!(info
        .permissions
        .iter()
        .all(|p| p.allowed == (p.action == crate::access::Action::ChangeOwnPassword)));
    let tom = w.sessions.actor(&w.store, &w.clock).unwrap();
    let blocked = crate::company::get(&w.store, &w.clock, &tom).unwrap_err();
    assert_eq!(ApiReason::of(&blocked), Some("password_change_required"));

    let same = change_own_password(
        &w.store,
        &w.clock,
        &w.sessions,
        &tom,
        &PasswordChange {
            current_password: issued.temporary_password.clone(),
            new_password: "short".into(),
        },
    )
    .unwrap_err();
    assert_eq!(same.field(), Some("new_password"));
    let wrong_current = change_own_password(
        &w.store,
        &w.clock,
        &w.sessions,
        &tom,
        &PasswordChange {
            current_password: "not it at all".into(),
            new_password: "toms own long password".into(),
        },
    )
    .unwrap_err();
    assert_eq!(wrong_current.field(), Some("current_password"));

    let (info, _) = change_own_password(
        &w.store,
        &w.clock,
        &w.sessions,
        &tom,
        &PasswordChange {
            current_password: issued.temporary_password,
            new_password: "toms own long password".into(),
        },
    )
    .unwrap();
    assert!(!info.staff.must_change_password);
    let tom = w.sessions.actor(&w.store, &w.clock).unwrap();
    assert!(crate::company::get(&w.store, &w.clock, &tom).is_ok());
}

#[test]
fn blocked_and_removed_staff_cannot_sign_in_and_are_signed_out() {
    let w = world();
    let (issued, _) = crate::staff::create(
        &w.store,
        &w.clock,
        &w.admin,
        &crate::staff::StaffInput {
            display_name: "Ewa".into(),
            email: "ewa@contoso.pl".into(),
            role: "none".into(),
            customer_access: "none".into(),
        },
    )
    .unwrap();
    crate::staff::set_blocked(&w.store, &w.clock, &w.admin, &issued.staff.id, true).unwrap();
    let other = Sessions::default();
    let blocked = other
        .sign_in(
            &w.store,
            &w.clock,
            "ewa@contoso.pl",
            &issued.temporary_password,
        )
        .unwrap_err();
    assert_eq!(ApiReason::of(&blocked), Some("account_blocked"));

    crate::staff::set_blocked(&w.store, &w.clock, &w.admin, &issued.staff.id, false).unwrap();
    other
        .sign_in(
            &w.store,
            &w.clock,
            "ewa@contoso.pl",
            &issued.temporary_password,
        )
        .unwrap();
    crate::staff::remove(&w.store, &w.clock, &w.admin, &issued.staff.id).unwrap();
    assert_eq!(
        other.actor(&w.store, &w.clock).unwrap_err().code(),
        ErrorCode::Unauthenticated,
        "a removed member's open session ends"
    );
    let removed = other
        .sign_in(
            &w.store,
            &w.clock,
            "ewa@contoso.pl",
            &issued.temporary_password,
        )
        .unwrap_err();
    assert_eq!(ApiReason::of(&removed), Some("wrong_credentials"));
}

/// The stable reason key a refusal carries to the UI.
struct ApiReason;
impl ApiReason {
    fn of(error: &crate::Error) -> Option<&'static str> {
        match error {
            crate::Error::Forbidden { reason, .. } => Some(reason),
            _ => None,
        }
    }
}
