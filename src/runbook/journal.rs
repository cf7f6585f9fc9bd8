//! The journal: every transition of a run appended as one JSON line, fsynced, mode 0600, under
//! the data directory — with operator, time and request ids, never a token. An unfinished
//! journal is what a crashed run leaves; the next run resumes from it.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One journal line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// Azure's time (RFC 3339): the simulator's, simulated, in a drill.
    pub at: String,
    /// This machine's clock when the entry was written (RFC 3339): real time, also in a drill
    /// whose simulated clock runs faster. None in journals written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_at: Option<String>,
    pub run_id: String,
    #[serde(flatten)]
    pub event: Event,
}

/// What happened.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    RunStarted {
        deployment: String,
        kind: String,
        from_region: String,
        to_region: String,
        forced: bool,
        operator: String,
        scenario: Option<String>,
        /// Start of the outage the RTO is counted from (`run::outage::outage_start`).
        outage_started_at: String,
        /// What dates it (`run::outage::OutageSource::key`); None in older journals (their
        /// start was the drill's declared incident or the run's start).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outage_start_source: Option<String>,
        rto_target_seconds: u64,
        rpo_target_seconds: u64,
        steps: Vec<String>,
        /// Readiness findings before the run started.
        findings: Vec<String>,
    },
    RunResumed {
        operator: String,
    },
    StepStarted {
        step: String,
    },
    PreconditionFailed {
        step: String,
        reason: String,
    },
    PreconditionOverridden {
        step: String,
        reason: String,
        by: String,
    },
    Confirmed {
        step: String,
        by: String,
        typed: bool,
    },
    /// Journaled (fsynced) before a mutating request leaves: what is about to be sent, with the
    /// client request id it carries. An intent without a `request-sent` is *in doubt*.
    RequestIntent {
        step: String,
        method: String,
        path: String,
        client_request_id: String,
    },
    RequestSent {
        step: String,
        method: String,
        path: String,
        request_id: Option<String>,
        client_request_id: Option<String>,
    },
    /// A request's answer was lost and live state does not show whether it took effect.
    InDoubt {
        step: String,
        evidence: String,
    },
    Progress {
        step: String,
        status: String,
        percent: Option<f64>,
    },
    DataLoss {
        step: String,
        seconds: f64,
        detail: String,
    },
    StepDone {
        step: String,
        note: Option<String>,
    },
    StepSkipped {
        step: String,
        reason: String,
        /// Who skipped it (None in journals written before this was recorded).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
    /// The run stopped at this step's question (declined, aborted, unanswered): nothing was
    /// sent for it.
    StepNotRun {
        step: String,
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
    StepFailed {
        step: String,
        error: String,
    },
    GatePassed,
    RunFinished {
        outcome: String,
    },
}

/// An append-only journal file. Every entry is fsynced before `append` returns; an entry that
/// cannot be written whole is cut off again (never left as a torn line for the next entry to be
/// glued onto), and the journal refuses every later entry: the run must stop.
pub struct Journal {
    path: PathBuf,
    file: File,
    run_id: String,
    /// The length of the file up to its last whole entry.
    len: u64,
    /// Why it cannot be written any more, once a write failed.
    broken: Option<String>,
}

/// Where journals live.
pub fn journal_dir() -> PathBuf {
    crate::paths::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("journals")
}

/// A deployment name as journals and reports spell it in file names.
pub fn safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

pub use crate::paths::create_private;

impl Journal {
    /// Starts a new journal for a run.
    pub fn create(
        dir: &Path,
        deployment: &str,
        kind: &str,
        run_id: &str,
    ) -> std::io::Result<Journal> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("{}-{kind}-{run_id}.jsonl", safe(deployment)));
        let file = create_private(&path)?;
        hold(&file, &path)?;
        // The new file's name is in its directory before anything is sent (a power cut
        // must not lose the journal of requests that left).
        sync_dir(dir);
        let len = file.metadata()?.len();
        Ok(Journal {
            path,
            file,
            run_id: run_id.to_string(),
            len,
            broken: None,
        })
    }

    /// Reopens an existing journal to append to it (resume). A torn last line (a crash or a full
    /// disk in the middle of a write) is cut off first, so the next entry starts on its own line.
    /// Refused (`WouldBlock`) while another process has the journal open: its run is live.
    pub fn reopen(path: &Path, run_id: &str) -> std::io::Result<Journal> {
        let file = create_private(path)?;
        hold(&file, path)?;
        repair_tail(path)?;
        let len = file.metadata()?.len();
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            run_id: run_id.to_string(),
            len,
            broken: None,
        })
    }

    /// Why the journal cannot be written any more, if a write failed.
    pub fn broken(&self) -> Option<&str> {
        self.broken.as_deref()
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The run's id.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Appends an entry and syncs it to disk before returning. After a failed write the
    /// journal is broken: the partial line is cut off and every later append fails.
    pub fn append(&mut self, at: &str, event: Event) -> std::io::Result<Entry> {
        if let Some(why) = &self.broken {
            return Err(std::io::Error::other(format!(
                "the journal could not be written earlier ({why})"
            )));
        }
        let entry = Entry {
            at: at.to_string(),
            wall_at: Some(crate::timefmt::rfc3339(time::OffsetDateTime::now_utc())),
            run_id: self.run_id.clone(),
            event,
        };
        let mut line = serde_json::to_string(&entry).map_err(std::io::Error::other)?;
        line.push('\n');
        let written = self
            .file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.sync_data());
        match written {
            Ok(()) => {
                self.len += line.len() as u64;
                Ok(entry)
            }
            Err(e) => {
                // Never leave a torn line behind: cut the file back to its last whole entry.
                let _ = self.file.set_len(self.len);
                let _ = self.file.sync_data();
                self.broken = Some(e.to_string());
                Err(e)
            }
        }
    }
}

/// Takes the journal for this process: an exclusive advisory lock that the system releases
/// when the process ends, however it ends (`kill -9` included) — so a live run's journal is
/// never resumed, closed or appended to by another process, and a dead run's never blocks.
fn hold(file: &File, path: &Path) -> std::io::Result<()> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(std::io::Error::new(
            std::io::ErrorKind::WouldBlock,
            live_elsewhere(path),
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// What is said of a journal another process holds (see [`hold`]).
pub fn live_elsewhere(path: &Path) -> String {
    format!(
        "the run journaled in {} is still running in another process of this machine (a console or another azfailover): let it finish or stop it there; nothing was done here",
        path.display()
    )
}

/// Whether another process has this journal open for its run (see [`hold`]). Only looks:
/// a shared lock taken and dropped at once, nothing written.
pub fn in_use(path: &Path) -> bool {
    File::open(path)
        .is_ok_and(|f| matches!(f.try_lock_shared(), Err(std::fs::TryLockError::WouldBlock)))
}

/// Syncs a directory, so that a file created in it survives a power cut (best effort: not
/// every file system can).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Cuts a torn last line (no final newline) off a journal; true when it did.
fn repair_tail(path: &Path) -> std::io::Result<bool> {
    let bytes = std::fs::read(path)?;
    if bytes.is_empty() || bytes.ends_with(b"\n") {
        return Ok(false);
    }
    let keep = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let f = OpenOptions::new().write(true).open(path)?;
    f.set_len(keep as u64)?;
    f.sync_all()?;
    tracing::warn!(
        "{}: a torn last line ({} bytes) was cut off",
        path.display(),
        bytes.len() - keep
    );
    Ok(true)
}

/// Reads a journal; a line that does not parse (a torn write) is skipped with a warning.
pub fn read(path: &Path) -> std::io::Result<Vec<Entry>> {
    let (entries, skipped) = read_checked(path)?;
    for s in skipped {
        tracing::warn!("{}: {s}", path.display());
    }
    Ok(entries)
}

/// Reads a journal: its entries, and a warning for every line that does not parse.
pub fn read_checked(path: &Path) -> std::io::Result<(Vec<Entry>, Vec<String>)> {
    let f = File::open(path)?;
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    for (n, line) in BufReader::new(f).split(b'\n').enumerate() {
        let line = line?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Entry>(&line) {
            Ok(e) => entries.push(e),
            Err(e) => skipped.push(format!(
                "line {} skipped: it does not parse ({e}; a torn write?)",
                n + 1
            )),
        }
    }
    Ok((entries, skipped))
}

/// Keeps the full runbook beside the journal, so that a resumed run executes exactly it:
/// written whole and synced (file and directory) before the run may send anything.
pub fn write_runbook(journal: &Path, rb: &super::model::Runbook) -> std::io::Result<()> {
    let path = journal.with_extension("runbook.json");
    let text = serde_json::to_string(rb).map_err(std::io::Error::other)?;
    let mut f = create_private(&path)?;
    f.set_len(0)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
    Ok(())
}

/// The runbook kept beside a journal, if it reads.
pub fn load_runbook(journal: &Path) -> Option<super::model::Runbook> {
    let text = std::fs::read_to_string(journal.with_extension("runbook.json")).ok()?;
    serde_json::from_str(&text).ok()
}

/// Where a drill's simulated world is saved: beside its journal.
pub fn saved_world_path(journal: &Path) -> PathBuf {
    journal.with_extension("sim.json")
}

/// The newest unfinished journal of a deployment's failover/failback/drill, if any.
pub fn find_unfinished(dir: &Path, deployment: &str, kind: &str) -> Option<(PathBuf, Vec<Entry>)> {
    let prefix = format!("{}-{kind}-", safe(deployment));
    let mut candidates: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        // Only journals: the runbook and a drill's saved world live beside them.
        .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    candidates.sort();
    let (_, path) = candidates.pop()?;
    let entries = read(&path).ok()?;
    let finished = entries
        .iter()
        .any(|e| matches!(e.event, Event::RunFinished { .. }));
    (!finished && !entries.is_empty()).then_some((path, entries))
}

/// One line a person reads for an entry.
pub fn describe(e: &Entry) -> String {
    let t = e.at.get(11..19).unwrap_or(&e.at);
    let text = match &e.event {
        Event::RunStarted {
            kind,
            deployment,
            from_region,
            to_region,
            forced,
            operator,
            scenario,
            ..
        } => format!(
            "{} of {deployment} {from_region} → {to_region}{} started by {operator}{}",
            kind,
            if *forced { " (forced)" } else { "" },
            scenario
                .as_ref()
                .map(|s| format!(" — drill of scenario {s}"))
                .unwrap_or_default()
        ),
        Event::RunResumed { operator } => format!("resumed by {operator}"),
        Event::StepStarted { step } => format!("{step}: started"),
        Event::PreconditionFailed { step, reason } => format!("{step}: BLOCKED: {reason}"),
        Event::PreconditionOverridden { step, reason, by } => {
            format!("{step}: precondition overridden by {by}: {reason}")
        }
        Event::Confirmed { step, by, typed } => format!(
            "{step}: confirmed by {by}{}",
            if *typed { " (typed)" } else { "" }
        ),
        Event::InDoubt { step, evidence } => format!("{step}: IN DOUBT: {evidence}"),
        Event::RequestIntent {
            step,
            method,
            path,
            client_request_id,
        } => format!(
            "{step}: about to send {method} {path} (x-ms-client-request-id {client_request_id})"
        ),
        Event::RequestSent {
            step,
            method,
            path,
            request_id,
            ..
        } => format!(
            "{step}: sent {method} {path}{}",
            request_id
                .as_ref()
                .map(|r| format!(" (x-ms-request-id {r})"))
                .unwrap_or_default()
        ),
        Event::Progress {
            step,
            status,
            percent,
        } => format!(
            "{step}: {status}{}",
            percent.map(|p| format!(" {p:.0}%")).unwrap_or_default()
        ),
        Event::DataLoss {
            step,
            seconds,
            detail,
        } => format!("{step}: data loss ≈ {:.0} s: {detail}", seconds),
        Event::StepDone { step, note } => format!(
            "{step}: done{}",
            note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
        ),
        Event::StepSkipped { step, reason, by } => format!(
            "{step}: skipped{}: {reason}",
            by.as_ref().map(|b| format!(" by {b}")).unwrap_or_default()
        ),
        Event::StepNotRun { step, reason, by } => format!(
            "{step}: not run (stopped at its question{}): {reason}",
            by.as_ref().map(|b| format!(", by {b}")).unwrap_or_default()
        ),
        Event::StepFailed { step, error } => format!("{step}: FAILED: {error}"),
        Event::GatePassed => "verify gate passed".into(),
        Event::RunFinished { outcome } => format!("run finished: {outcome}"),
    };
    format!("{t}  {}", crate::health::report::sanitize(&text))
}

/// Why `azfailover journal` has nothing to show.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// No journal of that run (a bad argument).
    #[error("no journal of run '{run}' in {} (`azfailover journal --list`)", dir.display())]
    NoSuchRun { run: String, dir: PathBuf },
    /// The journal could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What `azfailover journal` shows: warnings (stderr) and the timeline or listing (stdout).
pub struct View {
    /// Lines for stderr, without the `azfailover: ` prefix.
    pub warnings: Vec<String>,
    /// For stdout, verbatim.
    pub text: String,
}

/// `azfailover journal`: a run's journal as a timeline, or the list of journals.
pub fn view(dir: &Path, run: Option<&str>, list: bool) -> Result<View, JournalError> {
    let mut text = String::new();
    let mut line = |l: String| {
        text.push_str(&l);
        text.push('\n');
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    if list {
        if files.is_empty() {
            line(format!("no journals yet in {}", dir.display()));
        }
        for (_, p) in &files {
            let entries = read(p).unwrap_or_default();
            let finished = entries.iter().rev().find_map(|e| match &e.event {
                Event::RunFinished { outcome } => Some(outcome.clone()),
                _ => None,
            });
            line(format!(
                "{:<12} {:>4} entries  {}",
                finished.unwrap_or_else(|| "UNFINISHED".into()),
                entries.len(),
                p.display()
            ));
        }
        return Ok(View {
            warnings: Vec::new(),
            text,
        });
    }
    let path = match run {
        Some(r) if Path::new(r).exists() => PathBuf::from(r),
        Some(r) => match files.iter().find(|(_, p)| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains(r))
        }) {
            Some((_, p)) => p.clone(),
            None => {
                return Err(JournalError::NoSuchRun {
                    run: r.to_string(),
                    dir: dir.to_path_buf(),
                });
            }
        },
        None => match files.first() {
            Some((_, p)) => p.clone(),
            None => {
                line(format!("no journals yet in {}", dir.display()));
                return Ok(View {
                    warnings: Vec::new(),
                    text,
                });
            }
        },
    };
    let (entries, skipped) = read_checked(&path).map_err(|source| JournalError::Unreadable {
        path: path.clone(),
        source,
    })?;
    let warnings = skipped
        .iter()
        .map(|s| format!("warning: {}: {s}", path.display()))
        .collect();
    line(path.display().to_string());
    for e in &entries {
        line(describe(e));
    }
    if !entries
        .iter()
        .any(|e| matches!(e.event, Event::RunFinished { .. }))
    {
        line("(unfinished: the next `azfailover failover|failback` resumes it)".to_string());
    }
    Ok(View { warnings, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_runs_journal_is_refused_to_every_other_opener_until_it_ends() {
        let dir = tempfile::tempdir().unwrap();
        let mut live = Journal::create(dir.path(), "contoso-ml", "failover", "r1").unwrap();
        live.append(
            "2026-11-26T02:41:07Z",
            Event::StepStarted { step: "a".into() },
        )
        .unwrap();
        let path = live.path().to_path_buf();
        assert!(in_use(&path), "a journal held by a run is in use");
        let other = Journal::reopen(&path, "r1")
            .err()
            .expect("refused while live");
        assert_eq!(other.kind(), std::io::ErrorKind::WouldBlock);
        assert!(
            other
                .to_string()
                .contains("still running in another process"),
            "{other}"
        );
        // Refused, nothing was written: the live run's entry is whole and alone.
        assert_eq!(read(&path).unwrap().len(), 1);
        // The run ends (or its process dies): the journal is free, resumable.
        drop(live);
        assert!(!in_use(&path));
        let mut resumed = Journal::reopen(&path, "r1").unwrap();
        resumed
            .append(
                "2026-11-26T02:42:00Z",
                Event::RunResumed {
                    operator: "bob".into(),
                },
            )
            .unwrap();
        assert_eq!(read(&path).unwrap().len(), 2);
    }

    #[test]
    fn entries_round_trip_and_files_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::create(dir.path(), "contoso ml", "failover", "r1").unwrap();
        j.append(
            "2026-11-26T02:41:07Z",
            Event::StepStarted { step: "a".into() },
        )
        .unwrap();
        j.append(
            "2026-11-26T02:41:08Z",
            Event::StepDone {
                step: "a".into(),
                note: None,
            },
        )
        .unwrap();
        let entries = read(j.path()).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            entries[1].event,
            Event::StepDone {
                step: "a".into(),
                note: None
            }
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(j.path()).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let (path, found) = find_unfinished(dir.path(), "contoso ml", "failover").unwrap();
        assert_eq!(path, j.path());
        assert_eq!(found.len(), 2);
        j.append(
            "2026-11-26T02:42:00Z",
            Event::RunFinished {
                outcome: "completed".into(),
            },
        )
        .unwrap();
        assert!(find_unfinished(dir.path(), "contoso ml", "failover").is_none());
    }

    #[test]
    fn entries_carry_the_wall_clock_and_older_journals_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::create(dir.path(), "d", "drill", "r3").unwrap();
        let e = j.append("2030-01-01T00:00:00Z", Event::GatePassed).unwrap();
        let wall = crate::timefmt::parse_rfc3339(e.wall_at.as_deref().unwrap()).unwrap();
        assert!(
            (time::OffsetDateTime::now_utc() - wall)
                .whole_seconds()
                .abs()
                < 60
        );
        let old = dir.path().join("old.jsonl");
        std::fs::write(
            &old,
            "{\"at\":\"2026-11-26T02:41:07Z\",\"run_id\":\"r\",\"event\":\"gate-passed\"}\n",
        )
        .unwrap();
        let entries = read(&old).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].wall_at, None);
        assert!(
            !serde_json::to_string(&entries[0])
                .unwrap()
                .contains("wall_at")
        );
    }

    #[test]
    fn a_torn_last_line_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::create(dir.path(), "d", "drill", "r2").unwrap();
        j.append("t", Event::GatePassed).unwrap();
        let mut f = create_private(j.path()).unwrap();
        f.write_all(b"{\"at\":\"t\",\"run_").unwrap();
        assert_eq!(read(j.path()).unwrap().len(), 1);
    }
}
