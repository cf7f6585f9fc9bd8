//! Where azfailover keeps its files (the `directories` crate's ProjectDirs for `azfailover`).

use std::path::PathBuf;

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
