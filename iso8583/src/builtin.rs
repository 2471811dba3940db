//! The built-in specs: `iso87ascii`, `iso87binary`, `iso93ascii`.
//!
//! Field formats follow ISO 8583:1987 and ISO 8583:1993 as implemented by jPOS's reference
//! packagers (jpos/jPOS: `ISO87APackager`, `ISO87BPackager`, `ISO93APackager`), which are the
//! de facto baseline other implementations are compared with. Deviations, each for a reason:
//! - field 55 is binary ICC data (EMV, via `emv-tlv`) in all three specs: hex text with an `LLL`
//!   prefix counting bytes in the ASCII specs, raw bytes with a BCD `LLL` prefix in `iso87binary`;
//! - `x+n` amounts (28–31, 97) must start with `C` or `D` (jPOS writes whatever character the
//!   value starts with); in `iso87binary` the sign is one ASCII byte and the digits packed BCD,
//!   as jPOS's `IFB_AMOUNT` writes them ([`Encoding::SignBcd`]);
//! - track 2 in BCD (`iso87binary` field 35) reads the separator nibble `D` as `=` and is built
//!   from `=`, as jPOS's `ISOUtil.bcd2str` / `str2bcd` do;
//! - numeric fields refuse non-digits and track fields (35, 36) anything but digits and `=`
//!   (jPOS packs whatever it is given);
//! - field 65 is the tertiary bitmap's bit (jPOS's packagers define it as a data field; the
//!   references disagree, moov-io/iso8583#254): a message with bit 65 set reads fields 129–192.
//!   jPOS's packager files loaded as specs ([`crate::jpos::load_packager`]) keep jPOS's
//!   reading: they define field 65, so bit 65 is that field ([`Spec::field65_is_data`]).

use crate::spec::{
    BitmapEncoding, Content, Encoding, FieldSpec, Length, MtiEncoding, Pad, Plan, Prefix,
    Sensitivity, Spec,
};

/// A field's shape in the standard, independent of how a spec encodes it.
#[derive(Clone, Copy)]
enum Shape {
    /// `n` fixed.
    Num(u16),
    /// `n..` with an LL prefix.
    LlNum(u16),
    /// `x+n` fixed (sign included in the length).
    Amount(u16),
    /// Text fixed.
    Text(Content, u16),
    /// Text with an LL prefix.
    LlText(Content, u16),
    /// Text with an LLL prefix.
    LllText(Content, u16),
    /// Binary fixed, in bytes.
    Bin(u16),
    /// Binary with an LL prefix, in bytes.
    LlBin(u16),
    /// Binary with an LLL prefix, in bytes.
    LllBin(u16),
    /// Track 2 (`z`) with an LL prefix.
    Track2(u16),
}

#[derive(Clone, Copy)]
enum Flavor {
    Ascii,
    Binary,
}

type Row = (u8, &'static str, Shape, Sensitivity);

const fn field(row: Row, flavor: Flavor) -> FieldSpec<'static> {
    let (number, name, shape, sensitivity) = row;
    let (content, encoding, length) = match (flavor, shape) {
        (Flavor::Ascii, Shape::Num(n)) => (Content::N, Encoding::Ascii, Length::Fixed(n)),
        (Flavor::Binary, Shape::Num(n)) => (Content::N, Encoding::BCD, Length::Fixed(n)),
        (Flavor::Ascii, Shape::LlNum(max)) => {
            (Content::N, Encoding::Ascii, var(Prefix::ascii(2), max))
        }
        (Flavor::Binary, Shape::LlNum(max)) => {
            (Content::N, Encoding::BCD_LEFT_0, var(Prefix::bcd(2), max))
        }
        (Flavor::Ascii, Shape::Amount(n)) => (Content::XN, Encoding::Ascii, Length::Fixed(n)),
        (Flavor::Binary, Shape::Amount(n)) => (
            Content::XN,
            Encoding::SignBcd {
                align: crate::spec::Align::Right,
            },
            Length::Fixed(n),
        ),
        (_, Shape::Text(c, n)) => (c, Encoding::Ascii, Length::Fixed(n)),
        (Flavor::Ascii, Shape::LlText(c, max)) => (c, Encoding::Ascii, var(Prefix::ascii(2), max)),
        (Flavor::Binary, Shape::LlText(c, max)) => (c, Encoding::Ascii, var(Prefix::bcd(2), max)),
        (Flavor::Ascii, Shape::LllText(c, max)) => (c, Encoding::Ascii, var(Prefix::ascii(3), max)),
        (Flavor::Binary, Shape::LllText(c, max)) => (c, Encoding::Ascii, var(Prefix::bcd(3), max)),
        (Flavor::Ascii, Shape::Bin(n)) => (Content::B, Encoding::HexText, Length::Fixed(n)),
        (Flavor::Binary, Shape::Bin(n)) => (Content::B, Encoding::Binary, Length::Fixed(n)),
        (Flavor::Ascii, Shape::LlBin(max)) => {
            (Content::B, Encoding::HexText, var(Prefix::ascii(2), max))
        }
        (Flavor::Binary, Shape::LlBin(max)) => {
            (Content::B, Encoding::Binary, var(Prefix::bcd(2), max))
        }
        (Flavor::Ascii, Shape::LllBin(max)) => {
            (Content::B, Encoding::HexText, var(Prefix::ascii(3), max))
        }
        (Flavor::Binary, Shape::LllBin(max)) => {
            (Content::B, Encoding::Binary, var(Prefix::bcd(3), max))
        }
        (Flavor::Ascii, Shape::Track2(max)) => {
            (Content::Z, Encoding::Ascii, var(Prefix::ascii(2), max))
        }
        (Flavor::Binary, Shape::Track2(max)) => {
            (Content::Z, Encoding::BCD_LEFT_0, var(Prefix::bcd(2), max))
        }
    };
    FieldSpec::new(number, name, content, encoding, length).sensitive(sensitivity)
}

const fn var(prefix: Prefix, max: u16) -> Length {
    Length::Var {
        prefix,
        min: 0,
        max,
    }
}

const PLACEHOLDER: FieldSpec<'static> =
    FieldSpec::new(0, "", Content::B, Encoding::Binary, Length::Fixed(1)).padded(Pad::None);

#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "const evaluation: i < N, any overflow fails the build"
)]
const fn build<const N: usize>(rows: &[Row; N], flavor: Flavor) -> [FieldSpec<'static>; N] {
    let mut out = [PLACEHOLDER; N];
    let mut i = 0;
    while i < N {
        out[i] = field(rows[i], flavor);
        i += 1;
    }
    out
}

use Content::{An, Ans, Z};
use Sensitivity::{Cvv, Key, Pan, PinBlock, Public, Track};
use Shape::*;

const ISO87: [Row; 126] = [
    (2, "Primary account number (PAN)", LlNum(19), Pan),
    (3, "Processing code", Num(6), Public),
    (4, "Amount, transaction", Num(12), Public),
    (5, "Amount, settlement", Num(12), Public),
    (6, "Amount, cardholder billing", Num(12), Public),
    (7, "Transmission date and time", Num(10), Public),
    (8, "Amount, cardholder billing fee", Num(8), Public),
    (9, "Conversion rate, settlement", Num(8), Public),
    (10, "Conversion rate, cardholder billing", Num(8), Public),
    (11, "System trace audit number (STAN)", Num(6), Public),
    (12, "Time, local transaction", Num(6), Public),
    (13, "Date, local transaction", Num(4), Public),
    (14, "Date, expiration", Num(4), Public),
    (15, "Date, settlement", Num(4), Public),
    (16, "Date, conversion", Num(4), Public),
    (17, "Date, capture", Num(4), Public),
    (18, "Merchant type", Num(4), Public),
    (19, "Acquiring institution country code", Num(3), Public),
    (20, "PAN extended, country code", Num(3), Public),
    (21, "Forwarding institution country code", Num(3), Public),
    (22, "Point of service entry mode", Num(3), Public),
    (23, "Application PAN sequence number", Num(3), Public),
    (24, "Network international identifier (NII)", Num(3), Public),
    (25, "Point of service condition code", Num(2), Public),
    (26, "Point of service capture code", Num(2), Public),
    (
        27,
        "Authorizing identification response length",
        Num(1),
        Public,
    ),
    (28, "Amount, transaction fee", Amount(9), Public),
    (29, "Amount, settlement fee", Amount(9), Public),
    (30, "Amount, transaction processing fee", Amount(9), Public),
    (31, "Amount, settlement processing fee", Amount(9), Public),
    (
        32,
        "Acquiring institution identification code",
        LlNum(11),
        Public,
    ),
    (
        33,
        "Forwarding institution identification code",
        LlNum(11),
        Public,
    ),
    (34, "Primary account number, extended", LlText(Ans, 28), Pan),
    (35, "Track 2 data", Track2(37), Track),
    (36, "Track 3 data", LllText(Z, 104), Track),
    (37, "Retrieval reference number", Text(An, 12), Public),
    (
        38,
        "Authorization identification response",
        Text(An, 6),
        Public,
    ),
    (39, "Response code", Text(An, 2), Public),
    (40, "Service restriction code", Text(An, 3), Public),
    (
        41,
        "Card acceptor terminal identification",
        Text(Ans, 8),
        Public,
    ),
    (
        42,
        "Card acceptor identification code",
        Text(Ans, 15),
        Public,
    ),
    (43, "Card acceptor name/location", Text(Ans, 40), Public),
    (44, "Additional response data", LlText(Ans, 25), Public),
    (45, "Track 1 data", LlText(Ans, 76), Track),
    (46, "Additional data - ISO", LllText(Ans, 999), Public),
    (47, "Additional data - national", LllText(Ans, 999), Public),
    (48, "Additional data - private", LllText(Ans, 999), Public),
    (49, "Currency code, transaction", Text(An, 3), Public),
    (50, "Currency code, settlement", Text(An, 3), Public),
    (51, "Currency code, cardholder billing", Text(An, 3), Public),
    (
        52,
        "Personal identification number (PIN) data",
        Bin(8),
        PinBlock,
    ),
    (53, "Security related control information", Num(16), Public),
    (54, "Additional amounts", LllText(Ans, 120), Public),
    (55, "ICC data (EMV)", LllBin(255), Cvv),
    (56, "Reserved ISO", LllText(Ans, 999), Public),
    (57, "Reserved national", LllText(Ans, 999), Public),
    (58, "Reserved national", LllText(Ans, 999), Public),
    (59, "Reserved national", LllText(Ans, 999), Public),
    (60, "Reserved private", LllText(Ans, 999), Public),
    (61, "Reserved private", LllText(Ans, 999), Public),
    (62, "Reserved private", LllText(Ans, 999), Public),
    (63, "Reserved private", LllText(Ans, 999), Public),
    (64, "Message authentication code (MAC)", Bin(8), Public),
    (66, "Settlement code", Num(1), Public),
    (67, "Extended payment code", Num(2), Public),
    (68, "Receiving institution country code", Num(3), Public),
    (69, "Settlement institution country code", Num(3), Public),
    (70, "Network management information code", Num(3), Public),
    (71, "Message number", Num(4), Public),
    (72, "Message number, last", Num(4), Public),
    (73, "Date, action", Num(6), Public),
    (74, "Credits, number", Num(10), Public),
    (75, "Credits, reversal number", Num(10), Public),
    (76, "Debits, number", Num(10), Public),
    (77, "Debits, reversal number", Num(10), Public),
    (78, "Transfer, number", Num(10), Public),
    (79, "Transfer, reversal number", Num(10), Public),
    (80, "Inquiries, number", Num(10), Public),
    (81, "Authorizations, number", Num(10), Public),
    (82, "Credits, processing fee amount", Num(12), Public),
    (83, "Credits, transaction fee amount", Num(12), Public),
    (84, "Debits, processing fee amount", Num(12), Public),
    (85, "Debits, transaction fee amount", Num(12), Public),
    (86, "Credits, amount", Num(16), Public),
    (87, "Credits, reversal amount", Num(16), Public),
    (88, "Debits, amount", Num(16), Public),
    (89, "Debits, reversal amount", Num(16), Public),
    (90, "Original data elements", Num(42), Public),
    (91, "File update code", Text(An, 1), Public),
    (92, "File security code", Text(An, 2), Public),
    (93, "Response indicator", Text(An, 6), Public),
    (94, "Service indicator", Text(An, 7), Public),
    (95, "Replacement amounts", Text(An, 42), Public),
    (96, "Message security code", Bin(16), Key),
    (97, "Amount, net settlement", Amount(17), Public),
    (98, "Payee", Text(Ans, 25), Public),
    (
        99,
        "Settlement institution identification code",
        LlNum(11),
        Public,
    ),
    (
        100,
        "Receiving institution identification code",
        LlNum(11),
        Public,
    ),
    (101, "File name", LlText(Ans, 17), Public),
    (102, "Account identification 1", LlText(Ans, 28), Public),
    (103, "Account identification 2", LlText(Ans, 28), Public),
    (104, "Transaction description", LllText(Ans, 100), Public),
    (105, "Reserved for ISO use", LllText(Ans, 999), Public),
    (106, "Reserved for ISO use", LllText(Ans, 999), Public),
    (107, "Reserved for ISO use", LllText(Ans, 999), Public),
    (108, "Reserved for ISO use", LllText(Ans, 999), Public),
    (109, "Reserved for ISO use", LllText(Ans, 999), Public),
    (110, "Reserved for ISO use", LllText(Ans, 999), Public),
    (111, "Reserved for ISO use", LllText(Ans, 999), Public),
    (112, "Reserved for national use", LllText(Ans, 999), Public),
    (113, "Reserved for national use", LllText(Ans, 999), Public),
    (114, "Reserved for national use", LllText(Ans, 999), Public),
    (115, "Reserved for national use", LllText(Ans, 999), Public),
    (116, "Reserved for national use", LllText(Ans, 999), Public),
    (117, "Reserved for national use", LllText(Ans, 999), Public),
    (118, "Reserved for national use", LllText(Ans, 999), Public),
    (119, "Reserved for national use", LllText(Ans, 999), Public),
    (120, "Reserved for private use", LllText(Ans, 999), Public),
    (121, "Reserved for private use", LllText(Ans, 999), Public),
    (122, "Reserved for private use", LllText(Ans, 999), Public),
    (123, "Reserved for private use", LllText(Ans, 999), Public),
    (124, "Reserved for private use", LllText(Ans, 999), Public),
    (125, "Reserved for private use", LllText(Ans, 999), Public),
    (126, "Reserved for private use", LllText(Ans, 999), Public),
    (127, "Reserved for private use", LllText(Ans, 999), Public),
    (128, "Message authentication code (MAC)", Bin(8), Public),
];

const ISO93: [Row; 126] = [
    (2, "Primary account number (PAN)", LlNum(19), Pan),
    (3, "Processing code", Num(6), Public),
    (4, "Amount, transaction", Num(12), Public),
    (5, "Amount, reconciliation", Num(12), Public),
    (6, "Amount, cardholder billing", Num(12), Public),
    (7, "Date and time, transmission", Num(10), Public),
    (8, "Amount, cardholder billing fee", Num(8), Public),
    (9, "Conversion rate, reconciliation", Num(8), Public),
    (10, "Conversion rate, cardholder billing", Num(8), Public),
    (11, "Systems trace audit number", Num(6), Public),
    (12, "Date and time, local transaction", Num(12), Public),
    (13, "Date, effective", Num(4), Public),
    (14, "Date, expiration", Num(4), Public),
    (15, "Date, settlement", Num(6), Public),
    (16, "Date, conversion", Num(4), Public),
    (17, "Date, capture", Num(4), Public),
    (18, "Merchant type", Num(4), Public),
    (19, "Country code, acquiring institution", Num(3), Public),
    (20, "Country code, primary account number", Num(3), Public),
    (21, "Country code, forwarding institution", Num(3), Public),
    (22, "Point of service data code", Text(An, 12), Public),
    (23, "Card sequence number", Num(3), Public),
    (24, "Function code", Num(3), Public),
    (25, "Message reason code", Num(4), Public),
    (26, "Card acceptor business code", Num(4), Public),
    (27, "Approval code length", Num(1), Public),
    (28, "Date, reconciliation", Num(6), Public),
    (29, "Reconciliation indicator", Num(3), Public),
    (30, "Amounts, original", Num(24), Public),
    (31, "Acquirer reference data", LlText(Ans, 99), Public),
    (
        32,
        "Acquirer institution identification code",
        LlNum(11),
        Public,
    ),
    (
        33,
        "Forwarding institution identification code",
        LlNum(11),
        Public,
    ),
    (34, "Primary account number, extended", LlText(Ans, 28), Pan),
    (35, "Track 2 data", Track2(37), Track),
    (36, "Track 3 data", LllText(Z, 104), Track),
    (37, "Retrieval reference number", Text(An, 12), Public),
    (38, "Approval code", Text(An, 6), Public),
    (39, "Action code", Num(3), Public),
    (40, "Service code", Num(3), Public),
    (
        41,
        "Card acceptor terminal identification",
        Text(Ans, 8),
        Public,
    ),
    (
        42,
        "Card acceptor identification code",
        Text(Ans, 15),
        Public,
    ),
    (43, "Card acceptor name/location", LlText(Ans, 99), Public),
    (44, "Additional response data", LlText(Ans, 99), Public),
    (45, "Track 1 data", LlText(Ans, 76), Track),
    (46, "Amounts, fees", LllText(Ans, 204), Public),
    (47, "Additional data - national", LllText(Ans, 999), Public),
    (48, "Additional data - private", LllText(Ans, 999), Public),
    (49, "Currency code, transaction", Text(An, 3), Public),
    (50, "Currency code, reconciliation", Text(An, 3), Public),
    (51, "Currency code, cardholder billing", Text(An, 3), Public),
    (
        52,
        "Personal identification number (PIN) data",
        Bin(8),
        PinBlock,
    ),
    (
        53,
        "Security related control information",
        LlBin(48),
        Public,
    ),
    (54, "Amounts, additional", LllText(Ans, 120), Public),
    (
        55,
        "Integrated circuit card (ICC) system related data",
        LllBin(255),
        Cvv,
    ),
    (56, "Original data elements", LlNum(35), Public),
    (57, "Authorization life cycle code", Num(3), Public),
    (
        58,
        "Authorizing agent institution identification code",
        LlNum(11),
        Public,
    ),
    (59, "Transport data", LllText(Ans, 999), Public),
    (60, "Reserved for national use", LllText(Ans, 999), Public),
    (61, "Reserved for national use", LllText(Ans, 999), Public),
    (62, "Reserved for private use", LllText(Ans, 999), Public),
    (63, "Reserved for private use", LllText(Ans, 999), Public),
    (64, "Message authentication code (MAC)", Bin(8), Public),
    (66, "Amounts, original fees", LllText(Ans, 204), Public),
    (67, "Extended payment data", Num(2), Public),
    (68, "Country code, receiving institution", Num(3), Public),
    (69, "Country code, settlement institution", Num(3), Public),
    (
        70,
        "Country code, authorizing agent institution",
        Num(3),
        Public,
    ),
    (71, "Message number", Num(8), Public),
    (72, "Data record", LllText(Ans, 999), Public),
    (73, "Date, action", Num(6), Public),
    (74, "Credits, number", Num(10), Public),
    (75, "Credits, reversal number", Num(10), Public),
    (76, "Debits, number", Num(10), Public),
    (77, "Debits, reversal number", Num(10), Public),
    (78, "Transfer, number", Num(10), Public),
    (79, "Transfer, reversal number", Num(10), Public),
    (80, "Inquiries, number", Num(10), Public),
    (81, "Authorizations, number", Num(10), Public),
    (82, "Inquiries, reversal number", Num(10), Public),
    (83, "Payments, number", Num(10), Public),
    (84, "Payments, reversal number", Num(10), Public),
    (85, "Fee collections, number", Num(10), Public),
    (86, "Credits, amount", Num(16), Public),
    (87, "Credits, reversal amount", Num(16), Public),
    (88, "Debits, amount", Num(16), Public),
    (89, "Debits, reversal amount", Num(16), Public),
    (90, "Authorizations, reversal number", Num(10), Public),
    (
        91,
        "Country code, transaction destination institution",
        Num(3),
        Public,
    ),
    (
        92,
        "Country code, transaction originator institution",
        Num(3),
        Public,
    ),
    (
        93,
        "Transaction destination institution identification code",
        LlNum(11),
        Public,
    ),
    (
        94,
        "Transaction originator institution identification code",
        LlNum(11),
        Public,
    ),
    (95, "Card issuer reference data", LlText(Ans, 99), Public),
    (96, "Key management data", LllBin(999), Key),
    (97, "Amount, net reconciliation", Amount(17), Public),
    (98, "Payee", Text(Ans, 25), Public),
    (
        99,
        "Settlement institution identification code",
        LlText(An, 11),
        Public,
    ),
    (
        100,
        "Receiving institution identification code",
        LlNum(11),
        Public,
    ),
    (101, "File name", LlText(Ans, 17), Public),
    (102, "Account identification 1", LlText(Ans, 28), Public),
    (103, "Account identification 2", LlText(Ans, 28), Public),
    (104, "Transaction description", LllText(Ans, 100), Public),
    (105, "Credits, chargeback amount", Num(16), Public),
    (106, "Debits, chargeback amount", Num(16), Public),
    (107, "Credits, chargeback number", Num(10), Public),
    (108, "Debits, chargeback number", Num(10), Public),
    (109, "Credits, fee amounts", LlText(Ans, 84), Public),
    (110, "Debits, fee amounts", LlText(Ans, 84), Public),
    (111, "Reserved for ISO use", LllText(Ans, 999), Public),
    (112, "Reserved for ISO use", LllText(Ans, 999), Public),
    (113, "Reserved for ISO use", LllText(Ans, 999), Public),
    (114, "Reserved for ISO use", LllText(Ans, 999), Public),
    (115, "Reserved for ISO use", LllText(Ans, 999), Public),
    (116, "Reserved for national use", LllText(Ans, 999), Public),
    (117, "Reserved for national use", LllText(Ans, 999), Public),
    (118, "Reserved for national use", LllText(Ans, 999), Public),
    (119, "Reserved for national use", LllText(Ans, 999), Public),
    (120, "Reserved for national use", LllText(Ans, 999), Public),
    (121, "Reserved for national use", LllText(Ans, 999), Public),
    (122, "Reserved for national use", LllText(Ans, 999), Public),
    (123, "Reserved for private use", LllText(Ans, 999), Public),
    (124, "Reserved for private use", LllText(Ans, 999), Public),
    (125, "Reserved for private use", LllText(Ans, 999), Public),
    (126, "Reserved for private use", LllText(Ans, 999), Public),
    (127, "Reserved for private use", LllText(Ans, 999), Public),
    (128, "Message authentication code (MAC)", Bin(8), Public),
];

static ISO87ASCII_FIELDS: [FieldSpec<'static>; 126] = build(&ISO87, Flavor::Ascii);
static ISO87BINARY_FIELDS: [FieldSpec<'static>; 126] = build(&ISO87, Flavor::Binary);
static ISO93ASCII_FIELDS: [FieldSpec<'static>; 126] = build(&ISO93, Flavor::Ascii);
static ISO87ASCII_PLAN: Plan = Plan::compile(&ISO87ASCII_FIELDS);
static ISO87BINARY_PLAN: Plan = Plan::compile(&ISO87BINARY_FIELDS);
static ISO93ASCII_PLAN: Plan = Plan::compile(&ISO93ASCII_FIELDS);

/// ISO 8583:1987, every field ASCII, bitmap as 16 hex characters (jPOS `ISO87APackager`).
pub static ISO87ASCII: Spec<'static> = Spec {
    name: "iso87ascii",
    description: "ISO 8583:1987, all ASCII, bitmap as hex text",
    mti: MtiEncoding::Ascii,
    bitmap: BitmapEncoding::HexText,
    fields: &ISO87ASCII_FIELDS,
    overrides: &[],
    plan: Some(&ISO87ASCII_PLAN),
    charset: crate::spec::Charset::Latin1,
};

/// ISO 8583:1987 with a binary bitmap, BCD MTI, numerics and length prefixes (jPOS
/// `ISO87BPackager`).
pub static ISO87BINARY: Spec<'static> = Spec {
    name: "iso87binary",
    description: "ISO 8583:1987, binary bitmap, BCD numerics and BCD length prefixes",
    mti: MtiEncoding::Bcd,
    bitmap: BitmapEncoding::Binary,
    fields: &ISO87BINARY_FIELDS,
    overrides: &[],
    plan: Some(&ISO87BINARY_PLAN),
    charset: crate::spec::Charset::Latin1,
};

/// ISO 8583:1993, every field ASCII, bitmap as 16 hex characters (jPOS `ISO93APackager`).
pub static ISO93ASCII: Spec<'static> = Spec {
    name: "iso93ascii",
    description: "ISO 8583:1993, all ASCII, bitmap as hex text",
    mti: MtiEncoding::Ascii,
    bitmap: BitmapEncoding::HexText,
    fields: &ISO93ASCII_FIELDS,
    overrides: &[],
    plan: Some(&ISO93ASCII_PLAN),
    charset: crate::spec::Charset::Latin1,
};

/// Every built-in spec.
pub static BUILTIN: [&Spec<'static>; 3] = [&ISO87ASCII, &ISO87BINARY, &ISO93ASCII];

/// The built-in spec called `name`.
pub fn builtin(name: &str) -> Option<&'static Spec<'static>> {
    BUILTIN.iter().copied().find(|spec| spec.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_specs_are_valid() {
        for spec in BUILTIN {
            // Without `sign-bcd`, iso87binary's amounts are refused by name (as an EBCDIC
            // field is without `ebcdic`).
            match spec.validate() {
                Err(e) if !cfg!(feature = "sign-bcd") && spec.name == "iso87binary" => {
                    assert_eq!(
                        (e.kind(), e.field()),
                        (crate::ErrorKind::Unsupported, Some(28))
                    );
                }
                other => other.unwrap(),
            }
            assert_eq!(builtin(spec.name), Some(spec));
            assert!(spec.field(65).is_none() && spec.field(1).is_none());
            assert_eq!(spec.field(2).unwrap().sensitivity, Sensitivity::Pan);
            // Without the `plan` feature plans are empty: every field is read the general way.
            let fast = spec.plan.unwrap().fast_fields();
            assert!(
                if cfg!(feature = "plan") {
                    fast > 100
                } else {
                    fast == 0
                },
                "{}",
                spec.name
            );
        }
    }

    #[test]
    #[cfg(feature = "plan")]
    fn a_plan_from_other_fields_is_refused() {
        let mixed = Spec {
            plan: ISO87BINARY.plan,
            ..ISO87ASCII
        };
        assert_eq!(
            mixed.validate().unwrap_err().kind(),
            crate::ErrorKind::BadSpec
        );
        let without = Spec {
            plan: None,
            ..ISO87ASCII
        };
        without.validate().unwrap();
    }
}
