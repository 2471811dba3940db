//! The terminal's identity, which every request carries.

/// The terminal's identity and current batch.
#[derive(Clone, Copy, Debug)]
pub struct Terminal<'a> {
    /// Field 41, 8 characters.
    pub terminal_id: &'a str,
    /// Field 42, 15 characters.
    pub merchant_id: &'a str,
    /// 60.2, 6 digits.
    pub batch: &'a str,
}
