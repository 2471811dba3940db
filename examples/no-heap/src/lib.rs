//! A terminal's card and QR work with no allocator, as a firmware links it: working keys out of a
//! sign-in's field 62, a 0200 with PIN block and MAC written into a caller's buffer, an answer's
//! MAC checked with the field index in caller storage, and a merchant code validated and turned
//! into a QR module matrix. `#![no_std]`, no `alloc`: CI builds it for `thumbv7em-none-eabihf`
//! (`cargo build -p paywire-example-no-heap --target thumbv7em-none-eabihf`) and runs its tests
//! on the host, where the 0200 is the published one of
//! <https://blog.youkuaiyun.com/zhu244912654/article/details/80005341> with its MAC `8A9E91B8`.
//!
//! It depends on the facade alone:
//! `paywire = { default-features = false, features = ["iso8583", "emvqr", "unionpay", "render"] }`.
#![no_std]
#![forbid(unsafe_code)]

use paywire::emvqr::render::{self, Ecc, Matrix};
use paywire::emvqr::{PayloadRef, Severity};
pub use paywire::emvqr::{Profile, Rules};
use paywire::iso8583::{FieldIndex, MessageRef};
use paywire::unionpay::Key;
use paywire::unionpay::signin::{WorkKeys, work_keys};
use paywire::unionpay::spec::CUPS_POS;
use paywire::unionpay::txn::{
    self, Entry, KeyScheme, Pin, Purchase, ResponseCode, Reversible, Terminal,
};

/// What can go wrong, by the layer it comes from.
#[derive(Debug)]
pub enum Error {
    /// Building or parsing the message.
    Iso8583(paywire::iso8583::Error),
    /// Keys, MACs.
    Unionpay(paywire::unionpay::Error),
    /// The merchant code.
    Emvqr(paywire::emvqr::Error),
    /// The merchant code breaks an error-level rule.
    InvalidCode,
}

impl From<paywire::iso8583::Error> for Error {
    fn from(e: paywire::iso8583::Error) -> Self {
        Self::Iso8583(e)
    }
}

impl From<paywire::unionpay::Error> for Error {
    fn from(e: paywire::unionpay::Error) -> Self {
        Self::Unionpay(e)
    }
}

impl From<paywire::cardsec::Error> for Error {
    /// A key refused by the security crate, as UnionPay's error names it.
    fn from(e: paywire::cardsec::Error) -> Self {
        Self::Unionpay(e.into())
    }
}

impl From<paywire::emvqr::Error> for Error {
    fn from(e: paywire::emvqr::Error) -> Self {
        Self::Emvqr(e)
    }
}

/// The working keys of a sign-in answer's field 62 (double-length scheme `003`), each check
/// value verified. (Returned as `work_keys` makes them: converting the error here would copy
/// the 1.3 KB of keys into another result on the way.)
pub fn sign_in_keys(tmk: &Key, field62: &[u8]) -> Result<WorkKeys, paywire::unionpay::Error> {
    work_keys(tmk, field62, b"003")
}

/// The terminal (fields 41, 42 and the batch of 60.2).
pub const TERMINAL: Terminal<'static> = Terminal {
    terminal_id: "16688014",
    merchant_id: "000000000000001",
    batch: "000001",
};

/// A swiped card's purchase with its PIN (track 2 with `=` or `D`; the PIN block encrypted
/// under the PIK).
pub fn swiped_sale<'a>(
    amount: u64,
    stan: &'a str,
    track2: &'a str,
    pin_block: &'a [u8; 8],
) -> Purchase<'a> {
    Purchase {
        amount,
        stan,
        currency: "156",
        entry: Entry::Card {
            pan: None,
            track2: Some(track2),
            sequence: None,
            icc: None,
            entry_mode: "021",
        },
        pin: Some(Pin {
            block: pin_block,
            capture_code: "06",
            security: "2600000000000000",
        }),
        condition: "00",
        f60_tail: "",
    }
}

/// The sign-in request (`0800`, double-length keys, operator `CUP`) written into `out`: the
/// terminal's first message of the day; its answer's field 62 gives [`sign_in_keys`].
pub fn sign_in_request<'o>(
    terminal: &Terminal<'_>,
    stan: &str,
    time_date: Option<(&str, &str)>,
    out: &'o mut [u8],
) -> Result<&'o [u8], Error> {
    Ok(txn::sign_in_to_slice(
        terminal,
        stan,
        KeyScheme::Double,
        "CUP",
        time_date,
        out,
    )?)
}

/// The `0200` of `sale` written into `out` with field 64 = the UnionPay ECB MAC under `mak`
/// (paywire-unionpay's no-heap builder: 21 fields at most, its values made in a scratch of
/// about 150 bytes).
pub fn purchase<'o>(sale: &Purchase<'_>, mak: &Key, out: &'o mut [u8]) -> Result<&'o [u8], Error> {
    Ok(txn::purchase_to_slice(&TERMINAL, sale, mak, out)?)
}

/// The reversal (`0400`, reason `98`: no answer in time) of `sale`, written into `out` with its
/// MAC: what the terminal sends when the purchase's answer does not come.
pub fn reversal<'o>(sale: &Purchase<'_>, mak: &Key, out: &'o mut [u8]) -> Result<&'o [u8], Error> {
    Ok(txn::reversal_to_slice(
        &TERMINAL,
        Reversible::Purchase(sale),
        "98",
        mak,
        out,
    )?)
}

/// The field index of a `cups-pos` message: its fields end at 64 (the MAC), so 65 slots (520
/// bytes; 325 with the facade's `compact-index` feature) hold any of them; a message with a
/// higher field is refused.
pub type Index = FieldIndex<65>;

/// Checks an answer's MAC (in constant time) before anything in it is trusted, and returns its
/// response code (field 39). `index` is the caller's, kept off the stack.
pub fn check_answer(bytes: &[u8], mak: &Key, index: &mut Index) -> Result<[u8; 2], Error> {
    let m = MessageRef::parse_in(index, &CUPS_POS, bytes)?;
    txn::verify_mac(&m, mak)?;
    Ok(ResponseCode::of(&m).map_or([0; 2], |code| code.0))
}

/// The largest QR version the terminal shows: 512 bytes at level M take version 18, and EMVCo
/// MPM (4.1) keeps a payload within 512 characters.
pub const MAX_VERSION: u8 = 18;

/// Bytes of each of the two QR buffers for [`MAX_VERSION`] (992, not version 40's 3,918).
pub const QR_BUFFER_LEN: usize = render::buffer_len(MAX_VERSION);

/// Validates a merchant code (CRC, EMVCo's rules and those of `rules`: a terminal that shows
/// one scheme's codes names its profile, `Rules::Profile(Profile::Pix)`, and links that
/// profile's rules only; `Rules::Detect` links every profile's) and computes its QR module
/// matrix in the two caller buffers (of [`QR_BUFFER_LEN`] bytes for any code the terminal
/// shows; any length works, up to the version it holds).
pub fn show_code<'m>(
    text: &str,
    rules: Rules,
    modules: &'m mut [u8],
    work: &mut [u8],
) -> Result<Matrix<'m>, Error> {
    let payload = PayloadRef::parse(text)?;
    let mut errors = 0usize;
    payload.validate(rules, |issue| {
        if issue.severity == Severity::Error {
            errors = errors.saturating_add(1);
        }
    });
    if errors > 0 {
        return Err(Error::InvalidCode);
    }
    Ok(render::matrix_in(text, Ecc::Medium, modules, work)?)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        reason = "tests"
    )]
    extern crate std;

    use super::*;

    fn key(hex: &str) -> Key {
        let mut bytes = [0u8; 16];
        let n = hex.len() / 2;
        for (i, b) in bytes.iter_mut().take(n).enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
        }
        Key::des_or_tdes(&bytes[..n]).unwrap()
    }

    // blog.youkuaiyun.com/zhu244912654/article/details/80005341: the 0200 with its PIN block,
    // MAC block and MAC 8A9E91B8 under the working key C24A8FB57AA20123.
    #[test]
    fn the_published_purchase_and_its_mac() {
        let mak = key("C24A8FB57AA20123");
        let mut out = [0u8; 256];
        let pin_block = [0xAC, 0xF4, 0x6E, 0x73, 0x83, 0x8A, 0x82, 0xF9];
        let sale = swiped_sale(51, "001834", "4392260009942820=131210112008439", &pin_block);
        let bytes = purchase(&sale, &mak, &mut out).unwrap();
        let mab = include_str!("../../../iso8583/tests/vectors/cups-0200-mab.hex").trim();
        let mut hex = std::string::String::new();
        for b in bytes {
            hex.push_str(&std::format!("{b:02X}"));
        }
        assert_eq!(&hex[..mab.len()], mab);
        assert_eq!(&bytes[bytes.len() - 8..], b"8A9E91B8");
        let mut index = Index::empty();
        assert!(check_answer(bytes, &mak, &mut index).is_ok());
        assert!(check_answer(bytes, &key("C24A8FB57AA20124"), &mut index).is_err());
    }

    // The Pix code of bacen/pix-api#79; version and size follow from ISO/IEC 18004 (17 + 4v).
    #[test]
    fn a_merchant_code_becomes_a_matrix() {
        let pix = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
        let mut modules = [0u8; QR_BUFFER_LEN];
        let mut work = [0u8; QR_BUFFER_LEN];
        let m = show_code(pix, Rules::Detect, &mut modules, &mut work).unwrap();
        assert_eq!(m.size(), 17 + 4 * usize::from(m.version()));
        let broken = pix.replace("1D3D", "1D3E");
        assert!(
            show_code(
                &broken,
                Rules::Profile(Profile::Pix),
                &mut modules,
                &mut work
            )
            .is_err()
        );
    }
}
