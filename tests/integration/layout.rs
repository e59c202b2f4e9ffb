//! The README's Layout table is the tree: every module of `src/` has its row, every row names
//! a module that exists, and every `crate::` import of a module is one its row allows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The table's rows: module name to the modules it may import.
fn table() -> BTreeMap<String, BTreeSet<String>> {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("\n## Layout\n")
        .nth(1)
        .expect("the README has a Layout section");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .skip_while(|l| !l.starts_with("| module |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|row| {
            let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 3, "a row has module, owns, may import: {row}");
            let module = cells[0].trim_matches('`').to_string();
            let may = cells[2]
                .split(',')
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(String::from)
                .collect();
            (module, may)
        })
        .collect()
}

/// Every Rust file of a module: `src/NAME.rs`, or everything under `src/NAME/`.
fn files(src: &Path, module: &str) -> Vec<std::path::PathBuf> {
    let file = src.join(format!("{module}.rs"));
    if file.is_file() {
        return vec![file];
    }
    let mut out = Vec::new();
    let mut dirs = vec![src.join(module)];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out
}

/// The top-level modules a file names as `crate::NAME`, comments aside.
fn imports(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for (i, _) in line.match_indices("crate::") {
            let rest = &line[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            assert!(
                !rest.starts_with('{'),
                "group the imports by module, not crate::{{...}}: {line}"
            );
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

#[test]
fn the_layout_table_matches_the_tree_and_its_imports() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rows = table();
    let modules: BTreeSet<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_string();
            (p.is_dir() || p.extension().is_some_and(|x| x == "rs")).then_some(name)
        })
        .filter(|n| n != "lib" && n != "main")
        .collect();
    let listed: BTreeSet<String> = rows.keys().cloned().collect();
    assert_eq!(
        modules.difference(&listed).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "modules of src/ missing from the README's Layout table"
    );
    assert_eq!(
        listed.difference(&modules).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "rows of the README's Layout table with no module in src/"
    );
    let mut wrong = Vec::new();
    for (module, may) in &rows {
        for f in files(&src, module) {
            let text = std::fs::read_to_string(&f).unwrap();
            for m in imports(&text) {
                if &m != module && !may.contains(&m) {
                    wrong.push(format!(
                        "{} imports crate::{m}, not in the row of {module}",
                        f.strip_prefix(&src).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn an_import_outside_the_row_is_found() {
    let text = "use crate::wire::Attempt;\n// crate::cli in a comment is no import\nlet x = crate::report::human(&r);";
    let found: Vec<String> = imports(text).into_iter().collect();
    assert_eq!(found, ["report", "wire"]);
}

/// The features of every dependency as `cargo tree` resolves them for `edges`, for this
/// package alone or for the whole workspace (the examples too), on this machine's platform:
/// the one the tests and the packages are built for here (`--target all` would need every
/// other platform's crates downloaded, which `--offline` on a fresh machine has not).
fn features(edges: &str, packages: &str) -> BTreeMap<String, BTreeSet<String>> {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "tree",
            packages,
            "--locked",
            "--offline",
            "--prefix",
            "none",
            "-e",
            edges,
            "-f",
            "{p}|{f}",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // A workspace's trees are separated by blank lines.
    for line in String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
    {
        let (package, features) = line.trim_end_matches(" (*)").split_once('|').unwrap();
        let name = package.split(" (").next().unwrap().to_string();
        map.entry(name).or_default().extend(
            features
                .split(',')
                .filter(|f| !f.is_empty())
                .map(String::from),
        );
    }
    map
}

/// The packages are built (`cargo build -p suno-mock`, through maturin) and the doctests run
/// from the tests' own build of the whole workspace: that works only while neither the
/// dev-dependencies nor the example crates turn on a feature of a shared crate that the
/// dependencies do not ask for too (Cargo.toml says which it asks for, and why). One feature
/// more low in the graph (hashbrown's, through rusqlite) rebuilt indexmap and everything above
/// it, this crate included: 45 s of CI.
#[test]
fn one_feature_set_for_the_build_and_the_tests() {
    let normal = features("normal,build", "--package=suno-mock");
    let with_dev = features("normal,build,dev", "--workspace");
    let gaps: Vec<String> = normal
        .iter()
        .filter_map(|(package, f)| {
            let more: Vec<&String> = with_dev.get(package)?.difference(f).collect();
            (!more.is_empty()).then(|| format!("{package}: {more:?}"))
        })
        .collect();
    assert!(
        gaps.is_empty(),
        "the tests or the examples turn on features the build does not; ask for them in [dependencies]:\n{}",
        gaps.join("\n")
    );
}

/// Issue 31: the crate published to crates.io holds what builds the library and the binary
/// (sources, the compiled-in scenarios and media, the README, the licences), nothing else.
#[test]
fn the_published_crate_holds_only_what_builds_it() {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "package",
            "--list",
            "--allow-dirty",
            "--offline",
            "--locked",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let top = [
        ".cargo_vcs_info.json",
        "Cargo.lock",
        "Cargo.toml",
        "Cargo.toml.orig",
        "LICENSE-APACHE",
        "LICENSE-MIT",
        "README.md",
    ];
    let stray: Vec<&String> = files
        .iter()
        .filter(|f| {
            !(top.contains(&f.as_str())
                || (f.starts_with("src/") && f.ends_with(".rs"))
                || f.starts_with("scenarios/contract/")
                || f.starts_with("assets/sample."))
        })
        .collect();
    assert!(stray.is_empty(), "not part of the crate: {stray:?}");
    for needed in [
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "README.md",
        "src/lib.rs",
        "assets/sample.mp4",
    ] {
        assert!(files.iter().any(|f| f == needed), "{needed} missing");
    }
}
