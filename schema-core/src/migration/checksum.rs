//! Checksums of applied migrations.

use sha2::{Digest, Sha256};

/// The normalised form of a section that [`checksum`] hashes: LF line ends,
/// trailing whitespace stripped from each line, leading and trailing blank
/// lines dropped, lines joined with `\n` (no final newline).
pub fn normalize_section(sql: &str) -> String {
    // CRLF and a lone CR (old Mac line end) both count as one line end.
    let unified = sql.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = unified.split('\n').map(str::trim_end).collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    match (first, last) {
        (Some(first), Some(last)) => lines[first..=last].join("\n"),
        _ => String::new(),
    }
}

/// Hex SHA-256 of the normalised up section (see [`normalize_section`]), so
/// CRLF vs LF, trailing spaces and surrounding blank lines do not change it.
pub fn checksum(up: &str) -> String {
    let digest = Sha256::digest(normalize_section(up).as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digest() {
        // sha256("") and sha256("abc") from FIPS 180-2.
        assert_eq!(
            checksum(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            checksum("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn cosmetic_changes_keep_the_checksum() {
        let lf = "CREATE TABLE t (id INT);\nDROP TABLE x;";
        let crlf = "\r\n\r\nCREATE TABLE t (id INT);  \r\nDROP TABLE x;\t\r\n\r\n";
        assert_eq!(checksum(lf), checksum(crlf));
        assert_eq!(normalize_section(crlf), lf);
    }

    #[test]
    fn real_changes_change_the_checksum() {
        assert_ne!(checksum("SELECT 1;"), checksum("SELECT 2;"));
        // Leading indentation is content.
        assert_ne!(checksum("SELECT 1;"), checksum("  SELECT 1;"));
        // Interior blank lines are content.
        assert_ne!(checksum("a;\nb;"), checksum("a;\n\nb;"));
    }
}
