use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Barrier};

use super::*;
use crate::access::{CompanyRole, CustomerAccess};
use crate::catalog;
use crate::clock::Clock as _;
use crate::error::ErrorCode;
use crate::testing::{world, World};

const KEY: &str = "BCDFG-HJKMP-QRTVW-XY234-6789B";

fn service(w: &World) -> String {
    catalog::list(&w.store, &w.clock, &w.admin)
        .unwrap()
        .into_iter()
        .find(|s| s.title.starts_with("Microsoft 365 Business Basic"))
        .unwrap()
        .id
}

fn input(w: &World, key: &str) -> ProductKeyInput {
    ProductKeyInput {
        key: key.into(),
        service_id: service(w),
        quantity: 10,
        term: "P1Y".into(),
    }
}

fn add_key(w: &World, key: &str) -> ProductKey {
    add(&w.store, &w.clock, &w.admin, &input(w, key)).unwrap().0
}

fn redemption(key_id: &str, customer_id: &str, mode: RedeemMode) -> Redemption {
    Redemption {
        key_id: key_id.into(),
        customer_id: customer_id.into(),
        mode,
        auto_renew: true,
        relationship: None,
        subscription_id: None,
    }
}

#[test]
fn normalises_case_spaces_and_missing_hyphens() {
    for text in [
        KEY,
        "bcdfg-hjkmp-qrtvw-xy234-6789b",
        "BCDFGHJKMPQRTVWXY23466789B",
        "  bcdfg hjkmp qrtvw xy234 6789b ",
        "BCDFG - HJKMP - QRTVW - XY234 - 6789B",
        "BCDFGHJKMP-QRTVW XY2346789B",
    ] {
        let text = text.replace("23466789B", "2346789B");
        assert_eq!(normalise(&text).unwrap(), KEY, "{text}");
    }
}

#[test]
fn refuses_wrong_length_letters_and_hyphen_places() {
    let cases = [
        ("", "enter a product key"),
        ("BCDFG-HJKMP-QRTVW-XY234", "25 characters"),
        ("BCDFG-HJKMP-QRTVW-XY234-6789BB", "25 characters"),
        ("ACDFG-HJKMP-QRTVW-XY234-6789B", "'A' cannot appear"),
        ("BCDFG-HJKMP-QRTVW-XY234-6789O", "'O' cannot appear"),
        ("BCDFG-HJKMP-QRTVW-XY234-67895", "'5' cannot appear"),
    ];
    for (text, message) in cases {
        let e = normalise(text).unwrap_err();
        assert_eq!(e.field(), Some("key"), "{text}");
        assert!(e.to_string().contains(message), "{text}: {e}");
    }
}

/// A small seeded generator (xorshift), so the fuzz run is the same every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn fuzz_normalise_accepts_exactly_well_formed_keys() {
    let alphabet: Vec<char> = ALPHABET.chars().collect();
    let noise: Vec<char> = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz- \tżó!"
        .chars()
        .collect();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for _ in 0..5_000 {
        // A valid key, written in a random way.
        let key: String = (0..25)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        let mut written = String::new();
        for (i, c) in key.chars().enumerate() {
            if i > 0 && i % 5 == 0 {
                written.push_str(["-", "", " ", " - "][rng.below(4)]);
            }
            written.push(if rng.below(2) == 0 {
                c.to_ascii_lowercase()
            } else {
                c
            });
        }
        let normal = normalise(&written).unwrap_or_else(|e| panic!("{written}: {e}"));
        assert_eq!(normal.replace('-', ""), key);
        assert_eq!(normalise(&normal).unwrap(), normal, "idempotent");
        assert!(mask(&normal).ends_with(&key[20..]));
        assert!(!mask(&normal).contains(&key[..20]));

        // Random text: accepted only when it is a key in the alphabet, and
        // what comes out is always well formed.
        let len = rng.below(32);
        let text: String = (0..len).map(|_| noise[rng.below(noise.len())]).collect();
        if let Ok(out) = normalise(&text) {
            assert_eq!(out.len(), 29);
            let groups: Vec<&str> = out.split('-').collect();
            assert_eq!(groups.len(), 5);
            assert!(groups
                .iter()
                .all(|g| g.len() == 5 && g.chars().all(|c| ALPHABET.contains(c))));
        }
    }
}

#[test]
fn adds_a_key_once_and_refuses_a_duplicate_however_written() {
    let w = world();
    let key = add_key(&w, "bcdfg hjkmp qrtvw xy234 6789b");
    assert_eq!(key.key, KEY);
    assert!(!key.masked);
    assert_eq!(key.status, "available");
    let e = add(
        &w.store,
        &w.clock,
        &w.admin,
        &input(&w, "BCDFGHJKMPQRTVWXY2346789B"),
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(e.to_string().contains("already in the inventory"), "{e}");
}

#[test]
fn only_billing_and_global_admins_add_keys_and_see_them_in_full() {
    let w = world();
    add_key(&w, KEY);
    let billing = w.staff("Bill Ing", CompanyRole::BillingAdmin, CustomerAccess::None);
    let seller = w.staff("Sam Seller", CompanyRole::None, CustomerAccess::Full);
    let e = add(
        &w.store,
        &w.clock,
        &seller,
        &input(&w, "CCCCC-CCCCC-CCCCC-CCCCC-CCCCC"),
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    add(
        &w.store,
        &w.clock,
        &billing,
        &input(&w, "DDDDD-DDDDD-DDDDD-DDDDD-DDDDD"),
    )
    .unwrap();

    let query = ProductKeyQuery::default();
    let full = list(&w.store, &w.clock, &billing, &query).unwrap();
    assert!(full.rows.iter().all(|k| !k.masked && !k.key.contains('•')));
    let masked = list(&w.store, &w.clock, &seller, &query).unwrap();
    assert_eq!(masked.rows.len(), 2);
    for k in &masked.rows {
        assert!(k.masked);
        assert_eq!(k.key.matches('•').count(), 20, "{}", k.key);
    }
    assert!(masked.rows.iter().any(|k| k.key.ends_with("-6789B")));
    assert!(!masked.rows.iter().any(|k| k.key.contains("BCDFG")));
}

#[test]
fn keys_need_the_subscription_advisor_authorization() {
    let w = world();
    w.store
        .write(|tx| {
            tx.execute(
                "UPDATE company_profile SET authorized_subscription_advisor = 0",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    let e = add(&w.store, &w.clock, &w.admin, &input(&w, KEY)).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    assert!(list(&w.store, &w.clock, &w.admin, &ProductKeyQuery::default()).is_err());
    assert!(w
        .audit_actions()
        .iter()
        .any(|(a, o, _)| a == "product_key.add" && o == "refused"));
}

#[test]
fn pasted_comments_and_blank_lines_are_counted_and_never_bad_keys() {
    let w = world();
    let pasted = KeyImport {
        text: "# keys from the distributor, 2026-12\r\n\r\nFFFFF-FFFFF-FFFFF-FFFFF-FFFFF\r\n  # a second batch\r\nnot a key\r\n   \r\nGGGGG-GGGGG-GGGGG-GGGGG-GGGGG\r\n".into(),
        service_id: Some(service(&w)),
        quantity: Some(5),
        term: Some("P1M".into()),
        ..Default::default()
    };
    let report = preview_import(&w.store, &w.clock, &w.admin, &pasted).unwrap();
    assert_eq!((report.rows, report.valid, report.skipped), (3, 2, 4));
    let lines: Vec<u32> = report.problems.iter().map(|p| p.line).collect();
    assert_eq!(
        lines,
        [5],
        "only the line that is not a key, on its own line"
    );
    // A key CSV is read as CSV whatever its delimiter.
    let csv = KeyImport {
        text: format!(
            "Key;Service;Quantity;Term\nHHHHH-HHHHH-HHHHH-HHHHH-HHHHH;{};3;P1Y\n",
            service(&w)
        ),
        ..Default::default()
    };
    let report = preview_import(&w.store, &w.clock, &w.admin, &csv).unwrap();
    assert_eq!((report.rows, report.valid), (1, 1), "{:?}", report.problems);
}

#[test]
fn import_reports_the_line_of_the_first_copy() {
    let w = world();
    add_key(&w, "FFFFF-FFFFF-FFFFF-FFFFF-FFFFF");
    let pasted = KeyImport {
        text: format!(
            "{KEY}\n\nbcdfghjkmpqrtvwxy2346789b\nnot a key\nFFFFF-FFFFF-FFFFF-FFFFF-FFFFF\nGGGGG-GGGGG-GGGGG-GGGGG-GGGGG\n"
        ),
        service_id: Some(service(&w)),
        quantity: Some(5),
        term: Some("P1M".into()),
        ..Default::default()
    };
    let report = preview_import(&w.store, &w.clock, &w.admin, &pasted).unwrap();
    assert_eq!((report.rows, report.valid, report.imported), (5, 2, 0));
    let problems: Vec<(u32, &str)> = report
        .problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(problems[0].0, 3);
    assert!(
        problems[0].1.contains("copy of the key on line 1"),
        "{problems:?}"
    );
    assert!(!problems[0].1.contains("BCDFG"), "the report masks keys");
    assert_eq!(problems[1].0, 4);
    assert_eq!(problems[2].0, 5);
    assert!(problems[2].1.contains("already in the inventory"));

    let cancel = AtomicBool::new(false);
    let (report, change) = apply_import(
        &w.store,
        &w.clock,
        &w.admin,
        &pasted,
        ImportMode::ValidRows,
        &|_, _| {},
        &cancel,
    )
    .unwrap();
    assert_eq!(report.imported, 2);
    assert_eq!(change.unwrap().ids.len(), 2);

    // CSV: header on line 1, per-row service, count and term.
    let csv = KeyImport {
        text: format!(
            "Key,Service,Quantity,Term\nHHHHH-HHHHH-HHHHH-HHHHH-HHHHH,{},3,P1Y\nhhhhh hhhhh hhhhh hhhhh hhhhh,,,\nJJJJJ-JJJJJ-JJJJJ-JJJJJ-JJJJJ,No Such Service,1,P1Y\n",
            service(&w)
        ),
        service_id: Some(service(&w)),
        quantity: Some(1),
        term: Some("P1M".into()),
        ..Default::default()
    };
    let report = preview_import(&w.store, &w.clock, &w.admin, &csv).unwrap();
    let lines: Vec<u32> = report.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![3, 4]);
    assert!(
        report.problems[0].message.contains("line 2"),
        "{:?}",
        report.problems
    );
    let (report, _) = apply_import(
        &w.store,
        &w.clock,
        &w.admin,
        &csv,
        ImportMode::AllOrNothing,
        &|_, _| {},
        &cancel,
    )
    .unwrap();
    assert_eq!(report.imported, 0);
}

#[test]
fn redeeming_creates_a_subscription_once() {
    let w = world();
    // Set up already, so the second attempt passes the customer gate and meets the key.
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let key = add_key(&w, KEY);
    let (done, change) = redeem(
        &w.store,
        &w.clock,
        &w.admin,
        &redemption(&key.id, &customer, RedeemMode::NewSubscription),
    )
    .unwrap();
    assert_eq!(change.entity, Entity::ProductKey);
    assert_eq!(done.subscription.source, "product_key");
    assert_eq!(done.subscription.quantity, 10);
    assert_eq!(done.subscription.term, "P1Y");
    assert_eq!(done.key.status, "redeemed");
    assert_eq!(done.key.customer_id.as_deref(), Some(customer.as_str()));
    assert_eq!(
        done.key.subscription_id.as_deref(),
        Some(done.subscription.id.as_str())
    );
    assert_eq!(done.key.redeemed_by.as_deref(), Some("Anna Admin"));
    let e = redeem(
        &w.store,
        &w.clock,
        &w.admin,
        &redemption(&key.id, &customer, RedeemMode::NewSubscription),
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(e.to_string().contains("already redeemed"), "{e}");
    let redeemed = list(
        &w.store,
        &w.clock,
        &w.admin,
        &ProductKeyQuery {
            status: Some("redeemed".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(redeemed.rows.len(), 1);
    let available = list(
        &w.store,
        &w.clock,
        &w.admin,
        &ProductKeyQuery {
            status: Some("available".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(available.rows.is_empty());
}

#[test]
fn redeeming_extends_the_term_or_adds_licences_of_the_existing_subscription() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let first = add_key(&w, KEY);
    let (made, _) = redeem(
        &w.store,
        &w.clock,
        &w.admin,
        &redemption(&first.id, &customer, RedeemMode::NewSubscription),
    )
    .unwrap();
    let before = made.subscription;

    let second = add_key(&w, "CCCCC-CCCCC-CCCCC-CCCCC-CCCCC");
    let (extended, _) = redeem(
        &w.store,
        &w.clock,
        &w.admin,
        &redemption(&second.id, &customer, RedeemMode::ExtendTerm),
    )
    .unwrap();
    assert_eq!(extended.subscription.id, before.id);
    assert_eq!(extended.subscription.quantity, before.quantity);
    assert_eq!(&extended.subscription.ends_at[..4], "2028");
    assert_eq!(&before.ends_at[..4], "2027");

    let third = add_key(&w, "DDDDD-DDDDD-DDDDD-DDDDD-DDDDD");
    let (added, _) = redeem(
        &w.store,
        &w.clock,
        &w.admin,
        &redemption(&third.id, &customer, RedeemMode::AddLicences),
    )
    .unwrap();
    assert_eq!(added.subscription.id, before.id);
    assert_eq!(added.subscription.quantity, 20);
    assert_eq!(added.subscription.ends_at, extended.subscription.ends_at);

    let detail = subscriptions::get(&w.store, &w.clock, &w.admin, &before.id).unwrap();
    let kinds: Vec<&str> = detail.history.iter().map(|h| h.kind.as_str()).collect();
    assert_eq!(kinds, vec!["created", "term_extended", "quantity"]);
    assert!(detail.history[1].reason.contains("-CCCCC"));
    let actions: Vec<String> = w.audit_actions().into_iter().map(|a| a.0).collect();
    assert!(actions.contains(&"subscription.extend_term".to_owned()));
    assert!(actions.contains(&"subscription.add_licences".to_owned()));

    // A customer without that service cannot extend or add.
    let (other, _) = w.active_customer("Beta", "beta", &[]);
    let fourth = add_key(&w, "FFFFF-FFFFF-FFFFF-FFFFF-FFFFF");
    for mode in [RedeemMode::ExtendTerm, RedeemMode::AddLicences] {
        let e = redeem(
            &w.store,
            &w.clock,
            &w.admin,
            &redemption(&fourth.id, &other, mode),
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidState, "{e}");
    }
    let still = list(&w.store, &w.clock, &w.admin, &ProductKeyQuery::default()).unwrap();
    assert!(still
        .rows
        .iter()
        .any(|k| k.id == fourth.id && k.status == "available"));
}

#[test]
fn redeeming_can_request_delegated_administration() {
    let w = world();
    let customer = w.customer("Alfa", "alfa", &[]);
    let key = add_key(&w, KEY);
    let mut r = redemption(&key.id, &customer, RedeemMode::NewSubscription);
    r.relationship = Some(RelationshipOffer {
        customer_id: customer.clone(),
        display_name: "Alfa GDAP".into(),
        roles: vec![crate::testing::USER_ADMINISTRATOR.into()],
        duration_days: 365,
        auto_extend: false,
        request_approval: true,
    });
    let (done, _) = redeem(&w.store, &w.clock, &w.admin, &r).unwrap();
    let rel = done.relationship.unwrap();
    assert_eq!(rel.state, relationships::RelationshipState::ApprovalPending);
}

#[test]
fn redeeming_needs_full_customer_access() {
    let w = world();
    let customer = w.customer("Alfa", "alfa", &[]);
    let key = add_key(&w, KEY);
    let limited = w.staff("Lena Limited", CompanyRole::None, CustomerAccess::Limited);
    let e = redeem(
        &w.store,
        &w.clock,
        &limited,
        &redemption(&key.id, &customer, RedeemMode::NewSubscription),
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    let full = w.staff("Fred Full", CompanyRole::None, CustomerAccess::Full);
    let (done, _) = redeem(
        &w.store,
        &w.clock,
        &full,
        &redemption(&key.id, &customer, RedeemMode::NewSubscription),
    )
    .unwrap();
    assert!(
        done.key.masked,
        "staff without billing admin see the key masked"
    );
}

#[test]
fn the_audit_log_never_holds_a_full_key() {
    let w = world();
    let customer = w.customer("Alfa", "alfa", &[]);
    let key = add_key(&w, KEY);
    let cancel = AtomicBool::new(false);
    let import = KeyImport {
        text: "CCCCC-CCCCC-CCCCC-CCCCC-CCCCC\n".into(),
        service_id: Some(service(&w)),
        quantity: Some(1),
        term: Some("P1M".into()),
        ..Default::default()
    };
    apply_import(
        &w.store,
        &w.clock,
        &w.admin,
        &import,
        ImportMode::ValidRows,
        &|_, _| {},
        &cancel,
    )
    .unwrap();
    redeem(
        &w.store,
        &w.clock,
        &w.admin,
        &redemption(&key.id, &customer, RedeemMode::NewSubscription),
    )
    .unwrap();
    // A refused redemption is audited too.
    let seller = w.staff("Lena Limited", CompanyRole::None, CustomerAccess::Limited);
    let _ = redeem(
        &w.store,
        &w.clock,
        &seller,
        &redemption(&key.id, &customer, RedeemMode::NewSubscription),
    );
    let _ = add(
        &w.store,
        &w.clock,
        &seller,
        &input(&w, "DDDDD-DDDDD-DDDDD-DDDDD-DDDDD"),
    );
    let dump: String = w
        .store
        .read(|c| {
            let mut s = c.prepare(
                "SELECT action || target_label || detail || coalesce(before_json, '') || coalesce(after_json, '')
                 FROM audit_log",
            )?;
            let rows = s
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows.join("\n"))
        })
        .unwrap();
    assert!(dump.contains("product_key.add"));
    assert!(dump.contains("product_key.redeem"));
    assert!(dump.contains("-6789B"), "the last group is kept");
    for full in [
        KEY,
        "BCDFGHJKMPQRTVWXY2346789B",
        "CCCCC-CCCCC-CCCCC-CCCCC",
        "DDDDD-DDDDD-DDDDD-DDDDD",
    ] {
        assert!(!dump.contains(full), "{full} in the audit log");
    }
}

#[test]
fn two_windows_redeeming_one_key_at_once_succeed_once() {
    let w = world();
    let alfa = w.customer("Alfa", "alfa", &[]);
    let beta = w.customer("Beta", "beta", &[]);
    let key = add_key(&w, KEY);
    let path = w.store.path().to_owned();
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = [alfa, beta]
        .into_iter()
        .map(|customer| {
            let (path, barrier, key_id) = (path.clone(), barrier.clone(), key.id.clone());
            let (now, admin) = (w.clock.now(), w.admin.clone());
            std::thread::spawn(move || {
                let store = Store::open(&path).unwrap();
                let clock = crate::clock::ManualClock::at(now);
                barrier.wait();
                redeem(
                    &store,
                    &clock,
                    &admin,
                    &redemption(&key_id, &customer, RedeemMode::NewSubscription),
                )
                .map(|(r, _)| r.subscription.id)
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let won = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(won, 1, "{results:?}");
    let lost = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert_eq!(lost.code(), ErrorCode::Conflict, "{lost}");
    let subscriptions: i64 = w
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM subscriptions WHERE source = 'product_key'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(subscriptions, 1);
}

#[test]
fn extending_or_adding_goes_to_the_subscription_staff_chose() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let (other, _) = w.active_customer("Beta", "beta", &[]);
    let new_one = |key: &str, customer: &str| {
        let key = add_key(&w, key);
        w.clock.advance(time::Duration::minutes(1));
        redeem(
            &w.store,
            &w.clock,
            &w.admin,
            &redemption(&key.id, customer, RedeemMode::NewSubscription),
        )
        .unwrap()
        .0
        .subscription
    };
    let older = new_one(KEY, &customer);
    let newer = new_one("CCCCC-CCCCC-CCCCC-CCCCC-CCCCC", &customer);
    let theirs = new_one("DDDDD-DDDDD-DDDDD-DDDDD-DDDDD", &other);

    let key = add_key(&w, "FFFFF-FFFFF-FFFFF-FFFFF-FFFFF");
    let refused = redeem(
        &w.store,
        &w.clock,
        &w.admin,
        &Redemption {
            subscription_id: Some(theirs.id.clone()),
            ..redemption(&key.id, &customer, RedeemMode::AddLicences)
        },
    )
    .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Validation);
    assert_eq!(refused.field(), Some("subscription_id"));

    let (added, _) = redeem(
        &w.store,
        &w.clock,
        &w.admin,
        &Redemption {
            subscription_id: Some(older.id.clone()),
            ..redemption(&key.id, &customer, RedeemMode::AddLicences)
        },
    )
    .unwrap();
    assert_eq!(
        added.subscription.id, older.id,
        "the chosen one, not the newest"
    );
    assert_eq!(added.subscription.quantity, older.quantity * 2);
    let untouched = subscriptions::get(&w.store, &w.clock, &w.admin, &newer.id).unwrap();
    assert_eq!(untouched.subscription.quantity, newer.quantity);
}
