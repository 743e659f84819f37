//! The `suspend` (Kotlin) and `async` (Swift) face of the library: `AsyncSession` and
//! `AsyncSfa`, with every method of `Session` and `Sfa` that answers a value (not a
//! handle such as a `Session` or an `Observation`), under the same name and arguments,
//! running the blocking call on the platform's threads for blocking work (Kotlin's
//! `Dispatchers.IO` unless the app gives a dispatcher, a global dispatch queue in
//! Swift). Written from the library's uniffi metadata, so it follows the exported calls
//! with nothing kept by hand; in the foreign language, so the library carries no future
//! per call (uniffi's async exports cost 0.55 MB of it: BENCHMARKS.md, "Mobile library
//! size").

mod kotlin;
mod swift;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use camino::Utf8Path;
use heck::ToUpperCamelCase;
use uniffi_bindgen::EmptyCrateConfigSupplier;
use uniffi_bindgen::interface::{ComponentInterface, Method, Type};

/// The crate whose objects get the face.
const CRATE: &str = "sfa_ffi";

/// A blocking object and its async twin.
pub(crate) struct Face<'a> {
    /// The object's name (`Session`).
    pub blocking: &'a str,
    /// The twin's name (`AsyncSession`).
    pub name: &'static str,
    /// What the twin is, for its doc comment.
    pub doc: &'static str,
    pub methods: Vec<&'a Method>,
}

const FACES: [(&str, &str, &str); 2] = [
    (
        "Session",
        "AsyncSession",
        "Every call of a session that answers a value, as a function that suspends its \
         caller while the call runs on a thread for blocking work, so a UI thread never \
         waits on the database. A call that has started runs to its end even if its caller \
         is cancelled (a write is committed whole or not at all).",
    ),
    (
        "Sfa",
        "AsyncSfa",
        "The calls of an open database that answer a value (index rebuild and catch-up, \
         key change, the stored records check, sync), as functions that suspend their \
         caller while the call runs on a thread for blocking work.",
    ),
];

/// A `generate --library LIB --language kotlin|swift --out-dir DIR` command line.
#[derive(Debug, PartialEq)]
pub struct Request {
    library: PathBuf,
    languages: Vec<String>,
    out_dir: PathBuf,
}

impl Request {
    /// The request in uniffi's command line, or `None` when it asks for something else
    /// (help, a UDL file, another command).
    pub fn from_args(args: &[String]) -> Option<Request> {
        if args.first().map(String::as_str) != Some("generate") {
            return None;
        }
        let (mut library, mut languages, mut out_dir) = (None, Vec::new(), None);
        let mut rest = args[1..].iter();
        while let Some(arg) = rest.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag, Some(value.to_string())),
                None => (arg.as_str(), None),
            };
            let mut value = || inline.clone().or_else(|| rest.next().cloned());
            match flag {
                "--library" => library = value(),
                "--language" | "-l" => languages.extend(value()),
                "--out-dir" | "-o" => out_dir = value(),
                _ => {}
            }
        }
        Some(Request {
            library: library?.into(),
            languages,
            out_dir: out_dir?.into(),
        })
    }
}

/// Writes the face for each requested language that has one, beside uniffi's files.
pub fn write(request: &Request) -> Result<()> {
    let library = Utf8Path::from_path(&request.library).context("the library path is not UTF-8")?;
    let cis = uniffi_bindgen::library_mode::find_cis(library, &EmptyCrateConfigSupplier)?;
    let Some(ci) = cis.iter().find(|ci| ci.crate_name() == CRATE) else {
        bail!(
            "{} has no uniffi component {CRATE}",
            request.library.display()
        );
    };
    let faces = faces(ci)?;
    for language in &request.languages {
        match language.as_str() {
            "kotlin" => {
                let dir = kotlin_dir(&request.out_dir)?;
                let package = kotlin_package(&dir)?;
                fs::write(dir.join("AsyncCalls.kt"), kotlin::render(&package, &faces)?)?;
            }
            "swift" => fs::write(
                request.out_dir.join("AsyncCalls.swift"),
                swift::render(&faces)?,
            )?,
            _ => {}
        }
    }
    Ok(())
}

/// The faces of the component, each with its object's methods that answer a value.
fn faces(ci: &ComponentInterface) -> Result<Vec<Face<'_>>> {
    FACES
        .iter()
        .map(|&(blocking, name, doc)| {
            let object = ci
                .get_object_definition(blocking)
                .with_context(|| format!("no object {blocking} in {CRATE}"))?;
            let methods: Vec<&Method> = object
                .methods()
                .into_iter()
                .filter(|method| !matches!(method.return_type(), Some(Type::Object { .. })))
                .filter(|method| !method.is_async())
                .collect();
            // A default would have to be written in each language as uniffi writes it.
            if let Some(method) = methods.iter().find(|method| {
                method
                    .arguments()
                    .iter()
                    .any(|arg| arg.default_value().is_some())
            }) {
                bail!(
                    "{blocking}.{} has a default argument, which the async face cannot write",
                    method.name()
                );
            }
            Ok(Face {
                blocking: object.name(),
                name,
                doc,
                methods,
            })
        })
        .collect()
}

/// The folder uniffi wrote the Kotlin bindings into (`OUT/jp/sfa`).
fn kotlin_dir(out_dir: &Path) -> Result<PathBuf> {
    let mut pending = vec![out_dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .file_name()
                .is_some_and(|n| n == format!("{CRATE}.kt").as_str())
            {
                return Ok(dir);
            }
        }
    }
    bail!("uniffi wrote no {CRATE}.kt under {}", out_dir.display())
}

/// The package of the Kotlin bindings (`package_name` in uniffi.toml).
fn kotlin_package(dir: &Path) -> Result<String> {
    let text = fs::read_to_string(dir.join(format!("{CRATE}.kt")))?;
    text.lines()
        .find_map(|line| line.strip_prefix("package "))
        .map(|package| package.trim().trim_end_matches(';').to_string())
        .context("the Kotlin bindings name no package")
}

/// How a language writes uniffi's types, as its bindings do: a name for each builtin
/// type, the record, enum, object and custom types by their names, and the compound
/// types around their parts.
pub(crate) struct Spelling {
    pub builtins: &'static [(Type, &'static str)],
    pub optional: fn(String) -> String,
    pub sequence: fn(String) -> String,
    pub set: fn(String) -> String,
    pub map: fn(String, String) -> String,
}

impl Spelling {
    pub(crate) fn name(&self, ty: &Type) -> Result<String> {
        Ok(match ty {
            Type::Object { name, .. }
            | Type::Record { name, .. }
            | Type::Enum { name, .. }
            | Type::CallbackInterface { name, .. }
            | Type::Custom { name, .. } => name.to_upper_camel_case(),
            Type::Box { inner_type } => self.name(inner_type)?,
            Type::Optional { inner_type } => (self.optional)(self.name(inner_type)?),
            Type::Sequence { inner_type } => (self.sequence)(self.name(inner_type)?),
            Type::Set { inner_type } => (self.set)(self.name(inner_type)?),
            Type::Map {
                key_type,
                value_type,
            } => (self.map)(self.name(key_type)?, self.name(value_type)?),
            builtin => match self.builtins.iter().find(|(known, _)| known == builtin) {
                Some((_, name)) => name.to_string(),
                None => bail!("the async face has no name for the type {builtin:?}"),
            },
        })
    }
}

/// A doc comment's lines, each with `prefix` (` * ` or `/// `), at `indent` spaces.
pub(crate) fn doc_lines(doc: &str, indent: usize, prefix: &str) -> String {
    let pad = " ".repeat(indent);
    doc.lines()
        .map(|line| format!("{pad}{prefix}{line}").trim_end().to_string() + "\n")
        .collect()
}

/// Wraps `text` at `width` columns (for the faces' own doc comments).
pub(crate) fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn reads_the_library_generation_command_lines_the_scripts_use() {
        let request = Request::from_args(&args(
            "generate --library target/debug/libsfa_ffi.so --language kotlin --out-dir out --no-format",
        ));
        assert_eq!(
            request,
            Some(Request {
                library: "target/debug/libsfa_ffi.so".into(),
                languages: vec!["kotlin".into()],
                out_dir: "out".into(),
            })
        );
        let inline = Request::from_args(&args("generate --library=lib.so -l swift -o=out"));
        assert_eq!(inline.map(|r| r.languages), Some(vec!["swift".to_string()]));
    }

    #[test]
    fn leaves_other_commands_to_uniffi_alone() {
        assert_eq!(Request::from_args(&args("--help")), None);
        assert_eq!(
            Request::from_args(&args(
                "generate src/sfa.udl --language kotlin --out-dir out"
            )),
            None
        );
    }

    #[test]
    fn wraps_doc_text_at_the_width() {
        assert_eq!(wrap("one two three four", 9), "one two\nthree\nfour");
        assert_eq!(
            doc_lines("a\n\nb", 4, " * "),
            "     * a\n     *\n     * b\n"
        );
    }
}
