//! The simulated world saved to disk and restored, so a drill that crashed (kill -9, lost
//! terminal) resumes against the world it left — with its failovers in flight — and not a new
//! one. The file is written after every request that changes the world (atomically: a temporary
//! file renamed over the old one) and read back once, at the resume.
//!
//! Time goes on while the drill is down, as it would in Azure: a restored clock adds the real
//! time since the save, times the time scale. Transient transport faults keep what is left of
//! their duration.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;

use super::world::{Faults, Flaky, World};

/// Bumped when the saved shape changes: an older file is refused, not misread.
const VERSION: u32 = 1;

#[derive(Serialize)]
struct SavedRef<'a> {
    version: u32,
    world: &'a World,
}

/// Writes the world to `path` (mode 0600): a temporary file beside it, renamed over it.
pub fn save(world: &World, path: &Path) -> std::io::Result<()> {
    let text = serde_json::to_vec(&SavedRef {
        version: VERSION,
        world,
    })
    .map_err(std::io::Error::other)?;
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut f = crate::paths::create_private(&tmp)?;
    f.write_all(&text)?;
    drop(f);
    std::fs::rename(&tmp, path)
}

/// Reads a world saved by `save`.
pub fn load(path: &Path) -> Result<World, String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let not_saved =
        |e: serde_json::Error| format!("{}: not a saved simulation: {e}", path.display());
    let mut saved: serde_json::Value = serde_json::from_slice(&text).map_err(not_saved)?;
    let version = saved["version"].as_u64();
    if version != Some(u64::from(VERSION)) {
        return Err(format!(
            "{}: saved by another version of azfailover (format {}, this one reads {VERSION})",
            path.display(),
            version.map_or("unknown".to_string(), |v| v.to_string())
        ));
    }
    serde_json::from_value(saved["world"].take()).map_err(not_saved)
}

/// Reads a string into a `&'static str` field (the world's fixed words: provisioning states,
/// roles, modes). Known words are shared; anything else is leaked — once per restore, a few bytes.
pub fn static_str<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    const KNOWN: &[&str] = &[
        "Succeeded",
        "Updating",
        "Creating",
        "Failed",
        "Deleting",
        "Canceled",
        "Ready",
        "Running",
        "Stopped",
        "Starting",
        "Stopping",
        "Primary",
        "AsyncReplica",
        "Source",
        "Replica",
        "None",
        "System",
        "User",
        "Priority",
        "Weighted",
        "Performance",
        "Warning",
        "Error",
        "Information",
        "Critical",
    ];
    let s = String::deserialize(d)?;
    Ok(match KNOWN.iter().find(|k| **k == s) {
        Some(k) => k,
        None => Box::leak(s.into_boxed_str()),
    })
}

/// The clock: where simulated time stood, and the wall-clock moment of the save.
pub mod clock {
    use super::*;
    use crate::sim::SimClock;

    #[derive(Serialize, Deserialize)]
    struct Saved {
        #[serde(with = "time::serde::rfc3339")]
        origin: OffsetDateTime,
        elapsed_seconds: f64,
        scale: f64,
        #[serde(with = "time::serde::rfc3339")]
        saved_at: OffsetDateTime,
    }

    /// Writes where simulated time stood and when, so a resume can add the time it was down.
    pub fn serialize<S: Serializer>(c: &SimClock, s: S) -> Result<S::Ok, S::Error> {
        Saved {
            origin: c.origin(),
            elapsed_seconds: c.elapsed_sim().as_secs_f64(),
            scale: c.scale(),
            saved_at: OffsetDateTime::now_utc(),
        }
        .serialize(s)
    }

    /// Reads a clock back, advanced by the real time since the save times the time scale.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SimClock, D::Error> {
        let saved = Saved::deserialize(d)?;
        let down = (OffsetDateTime::now_utc() - saved.saved_at)
            .as_seconds_f64()
            .max(0.0);
        let elapsed = saved.elapsed_seconds.max(0.0) + down * saved.scale.max(0.0);
        Ok(SimClock::resumed(
            saved.origin,
            Duration::try_from_secs_f64(elapsed)
                .map_err(|_| serde::de::Error::custom("the saved world's clock is out of range"))?,
            saved.scale,
        ))
    }
}

/// Transport faults: their deadlines as seconds left.
pub mod faults {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Saved {
        throttle_seconds_left: Option<f64>,
        latency: Vec<(crate::sim::world::LatencyKey, Duration)>,
        flaky: Option<Flaky>,
        flaky_seconds_left: Option<f64>,
        malformed: HashMap<String, u32>,
    }

    /// Seconds left of a deadline (a deadline is an Instant, meaningless in another process).
    fn left(until: Option<Instant>) -> Option<f64> {
        until.map(|u| u.saturating_duration_since(Instant::now()).as_secs_f64())
    }

    /// A deadline again, from the seconds that were left.
    fn until(left: Option<f64>) -> Option<Instant> {
        left.and_then(|s| Instant::now().checked_add(Duration::try_from_secs_f64(s.max(0.0)).ok()?))
    }

    /// Writes the transport faults with what is left of their durations.
    pub fn serialize<S: Serializer>(f: &Faults, s: S) -> Result<S::Ok, S::Error> {
        Saved {
            throttle_seconds_left: left(f.throttle_until),
            latency: f.latency.iter().map(|(r, d)| (r.clone(), *d)).collect(),
            flaky: f.flaky.clone(),
            flaky_seconds_left: left(f.flaky.as_ref().and_then(|x| x.until)),
            malformed: f.malformed.clone(),
        }
        .serialize(s)
    }

    /// Reads the transport faults back; they run for what was left of them.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Faults, D::Error> {
        let saved = Saved::deserialize(d)?;
        Ok(Faults {
            throttle_until: until(saved.throttle_seconds_left),
            latency: saved.latency.into_iter().collect::<BTreeMap<_, _>>(),
            flaky: saved.flaky.map(|mut f| {
                f.until = until(saved.flaky_seconds_left);
                f
            }),
            malformed: saved.malformed,
        })
    }
}
