//! A report as Markdown: the headline, the timeline of steps, the ARM operations sent, the
//! readiness findings and the deviations, every time labelled with its clock.

use std::fmt::Write as _;

use serde_json::Value;

use super::*;

/// The report as Markdown.
pub fn markdown(r: &Value, cfg: &Config) -> String {
    let mut out = String::new();
    let s = |v: &Value| v.as_str().map(sanitize).unwrap_or_else(|| "-".into());
    let kind = s(&r["kind"]);
    let title = if r["scenario"].is_null() {
        format!("{kind} report")
    } else {
        format!("DR drill report ({kind}, scenario {})", s(&r["scenario"]))
    };
    let saved: Saved = serde_json::from_value(r.clone()).unwrap_or_default();
    let simulated = saved.simulated();
    // In a drill every time is the simulator's: each says so.
    let sim = if simulated { " (simulated)" } else { "" };
    let at = |v: &Value| format!("{}{sim}", s(v));
    let _ = writeln!(
        out,
        "# {} — {}: {}\n",
        sanitize(&cfg.deployment.name),
        title,
        sanitize(&saved.headline())
    );
    let _ = writeln!(out, "| | |\n|---|---|");
    let mut rows = vec![
        ("Outcome", s(&r["outcome"])),
        ("Operator", s(&r["operator"])),
        (
            "Move",
            format!(
                "{} → {}{}",
                s(&r["from_region"]),
                s(&r["to_region"]),
                if r["forced"] == true {
                    " (forced)"
                } else {
                    " (planned)"
                }
            ),
        ),
        ("Started", at(&r["started_at"])),
        ("Finished", at(&r["finished_at"])),
        (
            "RTO counted from",
            match r["rto_counted_from_words"].as_str() {
                Some(words) => format!("{} — {}", at(&r["outage_started_at"]), sanitize(words)),
                None => at(&r["outage_started_at"]),
            },
        ),
        ("Duration", saved.took()),
    ];
    if let (Some(a), Some(b)) = (&saved.wall_started_at, &saved.wall_finished_at)
        && saved.clocks_differ()
    {
        rows.push((
            "Wall clock (real time)",
            format!("{} → {}", sanitize(a), sanitize(b)),
        ));
    }
    for (k, v) in rows {
        let _ = writeln!(out, "| {k} | {v} |");
    }
    if simulated {
        let pace = saved
            .pace()
            .map(|x| format!(", which ran about ×{x:.0} as fast as real time"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\nTimes are simulated (the simulator's clock{pace}), except those marked wall-clock."
        );
    }
    let rto = saved.rto_seconds;
    let rto_t = saved.rto_target_seconds;
    let loss = saved.data_loss_window_seconds;
    let rpo_t = saved.rpo_target_seconds;
    let verdict = |met: Option<bool>, unknown: &'static str| match met {
        Some(true) => "met",
        Some(false) => "**MISSED**",
        None => unknown,
    };
    let _ = writeln!(
        out,
        "\n## Objectives\n\n| | achieved | target | |\n|---|---|---|---|"
    );
    let _ = writeln!(
        out,
        "| RTO (outage to verified traffic shift{}) | {} | {} | {} |",
        if simulated { ", simulated time" } else { "" },
        rto.map_or("-".into(), human),
        human(rto_t),
        verdict(
            saved.rto_met(),
            if rto.is_some() {
                "unknown (the outage was not dated: at least this)"
            } else {
                "not reached"
            }
        )
    );
    let _ = writeln!(
        out,
        "| Data-loss window{} | {} | RPO {} | {} |",
        if simulated { " (simulated time)" } else { "" },
        human(loss),
        human(rpo_t),
        verdict(saved.rpo_met(), "unknown")
    );
    let _ = write!(out, "\nData loss: {}", s(&r["data_loss_source"]));
    // Which store the window is, and the others': each lost its own writes.
    if let Some(by) = r["data_loss_by"].as_array().filter(|b| !b.is_empty()) {
        let each: Vec<String> = by
            .iter()
            .map(|x| {
                format!(
                    "`{}` {}",
                    s(&x["what"]),
                    human(x["seconds"].as_i64().unwrap_or(0))
                )
            })
            .collect();
        let _ = write!(out, "; by store, largest first: {}", each.join(", "));
    }
    if let Some(u) = r["data_loss_unmeasured"]
        .as_array()
        .filter(|u| !u.is_empty())
    {
        let ids: Vec<String> = u.iter().map(|x| format!("`{}`", s(x))).collect();
        let _ = write!(
            out,
            "; not measured for {}: they risk losing writes that no figure here counts",
            ids.join(", ")
        );
    }
    let _ = writeln!(out, ".\n");
    if let Some(f) = r["readiness_findings"].as_array().filter(|f| !f.is_empty()) {
        let _ = writeln!(out, "## Readiness before the run\n");
        for x in f {
            let _ = writeln!(out, "- {}", s(x));
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "## Timeline\n\n*by*: who confirmed the step, skipped it, overrode its precondition or stopped the run at its question.\n\n| step | outcome | start{sim} | end{sim} | duration{sim} | by | note |\n|---|---|---|---|---|---|---|"
    );
    let steps = r["steps"].as_array().cloned().unwrap_or_default();
    for st in &steps {
        let t = |v: &Value| {
            v.as_str()
                .map(|x| x.get(11..19).unwrap_or(x).to_string())
                .unwrap_or_else(|| "-".into())
        };
        let _ = writeln!(
            out,
            "| `{}` {} | {} | {} | {} | {} | {} | {} |",
            s(&st["id"]),
            s(&st["title"]),
            s(&st["outcome"]),
            t(&st["started_at"]),
            t(&st["finished_at"]),
            st["duration_seconds"].as_i64().map_or("-".into(), human),
            s(&st["confirmed_by"]),
            st["note"].as_str().map(sanitize).unwrap_or_default()
        );
    }
    // The steps on the run's time axis: where each started and how long it ran.
    let _ = writeln!(
        out,
        "\n## Step durations\n\nEach step on the run's time axis{}, from the declared outage to the end of the run: where it started and how long it ran (steps of a phase that ran side by side overlap; ░ never finished).\n\n```",
        if simulated { " (simulated time)" } else { "" }
    );
    if let Some(axis) = Axis::of(&saved) {
        const WIDTH: usize = 48;
        let _ = writeln!(out, "{:<40} {}", "", axis.header(WIDTH, &saved));
        for st in saved.steps.iter().filter(|x| x.started_at.is_some()) {
            let _ = writeln!(
                out,
                "{:<40} {:<WIDTH$} {}",
                sanitize(&st.id).chars().take(40).collect::<String>(),
                axis.bar(st, WIDTH),
                st.duration_seconds.map_or("-".into(), human)
            );
        }
    }
    let _ = writeln!(
        out,
        "```\n\n## ARM operations sent{}\n",
        if simulated { " (simulated times)" } else { "" }
    );
    for op in r["operations"].as_array().cloned().unwrap_or_default() {
        let _ = writeln!(
            out,
            "- {} {} `{}` {}",
            s(&op["at"]),
            s(&op["method"]),
            s(&op["path"]),
            match (op["request_id"].as_str(), op["answer"].as_str()) {
                (Some(i), _) => format!("(request id {})", sanitize(i)),
                (None, Some("lost")) => {
                    "(its answer was lost: it may have taken effect; the step's note says what live state showed)".to_string()
                }
                _ => String::new(),
            }
        );
    }
    let dev = r["deviations"].as_array().cloned().unwrap_or_default();
    let _ = writeln!(out, "\n## Deviations\n");
    if dev.is_empty() {
        let _ = writeln!(out, "None: every step ran as planned.");
    }
    for d in dev {
        let _ = writeln!(out, "- {}", s(&d));
    }
    out
}

pub(super) fn human(secs: i64) -> String {
    crate::timefmt::human(std::time::Duration::from_secs(secs.max(0) as u64))
}
