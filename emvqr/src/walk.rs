//! The one walk over a merchant-presented payload: every object read once by the one object
//! reader ([`crate::read`]), templates entered as they are reached, the checksum fed object by
//! object. [`PayloadRef::parse`] walks with no rules; [`PayloadRef::parse_and_validate`] and
//! [`PayloadRef::validate`] walk with the EMVCo rules ([`crate::rules`]) reporting findings.
//!
//! The rules are a type parameter ([`Sink`]), so the plain parse compiles to the structural walk
//! alone: no rule runs and no finding is built.

use crc::Digest;

use crate::crc::{CRC, check_crc_last, crc_tail, crc16};
use crate::error::{Error, ErrorKind, Result};
use crate::findings::{Issue, IssueKind, error};
use crate::mpm::{ParseOptions, PayloadRef, is_template};
use crate::path::Path;
use crate::read::read_object;
use crate::rules::{self, Root, Template};

/// Where the walk's findings go, and whether there are rules at all.
pub(crate) trait Sink {
    /// False: structure only (parsing); true: every EMVCo rule too.
    const RULES: bool;
    /// Takes one finding.
    fn emit(&mut self, issue: Issue);
}

/// Structure only: what a plain parse walks with.
pub(crate) struct NoRules;

impl Sink for NoRules {
    const RULES: bool = false;
    fn emit(&mut self, _: Issue) {}
}

/// Every rule, each finding handed to the closure.
pub(crate) struct Emit<F>(pub(crate) F);

impl<F: FnMut(Issue)> Sink for Emit<F> {
    const RULES: bool = true;
    #[inline]
    fn emit(&mut self, issue: Issue) {
        (self.0)(issue);
    }
}

/// Walks the top level of `text` once: reads every object (the same errors, in the same order,
/// whatever the sink) and, with rules, checks each object and template on the way. Returns the
/// level's rule state and the ID and offset of the last object.
///
/// With `crc`, each object's bytes (up to the CRC's four digits; a template's header here, its
/// objects in [`walk_template`]) are fed to it just before the object's rules run: the checksum
/// is a chain of dependent table loads, and interleaving it finely with the rules lets the
/// processor run both at once.
fn walk_root<'a, S: Sink>(
    text: &'a str,
    ascii: bool,
    sink: &mut S,
    mut crc: Option<&mut Digest<'static, u16>>,
    fed: usize,
) -> Result<(Root<'a>, Option<(u8, usize)>)> {
    let crc_end = text.len().saturating_sub(4);
    let mut root = Root::new();
    let mut last = None;
    let mut pos = 0usize;
    while pos < text.len() {
        let (id, start, end) = read_object(text, pos, 0, Path::ROOT, ascii)?;
        let template = is_template(id);
        if let Some(digest) = crc.as_deref_mut() {
            // A template's own objects are fed one by one as its walk reaches them.
            let to = if template { start } else { end };
            let covered = text.as_bytes().get(pos.max(fed)..to.min(crc_end));
            digest.update(covered.unwrap_or_default());
        }
        if S::RULES || template {
            let value = text.get(start..end).unwrap_or_default();
            if S::RULES {
                root.object(id, value, ascii, &mut |i| sink.emit(i));
            }
            if template {
                walk_template(id, value, start, ascii, sink, crc.as_deref_mut())?;
            }
        }
        last = Some((id, pos));
        pos = end;
    }
    Ok((root, last))
}

/// One template's objects (its value `text` starts at byte `base` of the payload): read, and
/// with rules checked, in one pass like [`walk_root`], each object fed to `crc` first.
fn walk_template<S: Sink>(
    id: u8,
    text: &str,
    base: usize,
    ascii: bool,
    sink: &mut S,
    mut crc: Option<&mut Digest<'static, u16>>,
) -> Result<()> {
    let parent = Path::top(id);
    let mut template = Template::new(id);
    let mut pos = 0usize;
    while pos < text.len() {
        let (sub, start, end) = read_object(text, pos, base, parent, ascii)?;
        if let Some(digest) = crc.as_deref_mut() {
            digest.update(text.as_bytes().get(pos..end).unwrap_or_default());
        }
        if S::RULES {
            let value = text.get(start..end).unwrap_or_default();
            let at = base.saturating_add(start);
            template.object(sub, value, at, ascii, &mut |i| sink.emit(i));
        }
        pos = end;
    }
    if S::RULES {
        template.end(&mut |i| sink.emit(i));
    }
    Ok(())
}

/// Parses `text` in one walk, checking the rules `sink` stands for on the way: structure, the
/// closing CRC object and (with the CRC check on) the checksum, computed object by object.
pub(crate) fn parse<'a, S: Sink>(
    text: &'a str,
    options: ParseOptions,
    sink: &mut S,
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
            && S::RULES
        {
            let kind = IssueKind::CrcMismatch {
                computed,
                found: *found,
            };
            sink.emit(error(Path::top(63), kind));
        }
        computed
    };
    if S::RULES {
        rules::text(text, ascii, &mut |i| sink.emit(i));
    }
    let walk_digest = computed_first.is_none().then_some(&mut digest);
    let (root, last) = walk_root(text, ascii, sink, walk_digest, head)?;
    let (found, crc_at) = tail?;
    check_crc_last(last, crc_at)?;
    // The walk ended on the CRC object, so the digest has seen exactly the bytes before its
    // four digits.
    let computed = computed_first.unwrap_or_else(|| digest.finalize());
    if options.check_crc && computed != found {
        let kind = ErrorKind::CrcMismatch { computed, found };
        return Err(Error::new(kind, Path::top(63), crc_at));
    }
    if S::RULES {
        root.end(&mut |i| sink.emit(i));
    }
    Ok(PayloadRef::from_checked(text, found, computed, ascii))
}

/// The EMVCo rules over a payload already parsed: the same findings, in the same order, as
/// [`parse`] with rules reports while parsing.
pub(crate) fn validate<S: Sink>(payload: &PayloadRef<'_>, sink: &mut S) {
    if !payload.crc_ok() {
        let kind = IssueKind::CrcMismatch {
            computed: payload.computed_crc(),
            found: payload.crc(),
        };
        sink.emit(error(Path::top(63), kind));
    }
    let (text, ascii) = (payload.as_str(), payload.is_ascii());
    rules::text(text, ascii, &mut |i| sink.emit(i));
    // The payload's structure was checked when it was parsed: the walk cannot fail.
    if let Ok((root, _)) = walk_root(text, ascii, sink, None, 0) {
        root.end(&mut |i| sink.emit(i));
    }
}

impl<'a> PayloadRef<'a> {
    /// Parses `text`, checking structure and CRC.
    pub fn parse(text: &'a str) -> Result<Self> {
        Self::parse_with(text, ParseOptions::default())
    }

    /// Parses `text` under `options`.
    pub fn parse_with(text: &'a str, options: ParseOptions) -> Result<Self> {
        parse(text, options, &mut NoRules)
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
    /// use emvqr::{ParseOptions, PayloadRef};
    /// // The Pix manual's static example.
    /// let text = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
    /// let mut findings = Vec::new();
    /// let payload = PayloadRef::parse_and_validate(text, ParseOptions::default(), |i| findings.push(i))?;
    /// assert_eq!(payload.merchant_city(), Some("BRASILIA"));
    /// assert!(findings.is_empty());
    /// # Ok::<(), emvqr::Error>(())
    /// ```
    pub fn parse_and_validate(
        text: &'a str,
        options: ParseOptions,
        emit: impl FnMut(Issue),
    ) -> Result<Self> {
        parse(text, options, &mut Emit(emit))
    }
}
