//! `paywire sec icc-mk|arqc|arqc-verify|arpc`: EMV keys and cryptograms.

use super::*;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum OptionArg {
    /// Option A.
    #[value(name = "a")]
    A,
    /// Option B.
    #[value(name = "b")]
    B,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum SchemeArg {
    /// Visa CVN 10.
    #[value(name = "visa-cvn10")]
    VisaCvn10,
    /// Visa CVN 18.
    #[value(name = "visa-cvn18")]
    VisaCvn18,
    /// Visa CVN 22.
    #[value(name = "visa-cvn22")]
    VisaCvn22,
    /// Mastercard CVN 16.
    #[value(name = "mc-cvn16")]
    McCvn16,
    /// Mastercard CVN 17.
    #[value(name = "mc-cvn17")]
    McCvn17,
    /// Mastercard CVN 20.
    #[value(name = "mc-cvn20")]
    McCvn20,
    /// Mastercard CVN 21.
    #[value(name = "mc-cvn21")]
    McCvn21,
}

impl SchemeArg {
    fn scheme(self) -> Scheme {
        match self {
            Self::VisaCvn10 => Scheme::VisaCvn10,
            Self::VisaCvn18 => Scheme::VisaCvn18,
            Self::VisaCvn22 => Scheme::VisaCvn22,
            Self::McCvn16 => Scheme::McCvn16,
            Self::McCvn17 => Scheme::McCvn17,
            Self::McCvn20 => Scheme::McCvn20,
            Self::McCvn21 => Scheme::McCvn21,
        }
    }
}

/// The card, the transaction and the scheme a cryptogram key is derived for.
#[derive(clap::Args, Debug)]
pub(crate) struct CardArgs {
    /// The issuer master key as hex (double-length TDES).
    #[arg(long)]
    imk: String,
    /// The card number.
    #[arg(long)]
    pan: String,
    /// The PAN sequence number (2 digits).
    #[arg(long)]
    psn: String,
    /// The application transaction counter (2 bytes of hex).
    #[arg(long)]
    atc: String,
    /// The scheme.
    #[arg(long, value_enum)]
    scheme: SchemeArg,
    /// The unpredictable number (4 bytes of hex), for Mastercard CVN 16 and 17.
    #[arg(long)]
    un: Option<String>,
}

/// What an ARQC is computed from.
#[derive(clap::Args, Debug)]
pub(crate) struct CryptogramArgs {
    #[command(flatten)]
    card: CardArgs,
    /// The CDOL data as the scheme lays it out, as hex.
    #[arg(long)]
    data: String,
}

/// The ICC master key for the card (default option by PAN length).
pub(super) fn icc_mk(
    imk: &str,
    pan: &str,
    psn: &str,
    option: Option<OptionArg>,
) -> Result<Key, Failure> {
    let imk = key_arg("imk", imk, Cipher::Tdes)?;
    let option = match option {
        Some(OptionArg::A) => MasterKeyOption::A,
        Some(OptionArg::B) => MasterKeyOption::B,
        None => MasterKeyOption::for_pan(pan.len()),
    };
    let mk = emv::icc_master_key(&imk, pan.as_bytes(), psn.as_bytes(), option)
        .map_err(|e| usage(e.to_string()))?;
    Ok(Key::from_bytes(&mk))
}

/// The scheme's cryptogram key for the card and the transaction.
pub(super) fn cryptogram_key(card: &CardArgs) -> Result<Key, Failure> {
    let scheme = card.scheme.scheme();
    let mk = icc_mk(&card.imk, &card.pan, &card.psn, None)?;
    let atc = fixed::<2>("atc", &card.atc)?;
    let un = card
        .un
        .as_deref()
        .map(|u| fixed::<4>("un", u))
        .transpose()?;
    if scheme.needs_unpredictable_number() && un.is_none() {
        return Err(usage("this scheme's session key needs --un"));
    }
    emv::cryptogram_key(scheme, &mk, atc, un).map_err(|e| usage(e.to_string()))
}

pub(super) fn arqc(args: &CryptogramArgs) -> Result<[u8; 8], Failure> {
    let key = cryptogram_key(&args.card)?;
    let data = hex_arg("data", &args.data)?;
    emv::cryptogram(args.card.scheme.scheme(), &key, &data).map_err(|e| usage(e.to_string()))
}
