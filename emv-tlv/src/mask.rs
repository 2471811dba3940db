//! The masking rule for primary account numbers, shared by every paywire printer.

use core::fmt;

/// Writes PAN digits (ASCII) with all but the first 6 and last 4 replaced by `*` (PCI DSS
/// display rule); PANs of 10 digits or fewer are hidden entirely, since showing 6 + 4 of them
/// would show everything.
pub fn write_masked_pan(
    f: &mut impl fmt::Write,
    digits: impl Iterator<Item = u8> + Clone,
) -> fmt::Result {
    let count = digits.clone().count();
    let show = count > 10;
    for (i, d) in digits.enumerate() {
        let visible = show && (i < 6 || i >= count.saturating_sub(4));
        f.write_char(if visible { char::from(d) } else { '*' })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;

    use super::*;

    #[test]
    fn first_six_last_four() {
        let mut out = String::new();
        write_masked_pan(&mut out, b"4761739001010010".iter().copied()).unwrap();
        assert_eq!(out, "476173******0010");
        out.clear();
        write_masked_pan(&mut out, b"1234567890".iter().copied()).unwrap();
        assert_eq!(out, "**********");
    }
}
