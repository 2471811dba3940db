//! Streaming [`nom`](https://docs.rs/nom) parsers (feature `nom`), for protocol stacks built
//! with nom: a frame of a [`Framing`], and a message of a spec at the start of the input.
//! Input that ends too soon is `Err::Incomplete(Needed)` — read more and call again.
//!
//! The error type is the caller's: any `E: ParseError + FromExternalError<_, Error>`, so
//! `nom::error::Error<&[u8]>` works, and a type of the caller's own can keep this crate's
//! [`Error`] (kind, field, offset) from `from_external_error`.
//!
//! ```
//! use nom::{Err, Needed, Parser as _};
//! use paywire_iso8583::builtin::ISO87ASCII;
//! use paywire_iso8583::framing::Framing;
//! use paywire_iso8583::nom::{frame, message};
//!
//! type E<'a> = nom::error::Error<&'a [u8]>;
//! // A 2-byte length, then an ISO 8583:1987 ASCII 0200.
//! let mut stream = vec![0x00, 0x38];
//! stream.extend_from_slice(b"02007000000000000000164761739001010010000000000000001000");
//! assert_eq!(frame::<E>(Framing::LEN2).parse(&stream[..30]), Err(Err::Incomplete(Needed::new(28))));
//! let (rest, f) = frame::<E>(Framing::LEN2).parse(&stream).unwrap();
//! let (_, m) = message::<E>(&ISO87ASCII).parse(f.message).unwrap();
//! assert_eq!((rest.len(), m.amount()), (0, Some(1000)));
//! // Without a frame, the message itself says where it ends: the PAN is cut here.
//! assert!(matches!(message::<E>(&ISO87ASCII).parse(&stream[2..30]), Err(Err::Incomplete(_))));
//! ```

use ::nom::error::{ErrorKind as NomErrorKind, FromExternalError, ParseError};
use ::nom::{Err, IResult, Needed};

use crate::error::{Error, ErrorKind};
use crate::framing::{Frame, Framing, Status};
use crate::parse::MessageRef;
use crate::spec::Spec;

/// One frame of `framing` at the start of the input: the frame (header and message) and the
/// bytes after it. `Incomplete` says how many more bytes the length header asks for.
pub fn frame<'a, E>(framing: Framing) -> impl Fn(&'a [u8]) -> IResult<&'a [u8], Frame<'a>, E>
where
    E: ParseError<&'a [u8]> + FromExternalError<&'a [u8], Error>,
{
    move |input: &'a [u8]| match framing.decode(input) {
        Ok(Status::Complete(frame)) => {
            let rest = input.get(frame.consumed..).unwrap_or_default();
            Ok((rest, frame))
        }
        Ok(Status::Partial { needed }) => Err(Err::Incomplete(Needed::new(needed))),
        Err(e) => Err(Err::Error(E::from_external_error(
            input,
            NomErrorKind::Verify,
            e,
        ))),
    }
}

/// One message of `spec` at the start of the input (as [`MessageRef::parse_prefix`]): the
/// message and the bytes after it. A message carries no length of its own, so `Incomplete`
/// gives the bytes missing from the field (or MTI, bitmap, length prefix) that was cut — a lower
/// bound: later fields may need more. Where messages arrive framed, parse the [`frame`] first.
///
/// The message keeps its field index inline (about 1.5 KB); a host parsing message after
/// message uses [`MessageRef::parse_in`] with one kept index instead.
pub fn message<'a, 's, E>(
    spec: &'s Spec<'s>,
) -> impl Fn(&'a [u8]) -> IResult<&'a [u8], MessageRef<'a, 's>, E>
where
    E: ParseError<&'a [u8]> + FromExternalError<&'a [u8], Error>,
{
    move |input: &'a [u8]| match MessageRef::parse_prefix(spec, input) {
        Ok((message, rest)) => Ok((rest, message)),
        // `Truncated` is the input ending (a field cut inside a complete field is reported as
        // a malformed subfield instead).
        Err(e) => match e.kind() {
            ErrorKind::Truncated { needed } => Err(Err::Incomplete(Needed::new(needed.max(1)))),
            _ => Err(Err::Error(E::from_external_error(
                input,
                NomErrorKind::Verify,
                e,
            ))),
        },
    }
}
