//! Message rules: per message type, which fields must be present, may be present, or must not
//! be — what a network's specification tables say (M / C / O / "not allowed"). [`validate`]
//! checks a parsed message against them and reports every violation with its field number.
//!
//! Rules are data, `const`-constructible like specs; JSON specs carry them under `"rules"`
//! (see [`crate::json`]). A field a rule does not list is optional, unless the rule is
//! `closed` (then it is not allowed). One published table ships: [`JPOS_CMF`], jPOS's Common
//! Message Format (the ISO 8583:1987 annex and CUPS tables are not public; a network's own
//! table goes in a JSON spec or rules file).
//!
//! ```
//! use paywire_iso8583::builtin::ISO87ASCII;
//! use paywire_iso8583::rules::{MessageRule, Presence, Rule, Violation, validate};
//! use paywire_iso8583::{MessageBuilder, MessageRef, Mti};
//! const SALE: MessageRule<'static> = MessageRule {
//!     mti: Mti::FINANCIAL_REQUEST,
//!     closed: false,
//!     fields: &[
//!         Rule { field: 3, presence: Presence::Mandatory },
//!         Rule { field: 4, presence: Presence::Mandatory },
//!         Rule { field: 39, presence: Presence::NotAllowed },
//!     ],
//! };
//! let mut b = MessageBuilder::new(&ISO87ASCII, Mti::FINANCIAL_REQUEST);
//! b.set(3, b"000000")?.set(39, b"00")?;
//! let mut buf = [0u8; 64];
//! let wire = b.encode_to_slice(&mut buf)?;
//! let m = MessageRef::parse(&ISO87ASCII, wire)?;
//! let mut issues = validate(&[SALE], &m);
//! assert_eq!(issues.next(), Some(Violation::Missing(4)));
//! assert_eq!(issues.next(), Some(Violation::NotAllowed(39)));
//! assert_eq!(issues.next(), None);
//! # Ok::<(), paywire_iso8583::Error>(())
//! ```

use core::fmt;

mod jpos_cmf;
pub use jpos_cmf::JPOS_CMF;

use crate::mti::Mti;
use crate::parse::{MessageRef, Slots};

/// How a field stands in a message type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Presence {
    /// Must be present (`M`).
    Mandatory,
    /// Present under conditions the rule does not check (`C`, `O`): allowed.
    Conditional,
    /// Must not be present.
    NotAllowed,
}

/// One field's presence in a message type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rule {
    /// The field number.
    pub field: u8,
    /// Its presence.
    pub presence: Presence,
}

/// The rules of one message type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MessageRule<'s> {
    /// The message type.
    pub mti: Mti,
    /// True when fields the rule does not list are not allowed.
    pub closed: bool,
    /// The listed fields.
    pub fields: &'s [Rule],
}

/// A rule a message breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Violation {
    /// A mandatory field is absent.
    Missing(u8),
    /// A field is present that must not be.
    NotAllowed(u8),
    /// The message type has no rules (rules were given for others).
    UnknownType(Mti),
}

impl Violation {
    /// The field concerned (none for [`Violation::UnknownType`]).
    pub const fn field(&self) -> Option<u8> {
        match self {
            Self::Missing(n) | Self::NotAllowed(n) => Some(*n),
            Self::UnknownType(_) => None,
        }
    }

    /// The rule's name as the CLI reports it: `mandatory`, `not-allowed`, `message-type`.
    pub const fn rule(&self) -> &'static str {
        match self {
            Self::Missing(_) => "mandatory",
            Self::NotAllowed(_) => "not-allowed",
            Self::UnknownType(_) => "message-type",
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing(n) => write!(f, "field {n} is mandatory and absent"),
            Self::NotAllowed(n) => write!(f, "field {n} is not allowed in this message type"),
            Self::UnknownType(m) => write!(f, "no rules for message type {m}"),
        }
    }
}

/// Every violation of `rules` by `message`, ascending by field: the mandatory fields it lacks
/// and the fields it has that are not allowed. A message whose type has no rule gives
/// [`Violation::UnknownType`] alone.
pub fn validate<'r, I: Slots>(
    rules: &'r [MessageRule<'r>],
    message: &MessageRef<'_, '_, I>,
) -> impl Iterator<Item = Violation> + 'r {
    let mti = message.mti();
    let rule = rules.iter().find(|r| r.mti == mti);
    let present = *message.bitmap();
    let unknown = rule.is_none().then_some(Violation::UnknownType(mti));
    let checks = (2u8..=192).filter_map(move |n| {
        let rule = rule?;
        let has = present.has_field(n);
        let presence = rule
            .fields
            .iter()
            .find(|r| r.field == n)
            .map(|r| r.presence);
        match (presence, has) {
            (Some(Presence::Mandatory), false) => Some(Violation::Missing(n)),
            (Some(Presence::NotAllowed), true) => Some(Violation::NotAllowed(n)),
            (None, true) if rule.closed => Some(Violation::NotAllowed(n)),
            _ => None,
        }
    });
    unknown.into_iter().chain(checks)
}
