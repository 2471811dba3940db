//! The one walk over a merchant-presented payload: every object read once by the one object
//! reader ([`crate::read`]), templates entered as they are reached, the checksum fed object by
//! object. [`PayloadRef::parse`] walks with no rules; [`PayloadRef::parse_and_validate`] and
//! [`PayloadRef::validate`] walk with the EMVCo rules ([`crate::rules`]) reporting findings.
//!
//! Whether rules run is a `const` parameter, so the plain parse compiles to the structural walk
//! alone: no rule runs and no finding is built.

use crc::Digest;

use crate::crc::{CRC, check_crc_last, crc_tail, crc16};
use crate::error::{Error, ErrorKind, Result};
use crate::findings::{Issue, IssueKind, error};
use crate::mpm::{ParseOptions, PayloadRef, is_template};
use crate::path::Path;
use crate::read::read_object;
use crate::rules::{self, Root};

/// Walks the top level of `text` once: reads every object (the same errors, in the same order,
/// with or without rules) and, with `RULES`, checks each object and template on the way.
/// Returns the level's rule state and the ID and offset of the last object.
///
/// With `crc`, each object's bytes (up to the CRC's four digits; a template's header here, its
/// objects in [`walk_template`]) are fed to it just before the object's rules run: the checksum
/// is a chain of dependent table loads, and interleaving it finely with the rules lets the
/// processor run both at once. The rules are written out here rather than called through the
/// rule types' methods: one body keeps the walk, the checksum and the rules in registers
/// (measured: the method form cost 5–9 % on the bench's payloads).
///
/// Inlined, with [`walk_template`] and [`parse`], into `parse_and_validate`, itself inlined
/// into its caller: only where the digest is made is the checksum's algorithm a known constant,
/// and compiled apart the walk runs the `crc` crate's generic table loop (its reflection tests
/// and all) for every object — 5 % more instructions a parse, measured with callgrind.
#[inline(always)]
fn walk_root<'a, const RULES: bool>(
    text: &'a str,
    ascii: bool,
    emit: &mut impl FnMut(Issue),
    mut crc: Option<&mut Digest<'static, u16>>,
    fed: usize,
) -> Result<(Root<'a>, Option<(u8, usize)>)> {
    let crc_end = text.len().saturating_sub(4);
    let mut root = Root::new();
    let mut last = None;
    let mut pos = 0usize;
    while pos < text.len() {
        let (id, start, end) = read_object(text, pos, 0, Path::ROOT, ascii)?;
        let value = text.get(start..end).unwrap_or_default();
        let template = is_template(id);
        if let Some(digest) = crc.as_deref_mut() {
            // A template's own objects are fed one by one as its walk reaches them.
            let to = if template { start } else { end };
            let covered = text.as_bytes().get(pos.max(fed)..to.min(crc_end));
            digest.update(covered.unwrap_or_default());
        }
        if RULES {
            let path = || Path::top(id);
            if root.seen & rules::bit(id) != 0 {
                emit(error(path(), IssueKind::Duplicate));
            } else {
                root.seen |= rules::bit(id);
                if let Some(kept) = rules::slot(id).and_then(|i| root.values.get_mut(i)) {
                    *kept = Some(value);
                }
            }
            rules::check_format(value, ascii, rules::root_rule(id), path, emit);
        }
        if template {
            walk_template::<RULES>(id, value, start, ascii, emit, crc.as_deref_mut())?;
        }
        last = Some((id, pos));
        pos = end;
    }
    Ok((root, last))
}

/// One template's objects (its value `text` starts at byte `base` of the payload): read, and
/// with `RULES` checked, in one pass like [`walk_root`], each object fed to `crc` first.
#[inline(always)]
fn walk_template<const RULES: bool>(
    id: u8,
    text: &str,
    base: usize,
    ascii: bool,
    emit: &mut impl FnMut(Issue),
    mut crc: Option<&mut Digest<'static, u16>>,
) -> Result<()> {
    let parent = Path::top(id);
    let mut seen = 0u128;
    let mut pos = 0usize;
    while pos < text.len() {
        let (sub, start, end) = read_object(text, pos, base, parent, ascii)?;
        let value = text.get(start..end).unwrap_or_default();
        if let Some(digest) = crc.as_deref_mut() {
            digest.update(text.as_bytes().get(pos..end).unwrap_or_default());
        }
        if RULES {
            let path = || Path::nested(id, sub);
            if seen & rules::bit(sub) != 0 {
                emit(error(path(), IssueKind::Duplicate));
            }
            seen |= rules::bit(sub);
            rules::check_format(value, ascii, rules::nested_rule(id, sub), path, emit);
            rules::template_object(id, sub, value, base.saturating_add(start), path, emit);
        }
        pos = end;
    }
    if RULES {
        rules::template_end(id, seen, emit);
    }
    Ok(())
}

/// Parses `text` in one walk, checking the rules `sink` stands for on the way: structure, the
/// closing CRC object and (with the CRC check on) the checksum, computed object by object.
#[inline(always)]
pub(crate) fn parse<'a, const RULES: bool>(
    text: &'a str,
    options: ParseOptions,
    emit: &mut impl FnMut(Issue),
) -> Result<PayloadRef<'a>> {
    let mut digest = CRC.digest();
    // The checksum chain starts before anything else: the first object's header is always the
    // first four bytes.
    let head = if options.check_crc {
        text.len().min(4)
    } else {
        0
    };
    digest.update(text.as_bytes().get(..head).unwrap_or_default());
    let ascii = text.is_ascii();
    // Its errors wait: structural errors come first.
    let tail = crc_tail(text);
    let computed_first = if options.check_crc {
        // A mismatch is an error, not a finding: the checksum can be computed during the walk.
        None
    } else {
        // A mismatch is the first finding, as in `validate`: computed before the walk.
        let computed = tail
            .as_ref()
            .ok()
            .map(|&(_, crc_at)| crc16(text.as_bytes().get(..crc_at).unwrap_or_default()));
        if let (Ok((found, _)), Some(computed)) = (&tail, computed)
            && computed != *found
            && RULES
        {
            let kind = IssueKind::CrcMismatch {
                computed,
                found: *found,
            };
            emit(error(Path::top(63), kind));
        }
        computed
    };
    if RULES {
        rules::text(text, ascii, emit);
    }
    let walk_digest = computed_first.is_none().then_some(&mut digest);
    let (root, last) = walk_root::<RULES>(text, ascii, emit, walk_digest, head)?;
    let (found, crc_at) = tail?;
    check_crc_last(last, crc_at)?;
    // The walk ended on the CRC object, so the digest has seen exactly the bytes before its
    // four digits.
    let computed = computed_first.unwrap_or_else(|| digest.finalize());
    if options.check_crc && computed != found {
        let kind = ErrorKind::CrcMismatch { computed, found };
        return Err(Error::new(kind, Path::top(63), crc_at));
    }
    if RULES {
        root.end(emit);
    }
    Ok(PayloadRef::from_checked(text, found, computed, ascii))
}

/// The EMVCo rules over a payload already parsed: the same findings, in the same order, as
/// [`parse`] with rules reports while parsing.
pub(crate) fn validate(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
    if !payload.crc_ok() {
        let kind = IssueKind::CrcMismatch {
            computed: payload.computed_crc(),
            found: payload.crc(),
        };
        emit(error(Path::top(63), kind));
    }
    let (text, ascii) = (payload.as_str(), payload.is_ascii());
    rules::text(text, ascii, emit);
    // The payload's structure was checked when it was parsed: the walk cannot fail.
    if let Ok((root, _)) = walk_root::<true>(text, ascii, emit, None, 0) {
        root.end(emit);
    }
}

impl<'a> PayloadRef<'a> {
    /// Parses `text`, checking structure and CRC.
    ///
    /// ```
    /// use paywire_emvqr::PayloadRef;
    /// // bacen/pix-api#79.
    /// let text = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
    /// let payload = PayloadRef::parse(text)?;
    /// assert_eq!(payload.value(&[26, 0]), Some("br.gov.bcb.pix"));
    /// assert_eq!(payload.objects().map(|o| o.id()).collect::<Vec<_>>(), [0, 26, 52, 53, 58, 59, 60, 62, 63]);
    /// assert!(PayloadRef::parse(&text.replace("1D3D", "1D3E")).is_err()); // CRC mismatch
    /// assert!(PayloadRef::parse(&text.replace("1D3D", "1d3d")).is_ok()); // lower case accepted
    /// # Ok::<(), paywire_emvqr::Error>(())
    /// ```
    pub fn parse(text: &'a str) -> Result<Self> {
        Self::parse_with(text, ParseOptions::default())
    }

    /// Parses `text` under `options`.
    pub fn parse_with(text: &'a str, options: ParseOptions) -> Result<Self> {
        parse::<false>(text, options, &mut |_| {})
    }

    /// Parses and validates `text` in one walk: the result is exactly
    /// [`PayloadRef::parse_with`]`(text, options)`'s, and when it is `Ok`, `emit` has received
    /// exactly the findings [`PayloadRef::validate`] with [`crate::Rules::Emvco`] reports for
    /// that payload, in the same order. Each object is read once instead of twice (parse, then
    /// validate), and with the CRC check on (the default) the checksum is computed object by
    /// object during the walk.
    ///
    /// Findings are reported as the walk goes, so when the result is an error `emit` may
    /// already have received findings about the objects before the fault: discard them.
    ///
    /// ```
    /// use paywire_emvqr::{ParseOptions, PayloadRef};
    /// // The Pix manual's static example.
    /// let text = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
    /// let mut findings = Vec::new();
    /// let payload = PayloadRef::parse_and_validate(text, ParseOptions::default(), |i| findings.push(i))?;
    /// assert_eq!(payload.merchant_city(), Some("BRASILIA"));
    /// assert!(findings.is_empty());
    /// # Ok::<(), paywire_emvqr::Error>(())
    /// ```
    #[inline] // see `walk_root`: the checksum folds only when inlined into the caller
    pub fn parse_and_validate(
        text: &'a str,
        options: ParseOptions,
        mut emit: impl FnMut(Issue),
    ) -> Result<Self> {
        parse::<true>(text, options, &mut emit)
    }
}
