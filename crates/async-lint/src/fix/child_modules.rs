//! Which imports the out-of-line child modules of a file (`mod x;`) may still use, so that a
//! fix removes only imports nothing needs: a child reaches its parent's private imports through
//! `use super::*` (then every import counts) or by name through `super::`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The names among `names` that a child module of `parent` may use; `None` when that cannot be
/// told (a child file that cannot be read, a glob import of the parent).
pub fn used_by_children(
    parent: &Path,
    modules: &[String],
    names: &HashSet<String>,
) -> Option<HashSet<String>> {
    let dir = module_dir(parent)?;
    let mut used = HashSet::new();
    for m in modules {
        for text in child_files(&dir, m)? {
            if !text.contains("super::") {
                continue;
            }
            if text.contains("super::*") {
                return None;
            }
            used.extend(names.iter().filter(|n| mentions(&text, n)).cloned());
        }
    }
    Some(used)
}

/// Where the children of `parent` live: its own folder for `lib.rs`, `main.rs`, `mod.rs`,
/// otherwise the folder named after it.
fn module_dir(parent: &Path) -> Option<PathBuf> {
    let folder = parent.parent()?;
    let stem = parent.file_stem()?.to_str()?;
    Some(match stem {
        "lib" | "main" | "mod" => folder.to_path_buf(),
        _ => folder.join(stem),
    })
}

/// The texts of module `name`'s file and of every file below its folder (grandchildren reach
/// the parent through `super::super::`); `None` when the module's file cannot be read.
fn child_files(dir: &Path, name: &str) -> Option<Vec<String>> {
    let flat = dir.join(format!("{name}.rs"));
    let nested = dir.join(name).join("mod.rs");
    let main = std::fs::read_to_string(&flat)
        .or_else(|_| std::fs::read_to_string(&nested))
        .ok()?;
    let mut out = vec![main];
    let mut stack = vec![dir.join(name)];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") && p != nested {
                out.push(std::fs::read_to_string(&p).ok()?);
            }
        }
    }
    Some(out)
}

/// Does `word` occur in `text` as a whole identifier?
fn mentions(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        text[..i].chars().next_back().is_none_or(|c| !ident(c))
            && text[i + word.len()..]
                .chars()
                .next()
                .is_none_or(|c| !ident(c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_that_glob_or_name_the_parent_keep_its_imports() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("src");
        std::fs::create_dir_all(src.join("deep")).expect("mkdir");
        std::fs::write(src.join("plain.rs"), "pub fn f() -> u8 { 1 }\n").expect("write");
        std::fs::write(src.join("named.rs"), "use super::sleep;\n").expect("write");
        std::fs::write(src.join("deep/mod.rs"), "mod inner;\n").expect("write");
        std::fs::write(
            src.join("deep/inner.rs"),
            "use super::super::{\n    fs,\n};\n",
        )
        .expect("write");
        std::fs::write(src.join("globbing.rs"), "use super::*;\n").expect("write");
        let lib = src.join("lib.rs");
        let names: HashSet<String> = ["sleep", "fs"].iter().map(|s| s.to_string()).collect();
        let ask = |mods: &[&str]| {
            let mods: Vec<String> = mods.iter().map(|s| s.to_string()).collect();
            used_by_children(&lib, &mods, &names)
        };
        assert_eq!(ask(&["plain"]), Some(HashSet::new()));
        assert_eq!(ask(&["named"]), Some(HashSet::from(["sleep".to_string()])));
        assert_eq!(ask(&["deep"]), Some(HashSet::from(["fs".to_string()])));
        assert_eq!(ask(&["plain", "globbing"]), None);
        assert_eq!(ask(&["missing"]), None);
    }
}
