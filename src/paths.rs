//! Where azfailover keeps its files (the `directories` crate's ProjectDirs for `azfailover`).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use directories::ProjectDirs;

/// The platform directories of azfailover; on Linux they honour the XDG_* variables.
pub fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "azfailover")
}

/// The data directory (journals, reports), created on demand.
pub fn data_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_dir().to_path_buf())
}

/// The cache directory (last health snapshot), created on demand.
pub fn cache_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.cache_dir().to_path_buf())
}

/// Opens a file for appending, created readable and writable by its owner only (journals,
/// reports, the log, the snapshot cache: they name resources and operators). An existing
/// file is narrowed to 0600 too.
pub fn create_private(path: &Path) -> std::io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        opts.mode(0o600);
        let f = opts.open(path)?;
        let _ = f.set_permissions(std::fs::Permissions::from_mode(0o600));
        Ok(f)
    }
    #[cfg(not(unix))]
    {
        opts.open(path)
    }
}

/// Writes a whole file privately (0600) and atomically: a temporary file beside it, synced,
/// then renamed over it.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    let _ = std::fs::remove_file(&tmp);
    {
        let mut f = create_private(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}
