//! The two values a request needs from outside (`std`): the time and a nonce. The library
//! itself never calls these; they are for callers who have an OS.

use alloc::string::String;

use crate::error::{Error, ErrorKind, Result};

/// The current Unix time in seconds, decimal (for `timestamp` and `now`).
pub fn timestamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    alloc::format!("{secs}")
}

/// 32 upper-case hex characters from the operating system's random source.
pub fn nonce() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| Error::new(ErrorKind::Randomness))?;
    Ok(hex::encode_upper(bytes))
}

/// The operating system's random source, for [`super::encrypt_field`] and
/// [`super::decrypt_field`].
pub fn os_rng() -> getrandom::SysRng {
    getrandom::SysRng
}
