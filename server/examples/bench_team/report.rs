//! The table: each measure beside its standalone baseline and its target.
use std::time::Duration;

use crate::bench_support::{format_duration, percentiles};
use crate::checks::Checked;
use crate::desktops::Run;
use crate::ops::{Baseline, Kind};
use crate::Args;

fn three(samples: &[Duration]) -> String {
    if samples.is_empty() {
        return "—".into();
    }
    let s = percentiles(samples.to_vec());
    format!(
        "{} / {} / {}",
        format_duration(s.p50),
        format_duration(s.p95),
        format_duration(s.p99)
    )
}

fn p95(samples: &[Duration]) -> Option<Duration> {
    (!samples.is_empty()).then(|| percentiles(samples.to_vec()).p95)
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "**missed**"
    }
}

pub fn print(args: &Args, run: &Run, baseline: &Baseline, fresh: Duration, checked: &Checked) {
    let team_all: Vec<Duration> = run.samples.iter().map(|s| s.ack).collect();
    let standalone_all: Vec<Duration> = baseline
        .by_kind
        .iter()
        .flat_map(|(_, d)| d.clone())
        .collect();
    let standalone_rate = standalone_all.len() as f64
        / standalone_all
            .iter()
            .sum::<Duration>()
            .as_secs_f64()
            .max(1e-9);
    println!(
        "## Results: {} desktops for {:.0} s, think time 0–{} ms between actions\n",
        args.desktops,
        run.seconds,
        2 * args.think_ms
    );
    println!("p50 / p95 / p99. Team: request → answer over HTTP from the desktop's client; standalone: the core's `commands::execute` on a standalone copy of the same database, one write after another.\n");
    println!("| Measure | Team server | Standalone (baseline) | Target | Verdict |");
    println!("|---|---|---|---|---|");
    let ack_met = p95(&team_all).is_some_and(|p| p <= Duration::from_millis(30));
    println!(
        "| Write acknowledgement, all writes (n={} / {}) | {} | {} | p95 ≤ 30 ms | {} |",
        team_all.len(),
        standalone_all.len(),
        three(&team_all),
        three(&standalone_all),
        verdict(ack_met)
    );
    for kind in Kind::ALL {
        let team: Vec<Duration> = run
            .samples
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.ack)
            .collect();
        let standalone = baseline
            .by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, d)| d.clone())
            .unwrap_or_default();
        println!(
            "| … {} (n={} / {}) | {} | {} | | |",
            kind.label(),
            team.len(),
            standalone.len(),
            three(&team),
            three(&standalone)
        );
    }
    let visible_met =
        run.not_visible == 0 && p95(&run.visible).is_some_and(|p| p <= Duration::from_millis(500));
    println!(
        "| Visible on another desktop, after the answer (n={}, {} not within 5 s) | {} | 0 (one database) | p95 ≤ 500 ms | {} |",
        run.visible.len(),
        run.not_visible,
        three(&run.visible),
        verdict(visible_met)
    );
    println!(
        "| Writes per second | {:.1} ({} in {:.0} s, all desktops) | {:.0} (one after another, no pauses) | | |",
        run.samples.len() as f64 / run.seconds,
        run.samples.len(),
        run.seconds,
        standalone_rate
    );
    println!(
        "| Read: a page of 50 customers from the local copy (n={} / {}) | {} | {} | | |",
        run.reads.len(),
        baseline.reads.len(),
        three(&run.reads),
        three(&baseline.reads)
    );
    println!(
        "| Fresh replica of {} customers (download + open, until live) | {:.1} s | — (nothing to download) | ≤ 20 s | {} |",
        args.customers,
        fresh.as_secs_f64(),
        verdict(fresh <= Duration::from_secs(20))
    );
    println!(
        "| Lost (acknowledged, then missing from the log or a copy) | {} | | 0 | {} |",
        checked.lost,
        verdict(checked.lost == 0)
    );
    println!(
        "| Duplicated (a command id or created customer twice) | {} | | 0 | {} |",
        checked.duplicated,
        verdict(checked.duplicated == 0)
    );
    println!(
        "| Replicas differing from the server's copy (`content_checksum(Desktop)`, {} replicas) | {} | | 0 | {} |",
        checked.replicas,
        checked.differing,
        verdict(checked.differing == 0)
    );
    println!("\nLog head at the end: change {}.", checked.head);
    for note in &checked.notes {
        println!("- {note}");
    }
    let summarize = |label: &str, list: &[String]| {
        if list.is_empty() {
            return;
        }
        // One example per kind of write.
        let mut firsts: Vec<&String> = Vec::new();
        for line in list {
            let kind = line.split(':').next();
            if !firsts.iter().any(|f| f.split(':').next() == kind) {
                firsts.push(line);
            }
        }
        let firsts: Vec<&str> = firsts.iter().map(|s| s.as_str()).collect();
        println!(
            "- {} {label}; one of each: {}",
            list.len(),
            firsts.join(" | ")
        );
    };
    summarize(
        "writes refused by the core (not counted above)",
        &run.refused,
    );
    summarize("writes failed (unreachable / protocol)", &run.failed);
    if baseline.refused > 0 {
        println!("- {} standalone writes refused", baseline.refused);
    }
}

/// The server's PostgreSQL steps for one command, beside the core's part.
pub fn phases(steps: &[Vec<Duration>], baseline: &Baseline) {
    println!("\n## Where one command's time goes (uncontended, measured step by step)\n");
    println!("The server's PostgreSQL statements for one command, in its order, on a scratch database (n={}); the core's part is the standalone `commands::execute` above.\n", steps.first().map_or(0, Vec::len));
    println!("| Step | p50 | p95 |");
    println!("|---|---|---|");
    let mut p50_sum = Duration::ZERO;
    for (label, samples) in crate::phases::STEPS.iter().zip(steps) {
        let s = percentiles(samples.clone());
        p50_sum += s.p50;
        println!(
            "| {label} | {} | {} |",
            format_duration(s.p50),
            format_duration(s.p95)
        );
    }
    let core: Vec<Duration> = baseline
        .by_kind
        .iter()
        .flat_map(|(_, d)| d.clone())
        .collect();
    let core_p50 = percentiles(core).p50;
    println!(
        "| **PostgreSQL steps together (sum of p50)** | **{}** | |",
        format_duration(p50_sum)
    );
    println!(
        "| the core executing the command (standalone p50, all writes) | {} | |",
        format_duration(core_p50)
    );
    println!(
        "| **one uncontended command ≈** | **{}** | |",
        format_duration(p50_sum + core_p50)
    );
}
