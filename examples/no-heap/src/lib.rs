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

use paywire::emvqr::render::{self, BUFFER_LEN, Ecc, Matrix};
use paywire::emvqr::{PayloadRef, Rules, Severity};
use paywire::iso8583::{FieldIndex, MessageBuilder, MessageRef, Mti};
use paywire::unionpay::signin::{WorkKeys, work_keys};
use paywire::unionpay::spec::CUPS_POS;
use paywire::unionpay::{Key, mac};

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

/// A swiped card's purchase.
pub struct Sale<'a> {
    /// Field 4, in fen.
    pub amount: &'a str,
    /// Field 11.
    pub stan: &'a str,
    /// Field 35 as the `cups-pos` spec holds it (BCD, `D` separator).
    pub track2: &'a str,
    /// Field 52: the PIN block encrypted under the PIK.
    pub pin_block: &'a [u8; 8],
}

/// Writes the 0200 of `sale` into `out` with field 64 = the UnionPay ECB MAC under `mak`.
pub fn purchase<'o>(sale: &Sale<'_>, mak: &Key, out: &'o mut [u8]) -> Result<&'o [u8], Error> {
    // 13 fields and the MAC: a builder for 14 (168 bytes here) instead of one for all 192.
    let mut m = MessageBuilder::<14>::with_capacity(&CUPS_POS, Mti::FINANCIAL_REQUEST);
    m.set_str(3, "000000")?
        .set_str(4, sale.amount)?
        .set_str(11, sale.stan)?
        .set_str(22, "021")?
        .set_str(25, "00")?
        .set_str(26, "06")?
        .set_str(35, sale.track2)?
        .set_str(41, "16688014")?
        .set_str(42, "000000000000001")?
        .set_str(49, "156")?
        .set(52, sale.pin_block)?
        .set_str(53, "2600000000000000")?
        .set_str(60, "22000001")?;
    Ok(m.encode_with_mac(out, |input, field64| {
        let value = mac::field64(&mac::cups_ecb(mak, input));
        for (dst, src) in field64.iter_mut().zip(value) {
            *dst = src;
        }
        Ok(())
    })?)
}

/// Checks an answer's MAC (in constant time) before anything in it is trusted, and returns its
/// response code (field 39). `index` is the caller's: 1.5 KB kept off the stack.
pub fn check_answer(bytes: &[u8], mak: &Key, index: &mut FieldIndex) -> Result<[u8; 2], Error> {
    let m = MessageRef::parse_in(index, &CUPS_POS, bytes)?;
    let expected = mac::field64(&mac::cups_ecb(mak, m.mac_input().unwrap_or_default()));
    let received = m.value(64).and_then(|v| v.as_bytes()).unwrap_or_default();
    mac::verify(&expected, received)?;
    let mut code = [0u8; 2];
    for (dst, src) in code
        .iter_mut()
        .zip(m.value(39).into_iter().flat_map(|v| v.iter()))
    {
        *dst = src;
    }
    Ok(code)
}

/// Validates a merchant code (CRC, EMVCo's rules and its profile's) and computes its QR module
/// matrix in the two caller buffers.
pub fn show_code<'m>(
    text: &str,
    modules: &'m mut [u8; BUFFER_LEN],
    work: &mut [u8; BUFFER_LEN],
) -> Result<Matrix<'m>, Error> {
    let payload = PayloadRef::parse(text)?;
    let mut errors = 0usize;
    payload.validate(Rules::Detect, |issue| {
        if issue.severity == Severity::Error {
            errors = errors.saturating_add(1);
        }
    });
    if errors > 0 {
        return Err(Error::InvalidCode);
    }
    Ok(render::matrix(text, Ecc::Medium, modules, work)?)
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
        let sale = Sale {
            amount: "000000000051",
            stan: "001834",
            track2: "4392260009942820D131210112008439",
            pin_block: &[0xAC, 0xF4, 0x6E, 0x73, 0x83, 0x8A, 0x82, 0xF9],
        };
        let mut out = [0u8; 256];
        let bytes = purchase(&sale, &mak, &mut out).unwrap();
        let mab = include_str!("../../../iso8583/tests/vectors/cups-0200-mab.hex").trim();
        let mut hex = std::string::String::new();
        for b in bytes {
            hex.push_str(&std::format!("{b:02X}"));
        }
        assert_eq!(&hex[..mab.len()], mab);
        assert_eq!(&bytes[bytes.len() - 8..], b"8A9E91B8");
        let mut index = FieldIndex::new();
        assert!(check_answer(bytes, &mak, &mut index).is_ok());
        assert!(check_answer(bytes, &key("C24A8FB57AA20124"), &mut index).is_err());
    }

    // The Pix code of bacen/pix-api#79; version and size follow from ISO/IEC 18004 (17 + 4v).
    #[test]
    fn a_merchant_code_becomes_a_matrix() {
        let pix = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
        let mut modules = [0u8; BUFFER_LEN];
        let mut work = [0u8; BUFFER_LEN];
        let m = show_code(pix, &mut modules, &mut work).unwrap();
        assert_eq!(m.size(), 17 + 4 * usize::from(m.version()));
        let broken = pix.replace("1D3D", "1D3E");
        assert!(show_code(&broken, &mut modules, &mut work).is_err());
    }
}
