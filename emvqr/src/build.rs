//! Typed builders for Pix, PromptPay and VietQR. Each checks its inputs by validating the
//! finished payload under its profile: a value that is too long or malformed is an error, never
//! cut or transliterated.
//!
//! Without an allocator each writes into a caller's buffer (`pix_to_slice`, …; a payload is at
//! most 512 characters by EMVCo MPM 4.1, so a 512-byte buffer holds any a profile accepts); with
//! `alloc` the `String` versions are wrappers over them.

#[cfg(feature = "alloc")]
use alloc::string::String;

use crate::error::{Error, ErrorKind, Result};
use crate::findings::Severity;
use crate::mpm::PayloadRef;
use crate::path::Path;
use crate::profile::Profile;
use crate::validate::Rules;
use crate::writer::{MpmBuilder, build_to_slice};

/// Refuses `payload` if it breaks an error-level rule of `profile` (the first one found).
fn check(payload: &str, profile: Profile) -> Result<()> {
    let parsed = PayloadRef::parse(payload)?;
    let mut first = None;
    parsed.validate(Rules::Profile(profile), |issue| {
        if issue.severity == Severity::Error && first.is_none() {
            first = Some(issue);
        }
    });
    match first {
        None => Ok(()),
        Some(issue) => Err(Error::new(ErrorKind::Invalid(issue.kind), issue.path, 0)),
    }
}

/// Builds into `buf` with `contents`, then checks the payload under `profile`.
fn build<F>(buf: &mut [u8], profile: Profile, contents: F) -> Result<&str>
where
    F: FnOnce(&mut MpmBuilder<'_>) -> Result<()>,
{
    let text = build_to_slice(buf, contents)?;
    check(text, profile)?;
    Ok(text)
}

/// The owned payload of a slice builder: a buffer large enough for the objects (`inputs`
/// bytes of values, the fixed objects and at most 16 four-character headers) and the text.
#[cfg(feature = "alloc")]
fn owned<F>(inputs: usize, write: F) -> Result<String>
where
    F: FnOnce(&mut [u8]) -> Result<&str>,
{
    let mut buf = alloc::vec![0u8; inputs.saturating_add(160)];
    write(&mut buf).map(String::from)
}

/// A Pix code (Banco Central do Brasil): `key` (phone, e-mail, CPF/CNPJ or random key), merchant
/// `name` and `city`, optional `amount` (in reais, `"10.50"`) and `txid` (`***` when `None`).
///
/// ```
/// use paywire_emvqr::{PayloadRef, build, profile};
/// // bacen/pix-api#79, byte for byte.
/// let text = build::pix("123e4567-e12b-12d1-a456-426655440000", "Fulano de Tal", "BRASILIA", None, None)?;
/// assert_eq!(text, "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D");
/// let with_amount = build::pix("123e4567-e12b-12d1-a456-426655440000", "Fulano de Tal", "BRASILIA", Some("10.50"), Some("PEDIDO1"))?;
/// let fields = profile::pix(&PayloadRef::parse(&with_amount)?).unwrap();
/// assert_eq!(fields.txid, Some("PEDIDO1"));
/// assert!(build::pix("123e4567-e12b-12d1-a456-426655440000", "Fulano de Tal", "BRASILIA", Some("10,50"), None).is_err());
/// # Ok::<(), paywire_emvqr::Error>(())
/// ```
#[cfg(feature = "alloc")]
pub fn pix(
    key: &str,
    name: &str,
    city: &str,
    amount: Option<&str>,
    txid: Option<&str>,
) -> Result<String> {
    let inputs = [key, name, city, amount.unwrap_or(""), txid.unwrap_or("")];
    owned(inputs.iter().map(|s| s.len()).sum(), |buf| {
        pix_to_slice(buf, key, name, city, amount, txid)
    })
}

/// [`pix`] into `buf`, without an allocator.
///
/// ```
/// use paywire_emvqr::build;
/// let mut buf = [0u8; 512];
/// let text = build::pix_to_slice(&mut buf, "123e4567-e12b-12d1-a456-426655440000", "Fulano de Tal", "BRASILIA", None, None)?;
/// assert!(text.ends_with("63041D3D")); // bacen/pix-api#79
/// # Ok::<(), paywire_emvqr::Error>(())
/// ```
pub fn pix_to_slice<'b>(
    buf: &'b mut [u8],
    key: &str,
    name: &str,
    city: &str,
    amount: Option<&str>,
    txid: Option<&str>,
) -> Result<&'b str> {
    build(buf, Profile::Pix, |b| {
        b.object(0, "01")?;
        b.template(26, |t| {
            t.object(0, "br.gov.bcb.pix")?.object(1, key)?;
            Ok(())
        })?;
        b.object(52, "0000")?.object(53, "986")?;
        if let Some(amount) = amount {
            b.object(54, amount)?;
        }
        b.object(58, "BR")?.object(59, name)?.object(60, city)?;
        b.template(62, |t| {
            t.object(5, txid.unwrap_or("***"))?;
            Ok(())
        })?;
        Ok(())
    })
}

/// A dynamic Pix code (a charge, `cobrança`, created through the Pix API): the payload's
/// `location` as the PSP returned it (no scheme: `pix.example.com/qr/v2/…`), the merchant's
/// `name` and `city`. The code is single-use (01 = `12`), carries no key and no amount (the
/// payer's bank fetches both from the location), and its txid is `***` (the charge's txid is
/// in the payload behind the location).
///
/// ```
/// use paywire_emvqr::{PayloadRef, build, profile};
/// let text = build::pix_dynamic("pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd441", "Fulano de Tal", "BRASILIA")?;
/// let fields = profile::pix(&PayloadRef::parse(&text)?).unwrap();
/// assert_eq!(fields.url, Some("pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd441"));
/// assert_eq!(fields.key, None);
/// # Ok::<(), paywire_emvqr::Error>(())
/// ```
#[cfg(feature = "alloc")]
pub fn pix_dynamic(location: &str, name: &str, city: &str) -> Result<String> {
    let inputs = [location, name, city];
    owned(inputs.iter().map(|s| s.len()).sum(), |buf| {
        pix_dynamic_to_slice(buf, location, name, city)
    })
}

/// [`pix_dynamic`] into `buf`, without an allocator.
pub fn pix_dynamic_to_slice<'b>(
    buf: &'b mut [u8],
    location: &str,
    name: &str,
    city: &str,
) -> Result<&'b str> {
    build(buf, Profile::Pix, |b| {
        b.object(0, "01")?.object(1, "12")?;
        b.template(26, |t| {
            t.object(0, "br.gov.bcb.pix")?.object(25, location)?;
            Ok(())
        })?;
        b.object(52, "0000")?.object(53, "986")?;
        b.object(58, "BR")?.object(59, name)?.object(60, city)?;
        b.template(62, |t| {
            t.object(5, "***")?;
            Ok(())
        })?;
        Ok(())
    })
}

/// Who a PromptPay code pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptPayTarget<'a> {
    /// A Thai mobile number, written as dialled (`0812345678`).
    Mobile(&'a str),
    /// A national ID or tax ID (13 digits).
    NationalId(&'a str),
    /// An e-wallet ID (15 digits).
    EWallet(&'a str),
}

/// A PromptPay code; with an `amount` (baht, `"4.22"`) the code is dynamic (01 = 12), as
/// dtinth/promptpay-qr writes them.
#[cfg(feature = "alloc")]
pub fn promptpay(target: PromptPayTarget<'_>, amount: Option<&str>) -> Result<String> {
    let target_len = match target {
        PromptPayTarget::Mobile(s)
        | PromptPayTarget::NationalId(s)
        | PromptPayTarget::EWallet(s) => s.len(),
    };
    owned(
        target_len.saturating_add(amount.map_or(0, str::len)),
        |buf| promptpay_to_slice(buf, target, amount),
    )
}

/// [`promptpay`] into `buf`, without an allocator.
pub fn promptpay_to_slice<'b>(
    buf: &'b mut [u8],
    target: PromptPayTarget<'_>,
    amount: Option<&str>,
) -> Result<&'b str> {
    // The mobile number in international form without "+": "0066" and the number's digits
    // without its leading 0 (a number longer than any phone number is refused).
    let mut mobile = [0u8; 32];
    let (sub, value) = match target {
        PromptPayTarget::Mobile(number) => {
            let mut digits = number.bytes().filter(u8::is_ascii_digit);
            let mut first = digits.next();
            if first == Some(b'0') {
                first = None;
            }
            let mut len = 4usize;
            if let Some(prefix) = mobile.get_mut(..4) {
                prefix.copy_from_slice(b"0066");
            }
            for d in first.into_iter().chain(digits) {
                let slot = mobile.get_mut(len).ok_or_else(|| {
                    Error::new(
                        ErrorKind::ValueLength {
                            length: number.len(),
                        },
                        Path::ROOT.child(29).child(1),
                        0,
                    )
                })?;
                *slot = d;
                len = len.saturating_add(1);
            }
            let text = core::str::from_utf8(mobile.get(..len).unwrap_or_default()).unwrap_or("");
            (1, text)
        }
        PromptPayTarget::NationalId(id) => (2, id),
        PromptPayTarget::EWallet(id) => (3, id),
    };
    build(buf, Profile::PromptPay, |b| {
        b.object(0, "01")?
            .object(1, if amount.is_some() { "12" } else { "11" })?;
        b.template(29, |t| {
            t.object(0, "A000000677010111")?.object(sub, value)?;
            Ok(())
        })?;
        b.object(58, "TH")?.object(53, "764")?;
        if let Some(amount) = amount {
            b.object(54, amount)?;
        }
        Ok(())
    })
}

/// VietQR service codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VietQrService {
    /// Transfer to an account (`QRIBFTTA`).
    ToAccount,
    /// Transfer to a card (`QRIBFTTC`).
    ToCard,
}

/// A VietQR (NAPAS) code: the bank's `bin`, the `account` (or card) number, the service, an
/// optional `amount` (dong, whole numbers) and `purpose` (62/08).
#[cfg(feature = "alloc")]
pub fn vietqr(
    bin: &str,
    account: &str,
    service: VietQrService,
    amount: Option<&str>,
    purpose: Option<&str>,
) -> Result<String> {
    let inputs = [bin, account, amount.unwrap_or(""), purpose.unwrap_or("")];
    owned(inputs.iter().map(|s| s.len()).sum(), |buf| {
        vietqr_to_slice(buf, bin, account, service, amount, purpose)
    })
}

/// [`vietqr`] into `buf`, without an allocator.
pub fn vietqr_to_slice<'b>(
    buf: &'b mut [u8],
    bin: &str,
    account: &str,
    service: VietQrService,
    amount: Option<&str>,
    purpose: Option<&str>,
) -> Result<&'b str> {
    let service = match service {
        VietQrService::ToAccount => "QRIBFTTA",
        VietQrService::ToCard => "QRIBFTTC",
    };
    build(buf, Profile::VietQr, |b| {
        b.object(0, "01")?
            .object(1, if amount.is_some() { "12" } else { "11" })?;
        b.template(38, |t| {
            t.object(0, "A000000727")?;
            t.template(1, |beneficiary| {
                beneficiary.object(0, bin)?.object(1, account)?;
                Ok(())
            })?;
            t.object(2, service)?;
            Ok(())
        })?;
        b.object(53, "704")?;
        if let Some(amount) = amount {
            b.object(54, amount)?;
        }
        b.object(58, "VN")?;
        if let Some(purpose) = purpose {
            b.template(62, |t| {
                t.object(8, purpose)?;
                Ok(())
            })?;
        }
        Ok(())
    })
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use crate::path::Path;

    #[test]
    fn invalid_inputs_are_errors() {
        let e = pix("key", "A NAME LONGER THAN TWENTY FIVE", "CITY", None, None).unwrap_err();
        assert_eq!(e.path(), Path::top(59));
        assert!(matches!(e.kind(), ErrorKind::Invalid(_)));
        assert!(promptpay(PromptPayTarget::NationalId("12345"), None).is_err());
        assert!(vietqr("97040", "1", VietQrService::ToAccount, None, None).is_err());
    }

    #[test]
    fn a_dynamic_pix_code_as_the_pix_api_returns_one() {
        // bacen/pix-api openapi.yaml (v2.9.0), the `pixCopiaECola` of a charge combined with a
        // recurrence: every object but the recurrence's (80) and the CRC is the charge's own,
        // and the builder writes the same values, path for path.
        let published = "00020101021226760014br.gov.bcb.pix2554pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***80800014br.gov.bcb.pix2558pix.example.com/qr/v2/rec/94ed2badcbc04c15b0bb7fa35319489063047741";
        let published = PayloadRef::parse(published).unwrap();
        let ours = pix_dynamic(
            "pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd441",
            "Fulano de Tal",
            "BRASILIA",
        )
        .unwrap();
        let ours = PayloadRef::parse(&ours).unwrap();
        for path in [
            &[0][..],
            &[1],
            &[26, 0],
            &[26, 25],
            &[52],
            &[53],
            &[54],
            &[58],
            &[59],
            &[60],
            &[62, 5],
        ] {
            assert_eq!(ours.value(path), published.value(path), "{path:?}");
        }
        assert_eq!(ours.value(&[1]), Some("12"));
        assert!(ours.get(80).is_none());
    }
}
