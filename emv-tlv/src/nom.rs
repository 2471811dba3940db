//! Streaming [`nom`](https://docs.rs/nom) parsers (feature `nom`), for protocol stacks built
//! with nom: the same validation as [`TlvRef::parse_prefix_with`], but input that ends too soon
//! is `Err::Incomplete(Needed)` — read more and call again — instead of an error.
//!
//! The error type is the caller's: any `E: ParseError + FromExternalError<_, Error>`, so
//! `nom::error::Error<&[u8]>` works, and a type of the caller's own can keep this crate's
//! [`Error`] (kind, tag, offset) from `from_external_error`.
//!
//! ```
//! use nom::{Err, Needed, Parser as _};
//! use paywire_emv_tlv::{Tag, nom::tlv};
//!
//! type E<'a> = nom::error::Error<&'a [u8]>;
//! let data = [0x9F, 0x36, 0x02, 0x00, 0x01, 0x9F, 0x37, 0x04, 0x6D, 0x58, 0xEF, 0x13];
//! // Cut inside the second object's value: two more bytes are needed.
//! assert_eq!(tlv::<E>(&data[5..10]), Err(Err::Incomplete(Needed::new(2))));
//! let (rest, atc) = tlv::<E>(&data).unwrap();
//! assert_eq!((atc.tag(), rest.len()), (Tag::APPLICATION_TRANSACTION_COUNTER, 7));
//! // nom's combinators compose with it.
//! let (rest, (_, un)) = (tlv::<E>, tlv::<E>).parse(&data).unwrap();
//! assert_eq!((un.tag(), rest.len()), (Tag::UNPREDICTABLE_NUMBER, 0));
//! ```

use ::nom::error::{ErrorKind as NomErrorKind, FromExternalError, ParseError};
use ::nom::{Err, IResult, Needed};

use crate::error::{Error, ErrorKind};
use crate::header::Header;
use crate::reader::{DecodeOptions, TlvRef};

/// One BER-TLV object at the start of `input` under EMV's rules ([`DecodeOptions::EMV`]):
/// the object and the bytes after it.
pub fn tlv<'a, E>(input: &'a [u8]) -> IResult<&'a [u8], TlvRef<'a>, E>
where
    E: ParseError<&'a [u8]> + FromExternalError<&'a [u8], Error>,
{
    tlv_with(input, DecodeOptions::EMV)
}

/// [`tlv`] under `options` (strict mode, another nesting limit).
pub fn tlv_with<'a, E>(input: &'a [u8], options: DecodeOptions) -> IResult<&'a [u8], TlvRef<'a>, E>
where
    E: ParseError<&'a [u8]> + FromExternalError<&'a [u8], Error>,
{
    let fail = |e: Error| Err::Error(E::from_external_error(input, NomErrorKind::Verify, e));
    // The whole object must be there before it is validated: its header says how long it is.
    match Header::read(input) {
        Ok(header) => {
            let end = header.len.saturating_add(header.value_len);
            if let Some(missing) = end.checked_sub(input.len()).filter(|&m| m > 0) {
                return Err(Err::Incomplete(Needed::new(missing)));
            }
        }
        // The header itself is cut: at least one more byte is needed (the exact count is not
        // known before the tag and the length's first byte are read).
        Err(e) if header_cut(e.kind()) => return Err(Err::Incomplete(Needed::new(1))),
        Err(e) => return Err(fail(e)),
    }
    match TlvRef::parse_prefix_with(input, options) {
        Ok((object, rest)) => Ok((rest, object)),
        Err(e) => Err(fail(e)),
    }
}

/// The errors that mean the input ended inside a header.
const fn header_cut(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::TruncatedTag | ErrorKind::MissingLength | ErrorKind::TruncatedLength
    )
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        reason = "tests"
    )]

    use super::*;

    type E<'a> = ::nom::error::Error<&'a [u8]>;

    #[test]
    fn cut_headers_ask_for_more() {
        // A two-byte tag and a long-form length: 5F2A, 82 00 02.
        let object = [0x5F, 0x2A, 0x82, 0x00, 0x02, 0x01, 0x56];
        for cut in 0..object.len() {
            assert!(
                matches!(tlv::<E>(&object[..cut]), Err(Err::Incomplete(_))),
                "{cut}"
            );
        }
        let (rest, t) = tlv::<E>(&object).unwrap();
        assert!(rest.is_empty());
        assert_eq!(t.value(), [0x01, 0x56]);
    }

    /// An error type that keeps this crate's error kind.
    #[derive(Debug, PartialEq)]
    struct Kept(Option<ErrorKind>);

    impl<'a> ParseError<&'a [u8]> for Kept {
        fn from_error_kind(_: &'a [u8], _: NomErrorKind) -> Self {
            Self(None)
        }
        fn append(_: &'a [u8], _: NomErrorKind, other: Self) -> Self {
            other
        }
    }

    impl<'a> FromExternalError<&'a [u8], Error> for Kept {
        fn from_external_error(_: &'a [u8], _: NomErrorKind, e: Error) -> Self {
            Self(Some(e.kind()))
        }
    }

    #[test]
    fn malformed_is_an_error_with_the_crates_error_kept() {
        // The indefinite length form, and a nested object running past its parent.
        let r = tlv::<Kept>(&[0x5F, 0x2A, 0x80, 0x00]);
        assert_eq!(
            r.unwrap_err(),
            Err::Error(Kept(Some(ErrorKind::IndefiniteLength)))
        );
        let r = tlv::<Kept>(&[0x61, 0x03, 0x4F, 0x05, 0x00]);
        assert!(matches!(
            r,
            Err(Err::Error(Kept(Some(ErrorKind::ValuePastEnd { .. }))))
        ));
    }
}
