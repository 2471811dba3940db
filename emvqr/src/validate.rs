//! Validation: the EMVCo MPM rules and, when asked, a national profile's, every finding reported
//! with a severity and a path, without allocating.

use crate::findings::{Issue, Severity};
use crate::mpm::PayloadRef;
use crate::profile::{self, Profile};
use crate::walk;

/// Which rules a validation applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rules {
    /// EMVCo's rules only.
    Emvco,
    /// EMVCo's, and those of the profile the payload's merchant accounts name (if any).
    Detect,
    /// EMVCo's and this profile's.
    Profile(Profile),
}

impl Rules {
    /// The profile these rules add for `payload`.
    fn profile(self, payload: &PayloadRef<'_>) -> Option<Profile> {
        match self {
            Self::Emvco => None,
            Self::Detect => profile::detect(payload),
            Self::Profile(p) => Some(p),
        }
    }
}

impl PayloadRef<'_> {
    /// Runs `rules`, calling `emit` for each finding (no allocation). The payload is walked once;
    /// each template's objects are walked when the template is reached. A profile turns the
    /// EMVCo findings its scheme bends into warnings, then adds its own.
    ///
    /// ```
    /// use paywire_emvqr::{PayloadRef, Rules, Severity};
    /// // PromptPay (dtinth/promptpay-qr): no MCC, name or city, as PromptPay codes go.
    /// let text = "00020101021229370016A000000677010111011300660000000005802TH530376454044.226304E469";
    /// let payload = PayloadRef::parse(text)?;
    /// let mut errors = 0;
    /// payload.validate(Rules::Emvco, |i| errors += usize::from(i.severity == Severity::Error));
    /// assert_eq!(errors, 3);
    /// errors = 0;
    /// payload.validate(Rules::Detect, |i| errors += usize::from(i.severity == Severity::Error));
    /// assert_eq!(errors, 0);
    /// # Ok::<(), paywire_emvqr::Error>(())
    /// ```
    pub fn validate(&self, rules: Rules, mut emit: impl FnMut(Issue)) {
        let Some(profile) = rules.profile(self) else {
            walk::validate(self, &mut emit);
            return;
        };
        walk::validate(self, &mut |mut issue: Issue| {
            if profile::relaxed(profile, &issue) {
                issue.severity = Severity::Warning;
            }
            emit(issue);
        });
        profile::check(profile, self, &mut emit);
    }

    /// Every finding of `rules` in a `Vec`.
    #[cfg(feature = "alloc")]
    pub fn issues(&self, rules: Rules) -> alloc::vec::Vec<Issue> {
        let mut out = alloc::vec::Vec::new();
        self.validate(rules, |i| out.push(i));
        out
    }
}
