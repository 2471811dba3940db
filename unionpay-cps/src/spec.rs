//! `cups-pos`: the UnionPay POS terminal dialect of ISO 8583 as a built-in `iso8583` spec.
//!
//! Layout from alon0808/ProjectAfcApp `code/AfcCore/UnionPay/qpboc_8583.c` (a
//! production terminal's field table, "AFC") and Ajsgn/Java8583's quick-start factory. BCD MTI
//! and binary bitmap; BCD numerics; `LL`/`LLL` prefixes in BCD counting digits for numeric fields
//! and bytes for the others. Two per-MTI overrides, both for the 0810 sign-in response:
//! field 62 carries binary key material there (text elsewhere), and field 60 is padded with `F`
//! in the published host response (rufus123456/Java8583Sample) where requests pad with `0`
//! (AFC, Ajsgn).

use paywire_iso8583::Mti;
use paywire_iso8583::spec::{
    Align, BitmapEncoding, Content, Encoding, FieldSpec, Length, MtiEncoding, Override, Part, Plan,
    Prefix, Sensitivity, Spec, Subfields,
};

const fn var(prefix: Prefix, max: u16) -> Length {
    Length::Var {
        prefix,
        min: 0,
        max,
    }
}

const fn bcd(n: u16) -> Length {
    Length::Fixed(n)
}

/// Field 60 (AFC `Build_qpboc_8583_60*`): transaction type, batch, network management code,
/// read capability, IC condition, partial approval.
pub const F60_PARTS: &[Part<'static>] = &[
    Part {
        name: "60.1 Transaction type",
        width: 2,
    },
    Part {
        name: "60.2 Batch number",
        width: 6,
    },
    Part {
        name: "60.3 Network management code",
        width: 3,
    },
    Part {
        name: "60.4 Read capability",
        width: 1,
    },
    Part {
        name: "60.5 IC condition",
        width: 1,
    },
    Part {
        name: "60.6 Partial approval",
        width: 1,
    },
];

const LEFT_0: Encoding = Encoding::Bcd {
    align: Align::Left,
    pad: 0,
};
const LEFT_F: Encoding = Encoding::Bcd {
    align: Align::Left,
    pad: 0xF,
};
const BCD_LL: Prefix = Prefix::bcd(2);
const BCD_LLL: Prefix = Prefix::bcd(3);

const fn f60(encoding: Encoding) -> FieldSpec<'static> {
    FieldSpec::new(
        60,
        "Reserved private (60)",
        Content::N,
        encoding,
        var(BCD_LLL, 17),
    )
    .with_subfields(Subfields::Positional(F60_PARTS))
}

static FIELDS: [FieldSpec<'static>; 38] = [
    FieldSpec::new(
        2,
        "Primary account number",
        Content::N,
        LEFT_F,
        var(BCD_LL, 19),
    )
    .sensitive(Sensitivity::Pan),
    FieldSpec::new(3, "Processing code", Content::N, Encoding::BCD, bcd(6)),
    FieldSpec::new(4, "Amount, transaction", Content::N, Encoding::BCD, bcd(12)),
    FieldSpec::new(
        11,
        "System trace audit number",
        Content::N,
        Encoding::BCD,
        bcd(6),
    ),
    FieldSpec::new(
        12,
        "Time, local transaction",
        Content::N,
        Encoding::BCD,
        bcd(6),
    ),
    FieldSpec::new(
        13,
        "Date, local transaction",
        Content::N,
        Encoding::BCD,
        bcd(4),
    ),
    FieldSpec::new(14, "Date, expiration", Content::N, Encoding::BCD, bcd(4)),
    FieldSpec::new(15, "Date, settlement", Content::N, Encoding::BCD, bcd(4)),
    FieldSpec::new(
        22,
        "Point of service entry mode",
        Content::N,
        LEFT_0,
        bcd(3),
    ),
    FieldSpec::new(
        23,
        "Card sequence number",
        Content::N,
        Encoding::BCD,
        bcd(3),
    ),
    FieldSpec::new(
        25,
        "Point of service condition code",
        Content::N,
        Encoding::BCD,
        bcd(2),
    ),
    FieldSpec::new(
        26,
        "Point of service PIN capture code",
        Content::N,
        Encoding::BCD,
        bcd(2),
    ),
    FieldSpec::new(
        32,
        "Acquiring institution identification code",
        Content::N,
        LEFT_F,
        var(BCD_LL, 11),
    ),
    FieldSpec::new(35, "Track 2 data", Content::Z, LEFT_F, var(BCD_LL, 37))
        .sensitive(Sensitivity::Track),
    FieldSpec::new(36, "Track 3 data", Content::Z, LEFT_F, var(BCD_LLL, 104))
        .sensitive(Sensitivity::Track),
    FieldSpec::new(
        37,
        "Retrieval reference number",
        Content::An,
        Encoding::Ascii,
        Length::Fixed(12),
    ),
    FieldSpec::new(
        38,
        "Authorization identification response",
        Content::An,
        Encoding::Ascii,
        Length::Fixed(6),
    ),
    FieldSpec::new(
        39,
        "Response code",
        Content::An,
        Encoding::Ascii,
        Length::Fixed(2),
    ),
    FieldSpec::new(
        41,
        "Card acceptor terminal identification",
        Content::Ans,
        Encoding::Ascii,
        Length::Fixed(8),
    ),
    FieldSpec::new(
        42,
        "Card acceptor identification code",
        Content::Ans,
        Encoding::Ascii,
        Length::Fixed(15),
    ),
    FieldSpec::new(
        44,
        "Additional response data",
        Content::Ans,
        Encoding::Ascii,
        var(BCD_LL.counting_bytes(), 25),
    ),
    FieldSpec::new(
        48,
        "Additional data - private",
        Content::N,
        LEFT_0,
        var(BCD_LLL, 322),
    ),
    FieldSpec::new(
        49,
        "Currency code, transaction",
        Content::An,
        Encoding::Ascii,
        Length::Fixed(3),
    ),
    FieldSpec::new(
        52,
        "PIN data",
        Content::B,
        Encoding::Binary,
        Length::Fixed(8),
    )
    .sensitive(Sensitivity::PinBlock),
    FieldSpec::new(
        53,
        "Security related control information",
        Content::N,
        Encoding::BCD,
        bcd(16),
    ),
    FieldSpec::new(
        54,
        "Additional amounts",
        Content::Ans,
        Encoding::Ascii,
        var(BCD_LLL.counting_bytes(), 40),
    ),
    FieldSpec::new(
        55,
        "ICC data",
        Content::B,
        Encoding::Binary,
        var(BCD_LLL.counting_bytes(), 255),
    )
    .sensitive(Sensitivity::Cvv)
    .with_subfields(Subfields::BerTlv),
    FieldSpec::new(
        59,
        "Reserved national (59)",
        Content::Ans,
        Encoding::Ascii,
        var(BCD_LLL.counting_bytes(), 999),
    )
    .with_subfields(Subfields::TaggedAscii {
        tag_len: 2,
        len_digits: 3,
    }),
    f60(LEFT_0),
    FieldSpec::new(
        61,
        "Original message data (61)",
        Content::N,
        LEFT_0,
        var(BCD_LLL, 29),
    ),
    FieldSpec::new(
        62,
        "Reserved private (62)",
        Content::Ans,
        Encoding::Ascii,
        var(BCD_LLL.counting_bytes(), 999),
    ),
    FieldSpec::new(
        63,
        "Reserved private (63)",
        Content::Ans,
        Encoding::Ascii,
        var(BCD_LLL.counting_bytes(), 163),
    ),
    FieldSpec::new(
        64,
        "Message authentication code",
        Content::B,
        Encoding::Binary,
        Length::Fixed(8),
    ),
    // Not in the sale/sign-in table but used by the same hosts for batch and reversal messages.
    FieldSpec::new(
        90,
        "Original data elements",
        Content::N,
        Encoding::BCD,
        bcd(42),
    ),
    FieldSpec::new(
        96,
        "Message security code",
        Content::B,
        Encoding::Binary,
        Length::Fixed(8),
    )
    .sensitive(Sensitivity::Key),
    FieldSpec::new(
        100,
        "Receiving institution identification code",
        Content::N,
        LEFT_F,
        var(BCD_LL, 11),
    ),
    FieldSpec::new(
        102,
        "Account identification 1",
        Content::Ans,
        Encoding::Ascii,
        var(BCD_LL.counting_bytes(), 28),
    ),
    FieldSpec::new(
        128,
        "Message authentication code",
        Content::B,
        Encoding::Binary,
        Length::Fixed(8),
    ),
];

static OVERRIDES: [Override<'static>; 2] = [
    Override {
        mti: Mti::NETWORK_MANAGEMENT_RESPONSE,
        field: f60(LEFT_F),
    },
    Override {
        mti: Mti::NETWORK_MANAGEMENT_RESPONSE,
        field: FieldSpec::new(
            62,
            "Working keys (PIK, MAK, TDK with check values)",
            Content::B,
            Encoding::Binary,
            var(BCD_LLL.counting_bytes(), 999),
        )
        .sensitive(Sensitivity::Key),
    },
];

/// The `cups-pos` spec.
pub static CUPS_POS: Spec<'static> = Spec {
    name: "cups-pos",
    description: "China UnionPay POS terminal dialect (BCD, binary bitmap, TPDU framing)",
    mti: MtiEncoding::Bcd,
    bitmap: BitmapEncoding::Binary,
    fields: &FIELDS,
    overrides: &OVERRIDES,
    plan: Some(&PLAN),
    // Text is single-byte on this wire (GBK text is shown byte for byte).
    charset: paywire_iso8583::spec::Charset::Latin1,
};

/// `FIELDS` compiled for the parser (field 62 of the 0810 response, overridden, is read from
/// its override the general way).
static PLAN: Plan = Plan::compile(&FIELDS);
