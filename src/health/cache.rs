//! The last snapshot on disk (cache directory), so the console starts instantly on it, marked
//! stale until the first refresh lands.

use std::path::PathBuf;

use super::model::Snapshot;

fn path_for(deployment: &str) -> Option<PathBuf> {
    let safe: String = deployment
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    crate::paths::cache_dir().map(|d| d.join(format!("snapshot-{safe}.json")))
}

/// The cached snapshot of a deployment, if one is readable.
pub fn load(deployment: &str) -> Option<Snapshot> {
    let text = std::fs::read_to_string(path_for(deployment)?).ok()?;
    serde_json::from_str(&text).ok()
}

/// The cached snapshot of `cfg`'s deployment, if one is readable and of its subscription (a
/// deployment of the same name elsewhere is not this one).
pub fn load_of(cfg: &crate::config::Config) -> Option<Snapshot> {
    load(&cfg.deployment.name).filter(|s| {
        s.subscription_id
            .eq_ignore_ascii_case(&cfg.deployment.subscription_id)
    })
}

/// Saves a snapshot (best effort: a cache that cannot be written only costs a slower start),
/// keeping the facts of the cached one that this one lacks (the last good facts survive a
/// snapshot taken during an outage).
pub fn save(snap: &Snapshot) {
    let Some(path) = path_for(&snap.deployment) else {
        return;
    };
    let mut snap = snap.clone();
    if let Some(old) = load(&snap.deployment)
        && old
            .subscription_id
            .eq_ignore_ascii_case(&snap.subscription_id)
    {
        snap.facts.keep_from(&old.facts);
    }
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(text) = serde_json::to_string(&snap) {
        let _ = crate::paths::write_private(&path, text.as_bytes());
    }
}
