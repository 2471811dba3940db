//! Typed builders for Pix, PromptPay and VietQR (feature `alloc`). Each checks its inputs by
//! validating the finished payload under its profile: a value that is too long or malformed is
//! an error, never cut or transliterated.

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use crate::error::{Error, ErrorKind, Result};
use crate::findings::Severity;
use crate::mpm::{Object, PayloadRef, encode};
use crate::profile::Profile;
use crate::validate::Rules;

fn text(id: u8, value: &str) -> Object {
    Object::Text(id, value.to_string())
}

/// Encodes `objects` and refuses the result if it breaks an error-level rule of `profile`.
fn finish(objects: &[Object], profile: Profile) -> Result<String> {
    let payload = encode(objects)?;
    let parsed = PayloadRef::parse(&payload)?;
    let mut first = None;
    parsed.validate(Rules::Profile(profile), |issue| {
        if issue.severity == Severity::Error && first.is_none() {
            first = Some(issue);
        }
    });
    match first {
        None => Ok(payload),
        Some(issue) => Err(Error::new(ErrorKind::Invalid(issue.kind), issue.path, 0)),
    }
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
pub fn pix(
    key: &str,
    name: &str,
    city: &str,
    amount: Option<&str>,
    txid: Option<&str>,
) -> Result<String> {
    let mut objects = vec![
        text(0, "01"),
        Object::Template(26, vec![text(0, "br.gov.bcb.pix"), text(1, key)]),
        text(52, "0000"),
        text(53, "986"),
    ];
    if let Some(amount) = amount {
        objects.push(text(54, amount));
    }
    objects.extend([
        text(58, "BR"),
        text(59, name),
        text(60, city),
        Object::Template(62, vec![text(5, txid.unwrap_or("***"))]),
    ]);
    finish(&objects, Profile::Pix)
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
pub fn pix_dynamic(location: &str, name: &str, city: &str) -> Result<String> {
    let objects = [
        text(0, "01"),
        text(1, "12"),
        Object::Template(26, vec![text(0, "br.gov.bcb.pix"), text(25, location)]),
        text(52, "0000"),
        text(53, "986"),
        text(58, "BR"),
        text(59, name),
        text(60, city),
        Object::Template(62, vec![text(5, "***")]),
    ];
    finish(&objects, Profile::Pix)
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
pub fn promptpay(target: PromptPayTarget<'_>, amount: Option<&str>) -> Result<String> {
    let (sub, value) = match target {
        // The mobile number in international form without "+": "0066" and the number without
        // its leading 0.
        PromptPayTarget::Mobile(number) => {
            let digits: String = number.chars().filter(char::is_ascii_digit).collect();
            let national = digits.strip_prefix('0').unwrap_or(&digits).to_string();
            (1, ["0066", &national].concat())
        }
        PromptPayTarget::NationalId(id) => (2, id.to_string()),
        PromptPayTarget::EWallet(id) => (3, id.to_string()),
    };
    let mut objects = vec![
        text(0, "01"),
        text(1, if amount.is_some() { "12" } else { "11" }),
        Object::Template(
            29,
            vec![text(0, "A000000677010111"), Object::Text(sub, value)],
        ),
        text(58, "TH"),
        text(53, "764"),
    ];
    if let Some(amount) = amount {
        objects.push(text(54, amount));
    }
    finish(&objects, Profile::PromptPay)
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
pub fn vietqr(
    bin: &str,
    account: &str,
    service: VietQrService,
    amount: Option<&str>,
    purpose: Option<&str>,
) -> Result<String> {
    let service = match service {
        VietQrService::ToAccount => "QRIBFTTA",
        VietQrService::ToCard => "QRIBFTTC",
    };
    let beneficiary = Object::Template(1, vec![text(0, bin), text(1, account)]);
    let mut objects: Vec<Object> = vec![
        text(0, "01"),
        text(1, if amount.is_some() { "12" } else { "11" }),
        Object::Template(
            38,
            vec![text(0, "A000000727"), beneficiary, text(2, service)],
        ),
        text(53, "704"),
    ];
    if let Some(amount) = amount {
        objects.push(text(54, amount));
    }
    objects.push(text(58, "VN"));
    if let Some(purpose) = purpose {
        objects.push(Object::Template(62, vec![text(8, purpose)]));
    }
    finish(&objects, Profile::VietQr)
}

#[cfg(test)]
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
