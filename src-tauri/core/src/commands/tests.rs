use serde_json::{json, Value};

use super::samples::{every_tag, samples, tag_of};
use super::*;
use crate::access::{CompanyRole as R, CustomerAccess as A};
use crate::error::Error;
use crate::exports::ExportFormat;
use crate::testing::{world, World};
use crate::{customers, staff};

/// What a hostile (or any) client sends: raw JSON text, decoded here.
fn decode(text: &str) -> Command {
    serde_json::from_str(text).expect("a command")
}

fn run(w: &World, actor: &crate::auth::Actor, command: Command) -> crate::Result<Executed> {
    execute(&w.store, &w.clock, actor, command, &Hooks::default())
}

fn reason(error: &Error) -> &'static str {
    match error {
        Error::Forbidden { reason, .. } => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn refusals(w: &World, action: &str) -> usize {
    w.audit_actions()
        .iter()
        .filter(|(a, outcome, _)| a == action && outcome == "refused")
        .count()
}

#[test]
fn every_sample_round_trips_through_json() {
    for command in samples() {
        let first = serde_json::to_value(&command).unwrap();
        let back: Command = serde_json::from_value(first.clone())
            .unwrap_or_else(|e| panic!("{first} does not read back: {e}"));
        assert_eq!(serde_json::to_value(&back).unwrap(), first);
        assert_eq!(
            first["command"],
            tag_of(&command),
            "the tag is the command's name"
        );
    }
}

#[test]
fn every_variant_has_a_sample() {
    let mut sampled: Vec<String> = samples().iter().map(tag_of).collect();
    sampled.sort_unstable();
    let before = sampled.len();
    sampled.dedup();
    assert_eq!(sampled.len(), before, "one sample per variant");
    let mut every = every_tag();
    every.sort_unstable();
    assert!(every.len() > 60, "the names were read: {every:?}");
    assert_eq!(
        sampled, every,
        "a variant without a sample, or a sample of none"
    );
}

#[test]
fn a_command_names_its_fields_and_refuses_others() {
    let command = decode(r#"{"command":"set_staff_blocked","id":"x","blocked":true}"#);
    assert!(matches!(
        command,
        Command::SetStaffBlocked { blocked: true, .. }
    ));
    let smuggled = r#"{"command":"set_staff_blocked","id":"x","blocked":true,"actor":"admin"}"#;
    assert!(serde_json::from_str::<Command>(smuggled).is_err());
    assert!(serde_json::from_str::<Command>(r#"{"command":"drop_database"}"#).is_err());
}

#[test]
fn a_member_without_the_right_cannot_promote_themself_and_is_audited() {
    let w = world();
    let helpdesk = w.staff("Hela Desk", R::None, A::Limited);
    let text = json!({
        "command": "update_staff",
        "id": helpdesk.id,
        "input": {
            "display_name": "Hela Desk",
            "email": helpdesk.email,
            "role": "global_admin",
            "customer_access": "full"
        }
    })
    .to_string();
    let Command::UpdateStaff { id, input } = decode(&text) else {
        panic!("decoded as another command")
    };
    let direct = staff::update(&w.store, &w.clock, &helpdesk, &id, &input).unwrap_err();
    let sent = run(&w, &helpdesk, decode(&text)).unwrap_err();
    assert_eq!(reason(&sent), reason(&direct));
    assert_eq!(sent.to_string(), direct.to_string());
    assert_eq!(refusals(&w, "staff.update"), 2, "both refusals audited");
    let still = staff::list(&w.store, &w.clock, &w.admin, &Default::default()).unwrap();
    let hela = still.iter().find(|s| s.member.id == helpdesk.id).unwrap();
    assert_eq!(hela.member.role, R::None, "nothing written");
}

#[test]
fn demoting_the_last_global_admin_by_command_is_refused_by_its_rule() {
    let w = world();
    // Anna is the only active global admin; a blocked one never acts through
    // a session, but sending his command isolates the rule itself.
    let greg = w.staff("Greg", R::GlobalAdmin, A::Full);
    staff::set_blocked(&w.store, &w.clock, &w.admin, &greg.id, true).unwrap();
    let text = json!({
        "command": "update_staff",
        "id": w.admin.id,
        "input": {
            "display_name": "Anna Admin",
            "email": w.admin.email,
            "role": "none",
            "customer_access": "full"
        }
    })
    .to_string();
    let refused = run(&w, &greg, decode(&text)).unwrap_err();
    assert_eq!(reason(&refused), "last_global_admin");
    assert_eq!(refusals(&w, "staff.update"), 1);
}

/// A stored customer without what differs between two databases: its id.
fn stored(w: &World, id: &str) -> Value {
    let customer = customers::get(&w.store, &w.clock, &w.admin, id).unwrap();
    let mut value = serde_json::to_value(customer).unwrap();
    value.as_object_mut().unwrap().remove("id");
    value
}

#[test]
fn create_customer_by_command_stores_what_the_direct_call_stores() {
    let input = json!({
        "company_name": "Żółć Sp. z o.o.",
        "default_domain": "Zolc",
        "other_domains": ["zolc.pl"],
        "country": "pl",
        "tags": ["VIP"]
    });
    let (by_command, directly) = (world(), world());
    let text = json!({ "command": "create_customer", "input": input }).to_string();
    let executed = run(&by_command, &by_command.admin, decode(&text)).unwrap();
    let value: Value = executed.decode().unwrap();
    let id = value["id"].as_str().unwrap().to_owned();
    assert_eq!(
        executed.changes,
        vec![Change::one(crate::change::Entity::Customer, id.clone())]
    );
    let direct_input = serde_json::from_value(input).unwrap();
    let (direct, _) = customers::create(
        &directly.store,
        &directly.clock,
        &directly.admin,
        &direct_input,
    )
    .unwrap();
    assert_eq!(stored(&by_command, &id), stored(&directly, &direct.id));
    // The very text the direct call's result serialises to, field order
    // included: screens compare a saved record with their draft as text.
    let direct_text = serde_json::to_string(&direct).unwrap();
    assert_eq!(executed.value.get(), direct_text.replace(&direct.id, &id));
}

fn import_command(file: &str) -> Command {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.encode(file);
    decode(
        &json!({
            "command": "import_customers",
            "import": { "file": { "bytes": bytes }, "record_relationship": true },
            "mode": "all_or_nothing"
        })
        .to_string(),
    )
}

fn customer_names(w: &World) -> Vec<String> {
    let page = customers::list(&w.store, &w.clock, &w.admin, &Default::default()).unwrap();
    let mut names: Vec<String> = page.rows.into_iter().map(|r| r.company_name).collect();
    names.sort();
    names
}

#[test]
fn an_import_command_carries_the_file_and_imports_its_rows_with_progress() {
    let w = world();
    let reported = std::cell::RefCell::new(Vec::new());
    let progress = |done: u32, total: u32| reported.borrow_mut().push((done, total));
    let hooks = Hooks {
        progress: Some(&progress),
        ..Hooks::default()
    };
    let command = import_command(customers::import_tests::EXPORT);
    let executed = execute(&w.store, &w.clock, &w.admin, command, &hooks).unwrap();
    assert_eq!(
        executed.decode::<Value>().unwrap()["imported"],
        2,
        "Contoso is listed twice: read once"
    );
    assert_eq!(customer_names(&w), ["Contoso Sp. z o.o.", "Fabrikam"]);
    assert_eq!(executed.changes.len(), 1);
    assert_eq!(executed.changes[0].entity, crate::change::Entity::Customer);
    assert_eq!(
        reported.borrow().last(),
        Some(&(2, 2)),
        "progress reached the end"
    );
}

#[test]
fn a_cancelled_import_command_imports_nothing() {
    let w = world();
    let cancel = std::sync::atomic::AtomicBool::new(true);
    let hooks = Hooks {
        cancel: Some(&cancel),
        ..Hooks::default()
    };
    let command = import_command(customers::import_tests::EXPORT);
    let refused = execute(&w.store, &w.clock, &w.admin, command, &hooks).unwrap_err();
    assert!(refused.to_string().contains("cancelled"), "{refused}");
    assert!(customer_names(&w).is_empty());
}

#[test]
fn an_export_command_gives_back_the_file_audited_and_saves_where_asked() {
    let w = world();
    w.customer("Contoso", "contoso", &[]);
    let text = r#"{"command":"export_customers_csv","query":{},"file_type":"csv","delimiter":"semicolon"}"#;
    let executed = run(&w, &w.admin, decode(text)).unwrap();
    assert!(
        executed.changes.is_empty(),
        "an audit entry changes no screen"
    );
    let rendered: crate::exports::RenderedExport = executed.decode().unwrap();
    assert_eq!(rendered.rows, 1);
    let content = String::from_utf8(rendered.bytes.clone()).unwrap();
    assert!(
        content.contains("Contoso;contoso.onmicrosoft.com"),
        "{content}"
    );
    let exported = w
        .audit_actions()
        .into_iter()
        .filter(|(action, outcome, _)| action == "customer.export" && outcome == "done")
        .count();
    assert_eq!(exported, 1);
    let dir = tempfile::tempdir().unwrap();
    let saved = rendered.save(dir.path()).unwrap();
    assert!(saved.path.ends_with(&rendered.file_name()));
    assert_eq!(std::fs::read(&saved.path).unwrap(), rendered.bytes);
}

#[test]
fn an_export_command_from_a_member_without_the_right_is_refused_and_audited() {
    let w = world();
    let nobody = w.staff("Nina", R::None, A::None);
    let text = r#"{"command":"export_audit_csv","query":{},"file_type":null,"delimiter":null}"#;
    let refused = run(&w, &nobody, decode(text)).unwrap_err();
    let direct = crate::audit::export_as(
        &w.store,
        &w.clock,
        &nobody,
        &Default::default(),
        ExportFormat::Xlsx,
    )
    .unwrap_err();
    assert_eq!(reason(&refused), reason(&direct));
    assert_eq!(refusals(&w, "audit.export"), 2);
}
