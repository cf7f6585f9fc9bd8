//! A fleet: several deployments, each in its own configuration file — `--config` given more
//! than once, or a directory of them (every `*.toml` directly in it, sorted by file name).
//! Every file is loaded and checked; every problem of every file is reported at once.

use std::fmt;
use std::path::{Path, PathBuf};

use super::{Config, ConfigError, ConfigIssue};

/// Whether these `--config` paths name a fleet (more than one, or a directory) rather than one
/// deployment, which behaves exactly as a single `--config` always has.
pub fn is_fleet(paths: &[PathBuf]) -> bool {
    paths.len() > 1 || paths.iter().any(|p| p.is_dir())
}

/// Every problem of a fleet's configurations: one `ConfigError` per file that does not load
/// (with its own file:line:column lines), out of `files` files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetError {
    pub errors: Vec<ConfigError>,
    pub files: usize,
}

impl fmt::Display for FleetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FleetError {}

/// A problem of the fleet as a whole, named after `origin` (a directory, or a file).
fn problem(origin: &Path, message: String) -> ConfigError {
    ConfigError {
        origin: origin.display().to_string(),
        issues: vec![ConfigIssue {
            line: None,
            column: None,
            message,
        }],
    }
}

/// The files these paths name: a directory gives every `*.toml` directly in it (sorted by name;
/// hidden files left out), a file is itself. The same file named twice counts once.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, FleetError> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if !path.is_dir() {
            if !files.contains(path) {
                files.push(path.clone());
            }
            continue;
        }
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(e) => {
                errors.push(problem(
                    path,
                    format!("cannot read the directory: {e} (check its permissions)"),
                ));
                continue;
            }
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                p.is_file() && name.ends_with(".toml") && !name.starts_with('.')
            })
            .collect();
        found.sort();
        if found.is_empty() {
            errors.push(problem(
                path,
                "no *.toml configuration in this directory: put one file per deployment there \
                 (config.example.toml documents the keys), or give --config a file"
                    .into(),
            ));
        }
        for f in found {
            if !files.contains(&f) {
                files.push(f);
            }
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(FleetError {
            files: files.len() + errors.len(),
            errors,
        })
    }
}

/// Loads every configuration the paths name (see `expand`), in that order. Err lists every file
/// that does not load, each with all of its problems, and every deployment name used twice (the
/// snapshot cache, journals and run lock are kept per deployment name).
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<Config>, FleetError> {
    let files = expand(paths)?;
    let mut configs: Vec<Config> = Vec::new();
    let mut errors = Vec::new();
    for file in &files {
        match Config::load(file) {
            Ok(cfg) => {
                let name = &cfg.deployment.name;
                if let Some(first) = configs
                    .iter()
                    .find(|c| c.deployment.name.eq_ignore_ascii_case(name))
                {
                    errors.push(problem(
                        file,
                        format!(
                            "deployment name '{name}' is also the name in {}: every deployment of a fleet needs a name of its own (its cache, journals and run lock are kept by name)",
                            first.origin
                        ),
                    ));
                } else {
                    configs.push(cfg);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(configs)
    } else {
        Err(FleetError {
            errors,
            files: files.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal valid configuration named `name`.
    fn config(name: &str) -> String {
        format!(
            "[deployment]\nname = \"{name}\"\nsubscription_id = \"00000000-0000-0000-0000-000000000001\"\nprimary_region = \"eastus\"\nsecondary_region = \"westus\"\nrto_minutes = 60\nrpo_minutes = 15\n\n[[components]]\nname = \"vault\"\nkind = \"key-vault\"\nmode = \"hot-cold\"\nresource = \"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-{name}\"\n"
        )
    }

    #[test]
    fn a_directory_is_every_toml_in_it_sorted() {
        let dir = tempfile::tempdir().unwrap();
        for (file, name) in [
            ("b.toml", "beta"),
            ("a.toml", "alpha"),
            (".hidden.toml", "h"),
        ] {
            std::fs::write(dir.path().join(file), config(name)).unwrap();
        }
        std::fs::write(dir.path().join("notes.txt"), "not a config").unwrap();
        let cfgs = load_all(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<&str> = cfgs.iter().map(|c| c.deployment.name.as_str()).collect();
        assert_eq!(names, ["alpha", "beta"]);
        assert!(is_fleet(&[dir.path().to_path_buf()]));
        assert!(!is_fleet(&[dir.path().join("a.toml")]));
    }

    #[test]
    fn every_bad_file_is_listed_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), config("alpha")).unwrap();
        std::fs::write(dir.path().join("b.toml"), "[deployment]\nname = 3\n").unwrap();
        std::fs::write(dir.path().join("c.toml"), config("ALPHA")).unwrap();
        let e = load_all(&[dir.path().to_path_buf()]).unwrap_err();
        assert_eq!(e.files, 3);
        assert_eq!(e.errors.len(), 2, "{e}");
        let text = e.to_string();
        assert!(text.contains("b.toml:"), "{text}");
        assert!(
            text.contains("c.toml: deployment name 'ALPHA' is also the name in"),
            "{text}"
        );
    }

    #[test]
    fn an_empty_directory_says_what_to_put_there() {
        let dir = tempfile::tempdir().unwrap();
        let e = load_all(&[dir.path().to_path_buf()]).unwrap_err();
        assert!(
            e.to_string()
                .contains("no *.toml configuration in this directory"),
            "{e}"
        );
    }
}
