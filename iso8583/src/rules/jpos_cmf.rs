//! The message rules of jPOS's Common Message Format (jPOS-CMF), an ISO 8583:2003-based format
//! published with its specification tables (jpos/jPOS-CMF, `src/docx/txn_auth.xml`,
//! `txn_financial.xml`, `txn_completion.xml`, `txn_reversal.xml`, `txn_settlement.xml` at
//! commit 2502d70; condition codes in `conditionals.xml`; CC BY-SA 3.0). CMF writes MTIs as
//! three digits after the version digit `2` (`message_components.xml`): 2100, 2110, ….
//!
//! Each field a table gives a message is listed: `M`, and the codes that are mandatory without
//! a condition (`03` "Mandatory, contains the same data as the original…", `27` "Mandatory,
//! shall echo the first two positions of the processing code"), are [`Presence::Mandatory`];
//! `ME` (mandatory echo "if present") is mandatory where the request's field is; every other
//! code (`O`, "mandatory if …") is [`Presence::Conditional`]. A field the table leaves blank for
//! the message is not listed (the tables do not say it must be absent), and the rules are open.
//! The tables' code is kept beside each rule. Not included: the file-update tables (304/314),
//! where three tables share one MTI and field 24 tells them apart.

use super::{MessageRule, Presence, Rule};
use crate::mti::Mti;
use Presence::{Conditional, Mandatory};

const fn cmf_rule(field: u8, presence: Presence) -> Rule {
    Rule { field, presence }
}

const fn cmf(mti: u16, fields: &'static [Rule]) -> MessageRule<'static> {
    MessageRule {
        mti: Mti(mti),
        closed: false,
        fields,
    }
}

/// `txn_auth.xml`, MTI 100.
const CMF_2100: &[Rule] = &[
    cmf_rule(2, Conditional),   // 07
    cmf_rule(3, Mandatory),     // M
    cmf_rule(4, Conditional),   // 26
    cmf_rule(7, Conditional),   // 30
    cmf_rule(11, Mandatory),    // M
    cmf_rule(12, Mandatory),    // M
    cmf_rule(13, Conditional),  // 02
    cmf_rule(14, Conditional),  // 02
    cmf_rule(21, Conditional),  // 33
    cmf_rule(22, Mandatory),    // M
    cmf_rule(23, Conditional),  // 02
    cmf_rule(24, Mandatory),    // M
    cmf_rule(26, Mandatory),    // M
    cmf_rule(30, Conditional),  // O
    cmf_rule(32, Conditional),  // O
    cmf_rule(35, Conditional),  // 06
    cmf_rule(41, Conditional),  // 15
    cmf_rule(42, Conditional),  // 15
    cmf_rule(43, Conditional),  // O
    cmf_rule(45, Conditional),  // 06
    cmf_rule(46, Conditional),  // O
    cmf_rule(49, Conditional),  // 45
    cmf_rule(59, Conditional),  // O
    cmf_rule(63, Conditional),  // O
    cmf_rule(111, Conditional), // O
];
/// `txn_auth.xml`, MTI 110.
const CMF_2110: &[Rule] = &[
    cmf_rule(2, Conditional),   // 16
    cmf_rule(3, Mandatory),     // 27
    cmf_rule(4, Conditional),   // 26
    cmf_rule(7, Conditional),   // 30
    cmf_rule(11, Mandatory),    // ME
    cmf_rule(12, Mandatory),    // ME
    cmf_rule(18, Conditional),  // 36
    cmf_rule(21, Conditional),  // 33
    cmf_rule(30, Conditional),  // O
    cmf_rule(32, Conditional),  // O
    cmf_rule(38, Conditional),  // 31
    cmf_rule(39, Mandatory),    // M
    cmf_rule(41, Conditional),  // 16
    cmf_rule(42, Conditional),  // 16
    cmf_rule(43, Conditional),  // O
    cmf_rule(46, Conditional),  // O
    cmf_rule(49, Conditional),  // 45
    cmf_rule(59, Conditional),  // 16
    cmf_rule(63, Conditional),  // ME
    cmf_rule(111, Conditional), // ME
];
/// `txn_financial.xml`, MTI 200: `txn_financial.xml`'s table is the same as `txn_auth.xml`'s.
const CMF_2200: &[Rule] = CMF_2100;
/// `txn_financial.xml`, MTI 210: `txn_financial.xml`'s table is the same as `txn_auth.xml`'s.
const CMF_2210: &[Rule] = CMF_2110;
/// `txn_completion.xml`, MTI 220.
const CMF_2220: &[Rule] = &[
    cmf_rule(2, Conditional),   // 07
    cmf_rule(3, Mandatory),     // M
    cmf_rule(4, Mandatory),     // M
    cmf_rule(7, Conditional),   // 30
    cmf_rule(11, Mandatory),    // M
    cmf_rule(12, Mandatory),    // M
    cmf_rule(13, Conditional),  // 02
    cmf_rule(14, Conditional),  // 02
    cmf_rule(21, Conditional),  // 33
    cmf_rule(22, Mandatory),    // M
    cmf_rule(23, Conditional),  // 02
    cmf_rule(24, Mandatory),    // M
    cmf_rule(25, Mandatory),    // M
    cmf_rule(26, Mandatory),    // M
    cmf_rule(30, Conditional),  // O
    cmf_rule(32, Conditional),  // O
    cmf_rule(37, Conditional),  // O
    cmf_rule(39, Mandatory),    // M
    cmf_rule(41, Conditional),  // 15
    cmf_rule(42, Conditional),  // 15
    cmf_rule(43, Conditional),  // O
    cmf_rule(46, Conditional),  // O
    cmf_rule(59, Conditional),  // O
    cmf_rule(63, Conditional),  // O
    cmf_rule(111, Conditional), // O
];
/// `txn_completion.xml`, MTI 230.
const CMF_2230: &[Rule] = &[
    cmf_rule(2, Conditional),   // 16
    cmf_rule(3, Mandatory),     // ME
    cmf_rule(4, Mandatory),     // M
    cmf_rule(7, Conditional),   // 30
    cmf_rule(11, Mandatory),    // ME
    cmf_rule(12, Mandatory),    // ME
    cmf_rule(18, Conditional),  // 36
    cmf_rule(21, Conditional),  // 33
    cmf_rule(30, Conditional),  // O
    cmf_rule(32, Conditional),  // O
    cmf_rule(37, Conditional),  // ME
    cmf_rule(38, Conditional),  // 31
    cmf_rule(39, Mandatory),    // M
    cmf_rule(41, Conditional),  // 16
    cmf_rule(42, Conditional),  // 16
    cmf_rule(43, Conditional),  // O
    cmf_rule(46, Conditional),  // O
    cmf_rule(59, Conditional),  // 16
    cmf_rule(63, Conditional),  // ME
    cmf_rule(111, Conditional), // ME
];
/// `txn_reversal.xml`, MTI 400.
const CMF_2400: &[Rule] = &[
    cmf_rule(2, Conditional),   // 07
    cmf_rule(3, Mandatory),     // 03
    cmf_rule(4, Mandatory),     // M
    cmf_rule(7, Conditional),   // 30
    cmf_rule(11, Mandatory),    // M
    cmf_rule(12, Mandatory),    // M
    cmf_rule(21, Conditional),  // 33
    cmf_rule(24, Mandatory),    // M
    cmf_rule(25, Mandatory),    // M
    cmf_rule(30, Conditional),  // O
    cmf_rule(32, Conditional),  // O
    cmf_rule(41, Conditional),  // 15
    cmf_rule(56, Mandatory),    // M
    cmf_rule(59, Conditional),  // O
    cmf_rule(63, Conditional),  // O
    cmf_rule(111, Conditional), // O
];
/// `txn_reversal.xml`, MTI 420: `txn_reversal.xml` gives 400 and 420 one column.
const CMF_2420: &[Rule] = CMF_2400;
/// `txn_reversal.xml`, MTI 410.
const CMF_2410: &[Rule] = &[
    cmf_rule(2, Conditional),   // 16
    cmf_rule(3, Conditional),   // 16
    cmf_rule(4, Mandatory),     // M
    cmf_rule(7, Conditional),   // 30
    cmf_rule(11, Mandatory),    // ME
    cmf_rule(12, Mandatory),    // ME
    cmf_rule(18, Conditional),  // 36
    cmf_rule(21, Conditional),  // 33
    cmf_rule(30, Conditional),  // O
    cmf_rule(32, Conditional),  // O
    cmf_rule(41, Conditional),  // 16
    cmf_rule(59, Conditional),  // 16
    cmf_rule(63, Conditional),  // ME
    cmf_rule(111, Conditional), // ME
];
/// `txn_reversal.xml`, MTI 430: `txn_reversal.xml` gives 410 and 430 one column.
const CMF_2430: &[Rule] = CMF_2410;
/// `txn_settlement.xml`, MTI 540.
const CMF_2540: &[Rule] = &[
    cmf_rule(7, Mandatory),     // M
    cmf_rule(11, Mandatory),    // M
    cmf_rule(12, Mandatory),    // M
    cmf_rule(13, Conditional),  // 02
    cmf_rule(24, Mandatory),    // M
    cmf_rule(41, Conditional),  // 15
    cmf_rule(68, Mandatory),    // M
    cmf_rule(74, Mandatory),    // M
    cmf_rule(97, Mandatory),    // M
    cmf_rule(111, Conditional), // O
];
/// `txn_settlement.xml`, MTI 550.
const CMF_2550: &[Rule] = &[
    cmf_rule(7, Mandatory),     // ME
    cmf_rule(11, Mandatory),    // ME
    cmf_rule(12, Mandatory),    // ME
    cmf_rule(41, Conditional),  // 16
    cmf_rule(68, Mandatory),    // ME
    cmf_rule(74, Mandatory),    // ME
    cmf_rule(97, Mandatory),    // ME
    cmf_rule(111, Conditional), // ME
];

/// jPOS-CMF's message rules: authorization (2100/2110), financial (2200/2210), completion
/// (2220/2230), reversal (2400/2410, 2420/2430) and settlement (2540/2550) — see the module
/// documentation for how the tables' codes map.
pub const JPOS_CMF: &[MessageRule<'static>] = &[
    cmf(2100, CMF_2100),
    cmf(2110, CMF_2110),
    cmf(2200, CMF_2200),
    cmf(2210, CMF_2210),
    cmf(2220, CMF_2220),
    cmf(2230, CMF_2230),
    cmf(2400, CMF_2400),
    cmf(2420, CMF_2420),
    cmf(2410, CMF_2410),
    cmf(2430, CMF_2430),
    cmf(2540, CMF_2540),
    cmf(2550, CMF_2550),
];
