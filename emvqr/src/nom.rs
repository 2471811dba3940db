//! Streaming [`nom`](https://docs.rs/nom) parsers (feature `nom`) over text: one MPM object
//! (`ID LENGTH VALUE`, the length in characters), and a whole merchant-presented payload, which
//! ends with its CRC object `63`. Input that ends too soon is `Err::Incomplete(Needed)`.
//!
//! The error type is the caller's: any `E: ParseError + FromExternalError<_, Error>`, so
//! `nom::error::Error<&str>` works, and a type of the caller's own can keep this crate's
//! [`Error`] (kind, path, offset) from `from_external_error`.
//!
//! ```
//! use nom::{Err, Needed, Parser as _};
//! use paywire_emvqr::nom::{object, payload};
//!
//! type E<'a> = nom::error::Error<&'a str>;
//! // bacen/pix-api#79, then the next line of a scanner's output.
//! let text = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D\r\n";
//! let (rest, first) = object::<E>(text).unwrap();
//! assert_eq!((first.id(), first.value(), rest.len()), (0, "01", text.len() - 6));
//! // Cut before the CRC: at least the 8 characters of object 63 are missing.
//! assert_eq!(payload::<E>(&text[..129]), Err(Err::Incomplete(Needed::new(8))));
//! // Cut inside the header of object 62: two more characters are needed to read it.
//! assert_eq!(payload::<E>(&text[..120]), Err(Err::Incomplete(Needed::new(2))));
//! let (rest, p) = payload::<E>(text).unwrap();
//! assert_eq!((p.merchant_city(), rest), (Some("BRASILIA"), "\r\n"));
//! ```

use ::nom::error::{ErrorKind as NomErrorKind, FromExternalError, ParseError};
use ::nom::{Err, IResult, Needed};

use crate::error::{Error, ErrorKind};
use crate::mpm::{ObjectRef, ParseOptions, PayloadRef};
use crate::path::Path;
use crate::read::read_object;

/// Characters of the CRC object: `6304` and four hex digits.
const CRC_OBJECT_LEN: usize = 8;

fn error<'a, E>(input: &'a str, e: Error) -> Err<E>
where
    E: ParseError<&'a str> + FromExternalError<&'a str, Error>,
{
    Err::Error(E::from_external_error(input, NomErrorKind::Verify, e))
}

/// The object at the start of `input` and the text after it.
pub fn object<'a, E>(input: &'a str) -> IResult<&'a str, ObjectRef<'a>, E>
where
    E: ParseError<&'a str> + FromExternalError<&'a str, Error>,
{
    let ascii = input.is_ascii();
    let (id, start, end) = read(input, ascii)?;
    let value = input.get(start..end).unwrap_or_default();
    let rest = input.get(end..).unwrap_or_default();
    Ok((rest, ObjectRef::top_level(id, value, ascii)))
}

/// Reads the object at the start of `input`: its ID and the byte range of its value, or how
/// many more characters it needs.
fn read<'a, E>(input: &'a str, ascii: bool) -> Result<(u8, usize, usize), Err<E>>
where
    E: ParseError<&'a str> + FromExternalError<&'a str, Error>,
{
    match read_object(input, 0, 0, Path::ROOT, ascii) {
        Ok(found) => Ok(found),
        Err(e) => match e.kind() {
            // The header (2 ID digits, 2 length digits) is cut: the digits that are there
            // must still be digits.
            ErrorKind::Truncated if input.bytes().all(|b| b.is_ascii_digit()) => Err(
                Err::Incomplete(Needed::new(4usize.saturating_sub(input.len()).max(1))),
            ),
            ErrorKind::ValuePastEnd { length, available } => Err(Err::Incomplete(Needed::new(
                length.saturating_sub(available).max(1),
            ))),
            _ => Err(error(input, e)),
        },
    }
}

/// A merchant-presented payload at the start of `input`, up to and including its CRC object
/// `63`, parsed and CRC-checked as [`PayloadRef::parse`] does; returns it and the text after
/// it. Until object `63` has arrived, `Incomplete` asks for at least the object being read or
/// the 8 characters of `6304XXXX`.
pub fn payload<'a, E>(input: &'a str) -> IResult<&'a str, PayloadRef<'a>, E>
where
    E: ParseError<&'a str> + FromExternalError<&'a str, Error>,
{
    payload_with(input, ParseOptions::default())
}

/// [`payload`] under `options`.
pub fn payload_with<'a, E>(
    input: &'a str,
    options: ParseOptions,
) -> IResult<&'a str, PayloadRef<'a>, E>
where
    E: ParseError<&'a str> + FromExternalError<&'a str, Error>,
{
    let ascii = input.is_ascii();
    let mut pos = 0usize;
    loop {
        let rest = input.get(pos..).unwrap_or_default();
        if rest.is_empty() {
            return Err(Err::Incomplete(Needed::new(CRC_OBJECT_LEN)));
        }
        let (id, _, end) = read(rest, ascii)?;
        pos = pos.saturating_add(end);
        if id == 63 {
            break;
        }
    }
    let (text, rest) = input.split_at_checked(pos).unwrap_or((input, ""));
    match PayloadRef::parse_with(text, options) {
        Ok(payload) => Ok((rest, payload)),
        Err(e) => Err(error(input, e)),
    }
}
