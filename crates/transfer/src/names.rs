//! Safe names for files saved outside the blob store. A document's name
//! comes from the server, so it is hostile until proven otherwise: path
//! separators, `..`, Windows device names (`CON.pdf`), trailing dots,
//! bidi overrides that disguise `invoice\u{202E}fdp.exe` as `invoice.pdf`,
//! zero-width characters and 300-byte names. Windows rules are applied on
//! every OS (a file saved on Linux may be synced to Windows later), the
//! result always lands inside the chosen directory, and an existing file,
//! even one differing only in letter case, is never overwritten.

use std::fs::OpenOptions;
use std::io;
use std::path::{Path, PathBuf};

/// Longest file name, in bytes, most file systems accept.
const MAX_BYTES: usize = 255;

/// Characters that reorder or hide text (RFC 6266 section 4.3's concern, and
/// Unicode's bidi controls and zero-width marks).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}' | '\u{00AD}')
}

const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A safe file name for `raw`: one path component, no hidden or reserved
/// name, at most 255 bytes with the extension kept.
pub fn safe_name(raw: &str) -> String {
    let visible: String = raw.chars().filter(|c| !is_invisible(*c)).collect();
    // Only the last component of anything path-like.
    let last = visible
        .rsplit(['/', '\\'])
        .find(|s| !s.trim().is_empty())
        .unwrap_or("");
    // sanitize-filename would replace a device name (`CON.pdf`) wholesale;
    // a prefix keeps the rest of the name.
    let last = last
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    let stem = last
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end()
        .to_ascii_lowercase();
    let last = if RESERVED.contains(&stem.as_str()) {
        format!("_{last}")
    } else {
        last.to_owned()
    };
    let cleaned = sanitize_filename::sanitize_with_options(
        &last,
        sanitize_filename::Options {
            windows: true,
            truncate: false,
            replacement: "_",
        },
    );
    // No hidden files and no names made only of dots; no trailing dots or spaces.
    let mut name = cleaned
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' '])
        .to_owned();
    if name.is_empty() || name.chars().all(|c| c == '_') {
        name = format!("download{}", if name.is_empty() { "" } else { "_" });
    }
    truncate(&name, MAX_BYTES)
}

/// `stem` cut to at most `max` bytes at a character boundary, then `suffix`.
fn fit(stem: &str, max: usize, suffix: &str) -> String {
    let mut cut = stem.len().min(max.saturating_sub(suffix.len()));
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{suffix}", &stem[..cut])
}

/// Splits off a short extension (".pdf"), if there is one.
fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 && name.len() - i <= 16 => name.split_at(i),
        _ => (name, ""),
    }
}

/// Cuts `name` to `max` bytes, keeping a short extension.
fn truncate(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let (stem, ext) = split_ext(name);
    fit(stem, max, ext)
}

/// `name`, or `name (2)`, `name (3)`… keeping the extension, within 255 bytes.
fn numbered(name: &str, n: usize) -> String {
    if n == 1 {
        return name.to_owned();
    }
    let (stem, ext) = split_ext(name);
    fit(stem, MAX_BYTES, &format!(" ({n}){ext}"))
}

/// Saves a document into `dir` under a safe version of `raw_name`, never
/// replacing an existing file (compared case-insensitively, as on macOS and
/// Windows). Returns the path written. `write` creates the bytes under a
/// temporary name, which is then linked into place, so a crash leaves no
/// half-written document under the real name.
pub fn save_copy(
    dir: &Path,
    raw_name: &str,
    write: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<PathBuf> {
    let dir = dir.canonicalize()?;
    let base = safe_name(raw_name);
    let tmp = dir.join(format!(".casefile-partial-{:016x}", fastrand::u64(..)));
    if let Err(e) = write(&tmp) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    let taken: std::collections::HashSet<String> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_lowercase())
        .collect();
    let result = (1..10_000)
        .map(|n| numbered(&base, n))
        .filter(|candidate| !taken.contains(&candidate.to_lowercase()))
        .find_map(|candidate| {
            let target = dir.join(&candidate);
            // Belt and braces: the name is one component, so this holds.
            if target.parent() != Some(dir.as_path()) {
                return None;
            }
            // hard_link fails if the name exists: no overwrite, even in a race.
            match std::fs::hard_link(&tmp, &target) {
                Ok(()) => Some(Ok(target)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => None,
                Err(_) => Some(copy_new(&tmp, &target)),
            }
        })
        .unwrap_or_else(|| Err(io::Error::other("no free file name")));
    let _ = std::fs::remove_file(&tmp);
    result
}

/// Where hard links are not possible: a create-new copy (still no overwrite).
fn copy_new(from: &Path, to: &Path) -> io::Result<PathBuf> {
    let mut out = OpenOptions::new().write(true).create_new(true).open(to)?;
    let mut input = std::fs::File::open(from)?;
    io::copy(&mut input, &mut out)?;
    out.sync_all()?;
    Ok(to.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_become_single_safe_components() {
        for (raw, want) in [
            ("../../.bashrc", "bashrc"),
            ("/etc/passwd", "passwd"),
            ("C:\\Windows\\x", "x"),
            ("CON.pdf", "_CON.pdf"),
            ("a.pdf.", "a.pdf"),
            ("invoice\u{202E}fdp.exe", "invoicefdp.exe"),
            ("zero\u{200B}width.pdf", "zerowidth.pdf"),
            ("..", "download"),
            ("Motion: to <dismiss>?.pdf", "Motion_ to _dismiss__.pdf"),
        ] {
            assert_eq!(safe_name(raw), want, "{raw:?}");
        }
        let long = format!("{}.pdf", "é".repeat(150));
        let safe = safe_name(&long);
        assert!(safe.len() <= 255 && safe.ends_with(".pdf"), "{safe}");
    }
}
