//! What `cargo publish` needs and crates.io and docs.rs show, checked on every test run (issue
//! #12, item 1). CI also packages every crate (`cargo package --workspace`, which builds each
//! `.crate` on its own); these tests name the rule a change breaks without that slow step.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The crates meant for users, published to crates.io.
const PUBLISHED: [&str; 6] = [
    "omnidim",
    "omnidim-cli",
    "omnidim-mock",
    "omnidim-proxy",
    "omnidim-spec",
    "omnidim-validator",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `cargo metadata --no-deps` of the workspace (no network, no resolution).
fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn packages(meta: &Value) -> Vec<&Value> {
    meta["packages"].as_array().unwrap().iter().collect()
}

fn dir_of(package: &Value) -> PathBuf {
    Path::new(package["manifest_path"].as_str().unwrap())
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn exactly_the_user_crates_are_publishable() {
    let meta = metadata();
    let mut publishable: Vec<&str> = packages(&meta)
        .into_iter()
        // `publish = false` is `[]` in metadata; `null` means any registry.
        .filter(|p| p["publish"].is_null())
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    publishable.sort_unstable();
    assert_eq!(publishable, PUBLISHED);
}

#[test]
fn published_crates_have_what_crates_io_and_docs_rs_show() {
    let meta = metadata();
    let workspace_msrv = packages(&meta)
        .iter()
        .find(|p| p["name"] == "omnidim")
        .unwrap()["rust_version"]
        .clone();
    for p in packages(&meta)
        .into_iter()
        .filter(|p| PUBLISHED.contains(&p["name"].as_str().unwrap()))
    {
        let name = p["name"].as_str().unwrap();
        let dir = dir_of(p);
        for key in ["description", "license", "repository", "readme"] {
            assert!(
                p[key].as_str().is_some_and(|s| !s.is_empty()),
                "{name}: no {key}"
            );
        }
        assert_eq!(p["license"], "MIT OR Apache-2.0", "{name}");
        assert_eq!(p["rust_version"], workspace_msrv, "{name}");
        let keywords = p["keywords"].as_array().unwrap();
        assert!(
            (1..=5).contains(&keywords.len()),
            "{name}: crates.io takes 1 to 5 keywords"
        );
        for k in keywords {
            let k = k.as_str().unwrap();
            assert!(
                k.len() <= 20 && k.starts_with(|c: char| c.is_ascii_alphabetic()),
                "{name}: keyword {k:?}"
            );
        }
        assert!(
            !p["categories"].as_array().unwrap().is_empty(),
            "{name}: no categories"
        );
        assert!(
            p["metadata"]["docs"]["rs"].is_object(),
            "{name}: no [package.metadata.docs.rs]"
        );
        let readme = dir.join(p["readme"].as_str().unwrap());
        let text = std::fs::read_to_string(&readme)
            .unwrap_or_else(|e| panic!("{name}: {}: {e}", readme.display()));
        assert!(
            text.starts_with(&format!("# {name}\n")),
            "{name}: README title"
        );
        // Both licenses travel in every .crate (cargo stores a linked file's contents).
        for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
            assert_eq!(
                std::fs::read(dir.join(license))
                    .unwrap_or_else(|e| panic!("{name}: {license}: {e}")),
                std::fs::read(root().join(license)).unwrap(),
                "{name}: {license} differs from the workspace's"
            );
        }
    }
}

/// A library's crate root is its README, so what crates.io shows is what docs.rs shows, and
/// the README's examples are doctests.
#[test]
fn library_crate_roots_are_their_readmes() {
    for name in [
        "omnidim",
        "omnidim-mock",
        "omnidim-proxy",
        "omnidim-spec",
        "omnidim-validator",
    ] {
        let lib =
            std::fs::read_to_string(root().join("crates").join(name).join("src/lib.rs")).unwrap();
        let first = lib.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("#![doc = ") && first.contains(r#"include_str!("../README.md")"#),
            "{name}: src/lib.rs starts with {first:?}"
        );
    }
}

/// `rust-version` is a promise no toolchain here can check by building (CI has a newer one).
/// What backs it: clippy's `incompatible_msrv` (denied in the workspace lints: no std item newer
/// than the claim), and this test: no package in the lock file declares a newer `rust-version`.
#[test]
fn no_dependency_needs_a_newer_rust_than_we_claim() {
    let version = |s: &str| -> Vec<u64> {
        let mut v: Vec<u64> = s.split('.').map(|p| p.parse().unwrap()).collect();
        v.resize(3, 0);
        v
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours = packages(&meta)
        .iter()
        .find(|p| p["name"] == "omnidim")
        .unwrap()["rust_version"]
        .as_str()
        .unwrap()
        .to_string();
    let newer: Vec<String> = packages(&meta)
        .into_iter()
        .filter_map(|p| {
            let theirs = p["rust_version"].as_str()?;
            (version(theirs) > version(&ours))
                .then(|| format!("{} {} needs {theirs}", p["name"], p["version"]))
        })
        .collect();
    assert!(newer.is_empty(), "we claim {ours}, but {newer:?}");
    assert!(packages(&meta).len() > 100, "the dependencies are listed");
}

/// CHANGELOG.md has a section for the version in Cargo.toml, and every release section starts
/// with the bump it implies (spec-diff's first line in `--format changelog`).
#[test]
fn the_changelog_has_the_current_version_and_every_release_its_bump() {
    let meta = metadata();
    let version = packages(&meta)
        .iter()
        .find(|p| p["name"] == "omnidim")
        .unwrap()["version"]
        .as_str()
        .unwrap()
        .to_string();
    let text = std::fs::read_to_string(root().join("CHANGELOG.md")).unwrap();
    let sections: Vec<&str> = text.split("\n## ").skip(1).collect();
    let release = |s: &&&str| s.starts_with(|c: char| c.is_ascii_digit());
    assert!(
        sections
            .iter()
            .filter(release)
            .any(|s| s.lines().next() == Some(version.as_str())),
        "CHANGELOG.md has no `## {version}` section"
    );
    for s in sections.iter().filter(release) {
        let heading = s.lines().next().unwrap_or_default();
        let bump = s.lines().find(|l| !l.trim().is_empty() && *l != heading);
        assert!(
            bump.is_some_and(|l| l.starts_with("Bump: ")),
            "CHANGELOG.md `## {heading}` does not start with `Bump: ...`"
        );
    }
}

/// crates.io has no path dependencies: a dependency on a sibling needs a version, the sibling's.
#[test]
fn sibling_dependencies_carry_the_siblings_version() {
    let meta = metadata();
    let versions: Vec<(String, String)> = packages(&meta)
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["version"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for p in packages(&meta)
        .into_iter()
        .filter(|p| PUBLISHED.contains(&p["name"].as_str().unwrap()))
    {
        for dep in p["dependencies"].as_array().unwrap() {
            if dep["path"].is_null() {
                continue;
            }
            let dep_name = dep["name"].as_str().unwrap();
            let (_, version) = versions
                .iter()
                .find(|(n, _)| n == dep_name)
                .unwrap_or_else(|| panic!("{dep_name} is not a workspace member"));
            assert_eq!(
                dep["req"].as_str().unwrap(),
                format!("^{version}"),
                "{}: dependency {dep_name} ({}) needs version = \"{version}\"",
                p["name"],
                dep["kind"]
            );
        }
    }
}

/// The spec lives at the top of the repository (`openapi/omnidim.yaml`, the file every tool and
/// branch edits) and inside the crate that embeds it (`crates/omnidim-spec/openapi/`), because a
/// published crate can only hold files from its own directory. The second is a symbolic link to
/// the first: one file to edit, and `cargo package` stores its contents. A checkout without
/// symbolic links (git on Windows with `core.symlinks=false`) would embed the link's text.
#[test]
fn the_embedded_spec_is_the_workspace_spec() {
    let top = std::fs::read_to_string(root().join("openapi/omnidim.yaml")).unwrap();
    assert!(
        omnidim_spec::EMBEDDED_YAML == top,
        "crates/omnidim-spec/openapi/omnidim.yaml is not openapi/omnidim.yaml: restore the \
         symbolic link (ln -sf ../../../openapi/omnidim.yaml crates/omnidim-spec/openapi/)"
    );
    #[cfg(unix)]
    {
        let link = root().join("crates/omnidim-spec/openapi/omnidim.yaml");
        assert_eq!(
            std::fs::read_link(&link).unwrap(),
            Path::new("../../../openapi/omnidim.yaml")
        );
    }
}
