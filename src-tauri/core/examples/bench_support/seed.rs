//! Seed data the benchmarks share: realistic Polish and English customers,
//! delegated-admin relationships, the partner's company and its first global
//! admin, and the customers' seeding itself (a sample through the core, the
//! rest by SQL with the core's own INSERTs, checked against each other).

use std::collections::HashSet;
use std::time::Instant;

use partnerdesk_core::auth::{Actor, Sessions};
use partnerdesk_core::clock::{to_rfc3339, Clock, ManualClock};
use partnerdesk_core::company::CompanyProfile;
use partnerdesk_core::customers::{self, CustomerInput};
use partnerdesk_core::fold::fold;
use partnerdesk_core::relationships;
use partnerdesk_core::setup::{self, SetupInput};
use partnerdesk_core::Store;
use rusqlite::params;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::{progress, BenchResult, Rng};

/// The first customer is added on `START`; the benchmarks run "now", on `NOW`.
pub const START: OffsetDateTime = datetime!(2020-12-01 08:00:00 UTC);
pub const NOW: OffsetDateTime = datetime!(2026-11-25 09:00:00 UTC);
pub const EXPIRING_DAYS: i64 = relationships::EXPIRING_DAYS;
pub const APPROVAL_LAPSES_DAYS: i64 = relationships::APPROVAL_LAPSES_DAYS;
pub const AUTO_EXTEND_DAYS: i64 = relationships::AUTO_EXTEND_DAYS;
/// Customers written per transaction by the SQL seeder.
pub const BATCH: usize = 10_000;

// ---------------------------------------------------------------------------
// Seed data
// ---------------------------------------------------------------------------

pub const SURNAMES: [&str; 44] = [
    "Kowalski",
    "Nowak",
    "Wiśniewski",
    "Wójcik",
    "Kowalczyk",
    "Kamiński",
    "Lewandowski",
    "Zieliński",
    "Szymański",
    "Woźniak",
    "Dąbrowski",
    "Kozłowski",
    "Jankowski",
    "Mazur",
    "Kwiatkowski",
    "Krawczyk",
    "Piotrowski",
    "Grabowski",
    "Nowakowski",
    "Pawłowski",
    "Michalski",
    "Król",
    "Wieczorek",
    "Jabłoński",
    "Wróbel",
    "Majewski",
    "Olszewski",
    "Stępień",
    "Jaworski",
    "Malinowski",
    "Górecki",
    "Sikora",
    "Walczak",
    "Baran",
    "Rutkowski",
    "Michalak",
    "Brzęczyszczykiewicz",
    "Żółć",
    "Gęśla",
    "Łęcki",
    "Ślusarczyk",
    "Żak",
    "Kołodziej",
    "Szczęsny",
];

pub const PLACES: [&str; 34] = [
    "Kraków",
    "Łódź",
    "Wrocław",
    "Poznań",
    "Gdańsk",
    "Szczecin",
    "Bydgoszcz",
    "Lublin",
    "Białystok",
    "Katowice",
    "Gdynia",
    "Częstochowa",
    "Radom",
    "Toruń",
    "Kielce",
    "Rzeszów",
    "Gliwice",
    "Olsztyn",
    "Bielsko-Biała",
    "Zielona Góra",
    "Opole",
    "Elbląg",
    "Płock",
    "Tarnów",
    "Włocławek",
    "Zamość",
    "Sopot",
    "Żywiec",
    "Świnoujście",
    "Gniezno",
    "Warszawa",
    "Łomża",
    "Nowy Sącz",
    "Jelenia Góra",
];

pub const TRADES: [&str; 26] = [
    "Budownictwo",
    "Transport",
    "Meble",
    "Piekarnia",
    "Apteka",
    "Drukarnia",
    "Logistyka",
    "Ogrody",
    "Stal",
    "Okna i Drzwi",
    "Serwis",
    "Księgowość",
    "Żegluga",
    "Energetyka",
    "Instalacje",
    "Elektronika",
    "Hurtownia",
    "Spedycja",
    "Architekci",
    "Kancelaria",
    "Przychodnia",
    "Mleczarnia",
    "Tartak",
    "Ubezpieczenia",
    "Gastronomia",
    "Zakład Usług Ślusarskich",
];

pub const PREFIXES: [&str; 12] = [
    "Agro", "Eko", "Auto", "Bud", "Pol", "Trans", "Med", "Info", "Tech", "Euro", "Inter", "Elektro",
];

/// Legal forms, with a rough share (per cent).
pub const PL_SUFFIXES: [(&str, u32); 6] = [
    ("Sp. z o.o.", 50),
    ("S.A.", 12),
    ("Sp. j.", 10),
    ("Sp. k.", 6),
    ("s.c.", 7),
    ("", 15),
];

pub const EN_SURNAMES: [&str; 20] = [
    "Smith", "Johnson", "Carter", "Walker", "Thompson", "Evans", "Hughes", "Green", "Hall",
    "Baker", "Harris", "Clarke", "Wright", "Brooks", "Fletcher", "O'Connor", "Mitchell", "Turner",
    "Cooper", "Bennett",
];

pub const EN_WORDS: [&str; 15] = [
    "Logistics",
    "Software",
    "Engineering",
    "Foods",
    "Legal",
    "Media",
    "Systems",
    "Trading",
    "Digital",
    "Health",
    "Energy",
    "Analytics",
    "Design",
    "Security",
    "Cloud",
];

pub const EN_SUFFIXES: [(&str, u32); 8] = [
    ("Ltd", 30),
    ("Group", 20),
    ("Consulting", 15),
    ("Holdings", 8),
    ("LLP", 5),
    ("Inc.", 5),
    ("Partners", 7),
    ("", 10),
];

pub const PL_FIRST: [&str; 16] = [
    "Anna",
    "Jan",
    "Katarzyna",
    "Piotr",
    "Małgorzata",
    "Łukasz",
    "Zofia",
    "Paweł",
    "Agnieszka",
    "Michał",
    "Ewa",
    "Tomasz",
    "Joanna",
    "Krzysztof",
    "Magdalena",
    "Grzegorz",
];

pub const EN_FIRST: [&str; 8] = [
    "Emily",
    "James",
    "Oliver",
    "Charlotte",
    "Harry",
    "Amelia",
    "Jack",
    "Sophie",
];

pub const STREETS: [&str; 10] = [
    "Długa",
    "Złota",
    "Świętokrzyska",
    "Piękna",
    "Żurawia",
    "Grunwaldzka",
    "Kościuszki",
    "Mickiewicza",
    "Łąkowa",
    "Ogrodowa",
];

pub const MOBILE_PREFIXES: [&str; 12] = [
    "501", "502", "600", "601", "602", "603", "604", "660", "661", "691", "692", "790",
];

/// Tags, each given independently with this chance (per mille).
pub const TAGS: [(&str, u64); 10] = [
    ("Produkcja", 90),
    ("Handel", 80),
    ("Usługi", 70),
    ("Edukacja", 50),
    ("VIP", 40),
    ("Ochrona zdrowia", 35),
    ("Migracja M365", 30),
    ("Samorząd", 20),
    ("Szkolenia", 15),
    ("Windykacja", 3),
];

/// Relationship role sets a partner really offers.
pub const ROLE_SETS: [&[&str]; 6] = [
    &["966707d0-3269-4727-9be2-8c3a10f19b9d"],
    &[
        "966707d0-3269-4727-9be2-8c3a10f19b9d",
        "fe930be7-5e62-47db-91af-98c3a49a38b1",
    ],
    &["62e90394-69f5-4237-9190-012177145e10"],
    &[
        "fe930be7-5e62-47db-91af-98c3a49a38b1",
        "729827e3-9c14-49f7-bb1b-9608f156bbb8",
    ],
    &[
        "62e90394-69f5-4237-9190-012177145e10",
        "b0f54661-2d74-4c50-afa3-1ec803f12efe",
    ],
    &[
        "729827e3-9c14-49f7-bb1b-9608f156bbb8",
        "f023fd81-a637-4b56-95fd-791ac0226033",
    ],
];

/// Lower-case ASCII letters and digits only: `Żółć Sp. z o.o.` -> `zolcspzoo`.
pub fn slug(text: &str) -> String {
    fold(text)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// `Łukasz`, `O'Connor` -> `lukasz`, `oconnor`.
pub fn mail_part(text: &str) -> String {
    fold(text)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// One customer as the seeder writes it; every value is already in the
/// normalised form `customers::validate_input` produces.
pub struct SeedCustomer {
    pub company_name: String,
    /// `name.onmicrosoft.com`.
    pub default_domain: String,
    pub other_domains: Vec<String>,
    pub tenant_id: Option<String>,
    pub street: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub language: &'static str,
    pub notes: String,
    pub tags: Vec<&'static str>,
    pub archived: bool,
}

impl SeedCustomer {
    /// The same text as `ValidCustomer::search_text` (same fields, same order,
    /// same separator, folded).
    pub fn search_text(&self) -> String {
        let mut parts = vec![
            self.company_name.as_str(),
            self.default_domain.as_str(),
            self.contact_email.as_str(),
        ];
        parts.extend(self.other_domains.iter().map(String::as_str));
        if let Some(tenant) = &self.tenant_id {
            parts.push(tenant);
        }
        fold(&parts.join(" \u{1f} "))
    }

    pub fn input(&self) -> CustomerInput {
        CustomerInput {
            company_name: self.company_name.clone(),
            default_domain: self.default_domain.clone(),
            other_domains: self.other_domains.clone(),
            tenant_id: self.tenant_id.clone().unwrap_or_default(),
            street: self.street.clone(),
            city: self.city.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
            contact_name: self.contact_name.clone(),
            contact_email: self.contact_email.clone(),
            contact_phone: self.contact_phone.clone(),
            language: self.language.to_owned(),
            notes: self.notes.clone(),
            tags: self.tags.iter().map(|t| (*t).to_owned()).collect(),
        }
    }
}

pub struct Generator {
    pub rng: Rng,
    /// Initial-domain names handed out so far: each is unique.
    pub domains: HashSet<String>,
}

impl Generator {
    /// The company name, the words its domain is made of, and whether it is English.
    fn company(&mut self, city: &str) -> (String, String, bool) {
        let r = &mut self.rng;
        if r.chance(70) {
            let suffix = r.weighted(&PL_SUFFIXES);
            let (core, key) = match r.below(100) {
                0..=34 => {
                    let (s, t) = (r.pick(&SURNAMES), r.pick(&TRADES));
                    (format!("{s} {t}"), format!("{s}{t}"))
                }
                35..=54 => {
                    let t = r.pick(&TRADES);
                    (format!("{t} {city}"), format!("{t}{city}"))
                }
                55..=69 => {
                    let a = r.pick(&SURNAMES);
                    let mut b = r.pick(&SURNAMES);
                    while b == a {
                        b = r.pick(&SURNAMES);
                    }
                    (format!("{a} i {b}"), format!("{a}{b}"))
                }
                70..=84 => {
                    let p = r.pick(&PREFIXES);
                    (format!("{p}-{city}"), format!("{p}{city}"))
                }
                _ => {
                    let (f, s) = (r.pick(&PL_FIRST), r.pick(&SURNAMES));
                    (format!("P.H.U. {f} {s}"), format!("phu{s}"))
                }
            };
            let name = if suffix.is_empty() {
                core
            } else {
                format!("{core} {suffix}")
            };
            (name, key, false)
        } else {
            let suffix = r.weighted(&EN_SUFFIXES);
            let (core, key) = match r.below(100) {
                0..=39 => {
                    let (s, w) = (r.pick(&EN_SURNAMES), r.pick(&EN_WORDS));
                    (format!("{s} {w}"), format!("{s}{w}"))
                }
                40..=69 => {
                    let w = r.pick(&EN_WORDS);
                    (format!("{city} {w}"), format!("{city}{w}"))
                }
                _ => {
                    let a = r.pick(&EN_SURNAMES);
                    let mut b = r.pick(&EN_SURNAMES);
                    while b == a {
                        b = r.pick(&EN_SURNAMES);
                    }
                    (format!("{a} & {b}"), format!("{a}{b}"))
                }
            };
            let name = if suffix.is_empty() {
                core
            } else {
                format!("{core} {suffix}")
            };
            (name, key, true)
        }
    }

    /// A unique initial-domain name (1..=27 letters or digits) made of `words`.
    fn domain_name(&mut self, words: &str) -> String {
        let mut base = slug(words);
        if base.is_empty() {
            base = "firma".into();
        }
        base.truncate(20);
        if self.domains.insert(base.clone()) {
            return base;
        }
        let mut n = 2_u64;
        loop {
            let candidate = format!("{base}{n}");
            if self.domains.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }

    pub fn customer(&mut self) -> SeedCustomer {
        let city = self.rng.pick(&PLACES);
        let (company_name, words, english) = self.company(city);
        let name = self.domain_name(&words);
        let r = &mut self.rng;
        let country = if english && r.chance(50) { "GB" } else { "PL" };
        let mail_domain = match (english, country) {
            (_, "GB") => format!("{name}.co.uk"),
            (true, _) => format!("{name}.com"),
            _ => format!("{name}.pl"),
        };
        let other_domains = if r.chance(40) {
            vec![mail_domain.clone()]
        } else {
            Vec::new()
        };
        let (first, last) = if english {
            (r.pick(&EN_FIRST), r.pick(&EN_SURNAMES))
        } else {
            (r.pick(&PL_FIRST), r.pick(&SURNAMES))
        };
        let has_contact = r.chance(90);
        let tags = TAGS
            .iter()
            .filter(|(_, per_mille)| r.below(1000) < *per_mille)
            .map(|(tag, _)| *tag)
            .collect();
        SeedCustomer {
            company_name,
            default_domain: format!("{name}.onmicrosoft.com"),
            other_domains,
            tenant_id: r.chance(70).then(|| r.uuid()),
            street: if country == "PL" {
                format!("ul. {} {}", r.pick(&STREETS), 1 + r.below(120))
            } else {
                format!("{} High Street", 1 + r.below(200))
            },
            city: if country == "PL" {
                city.to_owned()
            } else {
                "London".into()
            },
            postal_code: if country == "PL" {
                format!("{:02}-{:03}", r.below(100), r.below(1000))
            } else {
                "EC1A 1BB".into()
            },
            country: country.into(),
            contact_name: if has_contact {
                format!("{first} {last}")
            } else {
                String::new()
            },
            contact_email: if has_contact {
                format!("{}.{}@{mail_domain}", mail_part(first), mail_part(last))
            } else {
                String::new()
            },
            contact_phone: if has_contact && r.chance(80) {
                format!(
                    "+48 {} {:03} {:03}",
                    r.pick(&MOBILE_PREFIXES),
                    r.below(1000),
                    r.below(1000)
                )
            } else {
                String::new()
            },
            language: if english { "en" } else { "pl" },
            notes: if r.chance(15) {
                "Umowa ramowa do końca 2027 r.; licencje zamawia dział IT.".into()
            } else {
                String::new()
            },
            tags,
            archived: false,
        }
    }
}

/// One relationship as the SQL seeder writes it.
pub struct SeedRelationship {
    pub display_name: String,
    pub roles: String,
    pub duration_days: i64,
    pub auto_extend: bool,
    pub state: &'static str,
    pub created_at: OffsetDateTime,
    pub requested_at: Option<OffsetDateTime>,
    pub accepted_at: Option<OffsetDateTime>,
    pub ends_at: Option<OffsetDateTime>,
    pub terminated_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
}

/// `relationships::state_by_end`: active, expiring in its last 30 days, or expired.
pub fn state_by_end(ends: OffsetDateTime) -> &'static str {
    if ends <= NOW {
        "expired"
    } else if ends - NOW <= Duration::days(EXPIRING_DAYS) {
        "expiring"
    } else {
        "active"
    }
}

/// A relationship offered some time after the customer was added, moved
/// through the lifecycle by staff and by the clock up to `NOW`.
pub fn relationship(rng: &mut Rng, added: OffsetDateTime, name: String) -> SeedRelationship {
    let created = rng.between(added, NOW);
    let roles = rng.pick(&ROLE_SETS);
    let auto_extend = !roles.contains(&"62e90394-69f5-4237-9190-012177145e10") && rng.chance(60);
    let duration_days = rng.pick(&[730_i64, 365, 365, 180]);
    let mut r = SeedRelationship {
        display_name: name,
        roles: roles.join(","),
        duration_days,
        auto_extend,
        state: "created",
        created_at: created,
        requested_at: None,
        accepted_at: None,
        ends_at: None,
        terminated_at: None,
        updated_at: created,
    };
    let roll = rng.below(100);
    if roll < 8 {
        return r; // offered, never sent for approval
    }
    r.requested_at = Some(created);
    let age = NOW - created;
    let accept = if roll < 22 {
        rng.chance(50)
    } else if age <= Duration::days(APPROVAL_LAPSES_DAYS) {
        rng.chance(60)
    } else {
        rng.chance(88)
    };
    if accept {
        let accepted = rng.between(created, (created + Duration::days(14)).min(NOW));
        let mut ends = accepted + Duration::days(duration_days);
        let mut last_change = accepted;
        if auto_extend {
            while ends <= NOW {
                last_change = ends;
                ends += Duration::days(AUTO_EXTEND_DAYS);
            }
        }
        r.accepted_at = Some(accepted);
        r.ends_at = Some(ends);
        r.state = state_by_end(ends);
        r.updated_at = match r.state {
            "expired" => ends,
            "expiring" => ends - Duration::days(EXPIRING_DAYS),
            _ => last_change,
        };
    } else if age > Duration::days(APPROVAL_LAPSES_DAYS) {
        r.state = "expired"; // the approval request lapsed
        r.updated_at = created + Duration::days(APPROVAL_LAPSES_DAYS);
    } else {
        r.state = "approval_pending";
    }
    if roll < 22 {
        let from = r.accepted_at.unwrap_or(created);
        let until = r.ends_at.map_or(NOW, |e| e.min(NOW));
        let at = rng.between(from, until);
        r.state = "terminated";
        r.terminated_at = Some(at);
        r.updated_at = at;
    }
    r
}

/// How many relationships each customer gets: 2 on average, exactly `total` in all.
pub fn relationship_counts(rng: &mut Rng, customers: usize, total: usize) -> Vec<usize> {
    const SHARES: [(usize, u64); 6] = [(0, 15), (1, 25), (2, 25), (3, 20), (4, 10), (5, 5)];
    counts(rng, customers, total, &SHARES, 6)
}

/// How many rows of something each of `customers` gets: drawn from `shares`
/// (count, per cent), then nudged one at a time (never above `max`) until
/// there are exactly `total` in all.
pub fn counts(
    rng: &mut Rng,
    customers: usize,
    total: usize,
    shares: &[(usize, u64)],
    max: usize,
) -> Vec<usize> {
    let mut counts: Vec<usize> = (0..customers)
        .map(|_| {
            let mut roll = rng.below(100);
            for &(count, share) in shares {
                if roll < share {
                    return count;
                }
                roll -= share;
            }
            0
        })
        .collect();
    let mut sum: usize = counts.iter().sum();
    while sum < total {
        let i = rng.below(customers as u64) as usize;
        if counts[i] < max {
            counts[i] += 1;
            sum += 1;
        }
    }
    while sum > total {
        let i = rng.below(customers as u64) as usize;
        if counts[i] > 0 {
            counts[i] -= 1;
            sum -= 1;
        }
    }
    counts
}

pub fn rfc(at: OffsetDateTime) -> BenchResult<String> {
    Ok(to_rfc3339(at)?)
}

pub fn rfc_opt(at: Option<OffsetDateTime>) -> BenchResult<Option<String>> {
    at.map(rfc).transpose()
}

/// `customers::insert`, by hand: the same columns, the same folded keys.
pub fn insert_customer(
    tx: &rusqlite::Transaction<'_>,
    c: &SeedCustomer,
    id: &str,
    now: &str,
) -> BenchResult<()> {
    tx.prepare_cached(
        "INSERT INTO customers (id, company_name, name_key, default_domain, other_domains,
             tenant_id, street, city, postal_code, country, contact_name, contact_email,
             contact_phone, language, notes, search_text, created_at, updated_at, archived)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, ?18)",
    )?
    .execute(params![
        id,
        c.company_name,
        fold(&c.company_name),
        c.default_domain,
        c.other_domains.join("\n"),
        c.tenant_id,
        c.street,
        c.city,
        c.postal_code,
        c.country,
        c.contact_name,
        c.contact_email,
        c.contact_phone,
        c.language,
        c.notes,
        c.search_text(),
        now,
        c.archived,
    ])?;
    let mut tag =
        tx.prepare_cached("INSERT INTO customer_tags (customer_id, tag) VALUES (?1, ?2)")?;
    for t in &c.tags {
        tag.execute(params![id, t])?;
    }
    Ok(())
}

pub fn insert_relationship(
    tx: &rusqlite::Transaction<'_>,
    rng: &mut Rng,
    customer_id: &str,
    r: &SeedRelationship,
) -> BenchResult<()> {
    tx.prepare_cached(
        "INSERT INTO relationships (id, customer_id, display_name, display_name_key, roles,
             duration_days, auto_extend, state, created_at, created_by, requested_at, accepted_at,
             accepted_recorded_by, ends_at, terminated_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        rng.uuid(),
        customer_id,
        r.display_name,
        fold(&r.display_name),
        r.roles,
        r.duration_days,
        r.auto_extend,
        r.state,
        rfc(r.created_at)?,
        ADMIN_NAME,
        rfc_opt(r.requested_at)?,
        rfc_opt(r.accepted_at)?,
        r.accepted_at.map(|_| ADMIN_NAME),
        rfc_opt(r.ends_at)?,
        rfc_opt(r.terminated_at)?,
        rfc(r.updated_at)?,
    ])?;
    Ok(())
}

/// `refresh_customer_state` for every customer at once: the most advanced state.
/// The core's refresh for every customer at once (same precedence).
pub fn refresh_states() -> String {
    format!(
        "UPDATE customers SET relationship_state = coalesce((
             SELECT state FROM relationships WHERE customer_id = customers.id
             ORDER BY {} LIMIT 1), 'none')",
        partnerdesk_core::relationships::STATE_PRECEDENCE
    )
}

pub const ADMIN_NAME: &str = "Anna Admin";
pub const ADMIN_EMAIL: &str = "anna.admin@contoso.pl";
pub const ADMIN_PASSWORD: &str = "first admin password";

pub fn company() -> CompanyProfile {
    CompanyProfile {
        legal_name: "Contoso Partner Sp. z o.o.".into(),
        street: "ul. Złota 44".into(),
        city: "Warszawa".into(),
        postal_code: "00-120".into(),
        country: "PL".into(),
        phone: String::new(),
        email: String::new(),
        website: String::new(),
        partner_id: String::new(),
        partner_tenant_id: String::new(),
        authorized_delegated_admin: true,
        authorized_subscription_advisor: true,
        default_currency: "PLN".into(),
        default_language: "pl".into(),
    }
}

pub fn seeding_progress(label: &str, done: usize, of: usize, started: Instant) -> BenchResult<()> {
    progress(format_args!(
        "{label}: {done:>7} / {of} ({:.0}/s)",
        done as f64 / started.elapsed().as_secs_f64().max(1e-9)
    ))
}

impl Generator {
    pub fn new(rng: Rng) -> Self {
        Generator {
            rng,
            domains: HashSet::new(),
        }
    }
}

/// Customer `i` of `n` is added at this moment: one after another over six
/// years, in order, the last a week before `NOW`.
pub fn added_at(n: usize, i: usize) -> OffsetDateTime {
    let step = (NOW - Duration::days(7) - START) / n as f64;
    START + step * i as f64
}

/// Completes the first-run set-up with `company` and signs its first global
/// admin in, the day before `START`: the actor every benchmark acts as.
pub fn sign_in_first_admin(store: &Store, company: CompanyProfile) -> BenchResult<Actor> {
    let clock = ManualClock::at(START - Duration::days(1));
    let sessions = Sessions::default();
    setup::complete(
        store,
        &clock,
        &sessions,
        &SetupInput {
            company,
            display_name: ADMIN_NAME.into(),
            email: ADMIN_EMAIL.into(),
            password: ADMIN_PASSWORD.into(),
        },
    )?;
    Ok(sessions.actor(store, &clock)?)
}

/// Seeds `n` customers: the first `core_count` through `customers::create`,
/// one by one (which also measures that path), the rest by SQL in large
/// transactions with the core's INSERT, 3 % of them archived. Checks that the
/// core wrote the folded keys the SQL seeder computes; returns the ids in
/// the order added and pushes what it did to `lines`.
pub fn seed_customers(
    store: &Store,
    actor: &Actor,
    generator: &mut Generator,
    (n, core_count): (usize, usize),
    lines: &mut Vec<String>,
) -> BenchResult<Vec<String>> {
    let clock = ManualClock::at(START - Duration::days(1));
    let mut ids: Vec<String> = Vec::with_capacity(n);
    let mut seeds: Vec<SeedCustomer> = Vec::with_capacity(core_count);
    let started = Instant::now();
    for i in 0..core_count {
        let c = generator.customer();
        let at = added_at(n, i);
        clock.advance(at - clock.now());
        let (created, _) = customers::create(store, &clock, actor, &c.input())?;
        ids.push(created.id);
        seeds.push(c);
        if i % 100 == 99 {
            seeding_progress("customers::create", i + 1, core_count, started)?;
        }
    }
    eprintln!();
    let core_time = started.elapsed();
    let per_customer = core_time / core_count as u32;
    lines.push(format!(
        "- {core_count} customers through `customers::create`, one transaction each: {:.2} s \
         ({:.2} ms each); all {n} that way would take ≈ {:.0} s",
        core_time.as_secs_f64(),
        per_customer.as_secs_f64() * 1e3,
        per_customer.as_secs_f64() * n as f64
    ));

    // The seeder's own keys must be what the core wrote.
    let mismatches = store.read(|conn| {
        let mut bad = 0;
        let mut statement =
            conn.prepare("SELECT name_key, search_text FROM customers WHERE id = ?1")?;
        for (id, c) in ids.iter().zip(&seeds) {
            let (key, text): (String, String) =
                statement.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            if key != fold(&c.company_name) || text != c.search_text() {
                bad += 1;
            }
        }
        Ok(bad)
    })?;
    if mismatches > 0 {
        return Err(format!(
            "{mismatches} of the customers created through the core have a name_key or \
             search_text the SQL seeder would not write: fix the seeder first"
        )
        .into());
    }
    lines.push(format!(
        "- their `name_key` and `search_text` equal what the SQL seeder computes: yes (all {core_count})"
    ));

    // ---- the rest by SQL, in large transactions -----------------------------
    let started = Instant::now();
    let mut i = core_count;
    while i < n {
        let end = (i + BATCH).min(n);
        let mut batch_ids = Vec::with_capacity(end - i);
        store.write(|tx| {
            for j in i..end {
                let mut c = generator.customer();
                c.archived = generator.rng.chance(3);
                let id = generator.rng.uuid();
                let now = to_rfc3339(added_at(n, j))?;
                insert_customer(tx, &c, &id, &now).map_err(|e| {
                    partnerdesk_core::Error::Internal(format!("seeding customer {j}: {e}"))
                })?;
                batch_ids.push(id);
            }
            Ok(())
        })?;
        ids.extend(batch_ids);
        i = end;
        seeding_progress("customers by SQL", i - core_count, n - core_count, started)?;
    }
    eprintln!();
    let sql_time = started.elapsed();
    lines.push(format!(
        "- {} customers by SQL in transactions of {BATCH} (FTS triggers firing): {:.2} s ({:.0}/s)",
        n - core_count,
        sql_time.as_secs_f64(),
        (n - core_count) as f64 / sql_time.as_secs_f64()
    ));
    Ok(ids)
}
