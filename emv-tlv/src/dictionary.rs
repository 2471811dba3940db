//! Names and formats of the common EMV tags, with a constant on [`Tag`] for each.
//!
//! Sources: EMV 4.3 Book 3 Annex A (data element dictionary), the EMVCo QR Code Specification for
//! Payment Systems — Consumer-Presented Mode v1.0 (templates `62`–`64`, `85`, `9F25`), and
//! payment-system specifications for the few scheme tags seen in ISO 8583 DE 55.

pub use crate::mask::Sensitivity;
use crate::tag::Tag;

/// The format of a data element (EMV Book 3, section 4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// `b`: binary.
    Binary,
    /// `n`: numeric, BCD right-justified with leading zeros.
    Numeric,
    /// `cn`: compressed numeric, BCD left-justified padded with `F`.
    CompressedNumeric,
    /// `a`: alphabetic.
    Alpha,
    /// `an`: alphanumeric.
    AlphaNumeric,
    /// `ans`: alphanumeric and special characters (EMV common character set).
    AlphaNumericSpecial,
    /// A constructed template holding other objects.
    Template,
}

impl Format {
    /// True when the value is text (`a`, `an`, `ans`).
    pub const fn is_text(self) -> bool {
        matches!(
            self,
            Self::Alpha | Self::AlphaNumeric | Self::AlphaNumericSpecial
        )
    }
}

/// Which specification defines a tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// EMV 4.3 Book 3, Annex A.
    EmvBook3,
    /// EMVCo QR Code Specification for Payment Systems, Consumer-Presented Mode.
    EmvcoQrCpm,
    /// A payment system's own specification (tags `9F50`–`9F7F` and proprietary ones).
    PaymentSystem(&'static str),
}

/// What the dictionary knows about a tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TagInfo {
    /// The tag.
    pub tag: Tag,
    /// Its name as the defining specification writes it.
    pub name: &'static str,
    /// Its format.
    pub format: Format,
    /// Where it is defined.
    pub source: Source,
    /// How it is masked when printed.
    pub sensitivity: Sensitivity,
}

macro_rules! dictionary {
    ($( $konst:ident = $num:literal, $name:literal, $format:ident, $source:expr, $sens:ident; )*) => {
        impl Tag {
            $(
                #[doc = concat!("`", stringify!($num), "`: ", $name, ".")]
                pub const $konst: Tag = Tag::known($num);
            )*
        }

        /// Every entry, ordered by tag number.
        pub static TAGS: &[TagInfo] = &[
            $(
                TagInfo {
                    tag: Tag::$konst,
                    name: $name,
                    format: Format::$format,
                    source: $source,
                    sensitivity: Sensitivity::$sens,
                },
            )*
        ];
    };
}

const B3: Source = Source::EmvBook3;
const CPM: Source = Source::EmvcoQrCpm;
const MASTERCARD: Source = Source::PaymentSystem("Mastercard");
const UNIONPAY: Source = Source::PaymentSystem("UnionPay (PBOC)");

dictionary! {
    ISSUER_IDENTIFICATION_NUMBER = 0x42, "Issuer Identification Number (IIN)", Numeric, B3, Public;
    APPLICATION_IDENTIFIER = 0x4F, "Application Identifier (ADF Name)", Binary, B3, Public;
    APPLICATION_LABEL = 0x50, "Application Label", AlphaNumericSpecial, B3, Public;
    TRACK1_EQUIVALENT_DATA = 0x56, "Track 1 Equivalent Data", AlphaNumericSpecial, MASTERCARD, Track;
    TRACK2_EQUIVALENT_DATA = 0x57, "Track 2 Equivalent Data", Binary, B3, Track;
    APPLICATION_PAN = 0x5A, "Application Primary Account Number (PAN)", CompressedNumeric, B3, Pan;
    APPLICATION_TEMPLATE = 0x61, "Application Template", Template, B3, Public;
    COMMON_DATA_TEMPLATE = 0x62, "Common Data Template", Template, CPM, Public;
    APPLICATION_SPECIFIC_TRANSPARENT_TEMPLATE = 0x63, "Application Specific Transparent Template", Template, CPM, Public;
    COMMON_DATA_TRANSPARENT_TEMPLATE = 0x64, "Common Data Transparent Template", Template, CPM, Public;
    FCI_TEMPLATE = 0x6F, "File Control Information (FCI) Template", Template, B3, Public;
    READ_RECORD_RESPONSE_TEMPLATE = 0x70, "READ RECORD Response Message Template", Template, B3, Public;
    ISSUER_SCRIPT_TEMPLATE_1 = 0x71, "Issuer Script Template 1", Template, B3, Public;
    ISSUER_SCRIPT_TEMPLATE_2 = 0x72, "Issuer Script Template 2", Template, B3, Public;
    DIRECTORY_DISCRETIONARY_TEMPLATE = 0x73, "Directory Discretionary Template", Template, B3, Public;
    RESPONSE_TEMPLATE_FORMAT_2 = 0x77, "Response Message Template Format 2", Template, B3, Public;
    RESPONSE_TEMPLATE_FORMAT_1 = 0x80, "Response Message Template Format 1", Binary, B3, Public;
    AMOUNT_AUTHORISED_BINARY = 0x81, "Amount, Authorised (Binary)", Binary, B3, Public;
    APPLICATION_INTERCHANGE_PROFILE = 0x82, "Application Interchange Profile", Binary, B3, Public;
    COMMAND_TEMPLATE = 0x83, "Command Template", Binary, B3, Public;
    DEDICATED_FILE_NAME = 0x84, "Dedicated File (DF) Name", Binary, B3, Public;
    PAYLOAD_FORMAT_INDICATOR = 0x85, "Payload Format Indicator", AlphaNumericSpecial, CPM, Public;
    ISSUER_SCRIPT_COMMAND = 0x86, "Issuer Script Command", Binary, B3, Public;
    APPLICATION_PRIORITY_INDICATOR = 0x87, "Application Priority Indicator", Binary, B3, Public;
    SHORT_FILE_IDENTIFIER = 0x88, "Short File Identifier (SFI)", Binary, B3, Public;
    AUTHORISATION_CODE = 0x89, "Authorisation Code", AlphaNumericSpecial, B3, Public;
    AUTHORISATION_RESPONSE_CODE = 0x8A, "Authorisation Response Code", AlphaNumeric, B3, Public;
    CDOL1 = 0x8C, "Card Risk Management Data Object List 1 (CDOL1)", Binary, B3, Public;
    CDOL2 = 0x8D, "Card Risk Management Data Object List 2 (CDOL2)", Binary, B3, Public;
    CVM_LIST = 0x8E, "Cardholder Verification Method (CVM) List", Binary, B3, Public;
    CA_PUBLIC_KEY_INDEX = 0x8F, "Certification Authority Public Key Index", Binary, B3, Public;
    ISSUER_PUBLIC_KEY_CERTIFICATE = 0x90, "Issuer Public Key Certificate", Binary, B3, Public;
    ISSUER_AUTHENTICATION_DATA = 0x91, "Issuer Authentication Data", Binary, B3, Public;
    ISSUER_PUBLIC_KEY_REMAINDER = 0x92, "Issuer Public Key Remainder", Binary, B3, Public;
    SIGNED_STATIC_APPLICATION_DATA = 0x93, "Signed Static Application Data", Binary, B3, Public;
    APPLICATION_FILE_LOCATOR = 0x94, "Application File Locator (AFL)", Binary, B3, Public;
    TERMINAL_VERIFICATION_RESULTS = 0x95, "Terminal Verification Results", Binary, B3, Public;
    TDOL = 0x97, "Transaction Certificate Data Object List (TDOL)", Binary, B3, Public;
    TC_HASH_VALUE = 0x98, "Transaction Certificate (TC) Hash Value", Binary, B3, Public;
    TRANSACTION_PIN_DATA = 0x99, "Transaction Personal Identification Number (PIN) Data", Binary, B3, PinBlock;
    TRANSACTION_DATE = 0x9A, "Transaction Date", Numeric, B3, Public;
    TRANSACTION_STATUS_INFORMATION = 0x9B, "Transaction Status Information", Binary, B3, Public;
    TRANSACTION_TYPE = 0x9C, "Transaction Type", Numeric, B3, Public;
    DDF_NAME = 0x9D, "Directory Definition File (DDF) Name", Binary, B3, Public;
    CARDHOLDER_NAME = 0x5F20, "Cardholder Name", AlphaNumericSpecial, B3, Public;
    APPLICATION_EXPIRATION_DATE = 0x5F24, "Application Expiration Date", Numeric, B3, Public;
    APPLICATION_EFFECTIVE_DATE = 0x5F25, "Application Effective Date", Numeric, B3, Public;
    ISSUER_COUNTRY_CODE = 0x5F28, "Issuer Country Code", Numeric, B3, Public;
    TRANSACTION_CURRENCY_CODE = 0x5F2A, "Transaction Currency Code", Numeric, B3, Public;
    LANGUAGE_PREFERENCE = 0x5F2D, "Language Preference", AlphaNumeric, B3, Public;
    SERVICE_CODE = 0x5F30, "Service Code", Numeric, B3, Public;
    PAN_SEQUENCE_NUMBER = 0x5F34, "Application Primary Account Number (PAN) Sequence Number", Numeric, B3, Public;
    TRANSACTION_CURRENCY_EXPONENT = 0x5F36, "Transaction Currency Exponent", Numeric, B3, Public;
    ISSUER_URL = 0x5F50, "Issuer URL", AlphaNumericSpecial, B3, Public;
    IBAN = 0x5F53, "International Bank Account Number (IBAN)", Binary, B3, Public;
    BANK_IDENTIFIER_CODE = 0x5F54, "Bank Identifier Code (BIC)", Binary, B3, Public;
    ISSUER_COUNTRY_CODE_ALPHA2 = 0x5F55, "Issuer Country Code (alpha2 format)", Alpha, B3, Public;
    ISSUER_COUNTRY_CODE_ALPHA3 = 0x5F56, "Issuer Country Code (alpha3 format)", Alpha, B3, Public;
    FCI_PROPRIETARY_TEMPLATE = 0xA5, "File Control Information (FCI) Proprietary Template", Template, B3, Public;
    FCI_ISSUER_DISCRETIONARY_DATA = 0xBF0C, "File Control Information (FCI) Issuer Discretionary Data", Template, B3, Public;
    ISSUER_SCRIPT_RESULTS = 0xDF31, "Issuer Script Results", Binary, UNIONPAY, Public;
    ACQUIRER_IDENTIFIER = 0x9F01, "Acquirer Identifier", Numeric, B3, Public;
    AMOUNT_AUTHORISED = 0x9F02, "Amount, Authorised (Numeric)", Numeric, B3, Public;
    AMOUNT_OTHER = 0x9F03, "Amount, Other (Numeric)", Numeric, B3, Public;
    AMOUNT_OTHER_BINARY = 0x9F04, "Amount, Other (Binary)", Binary, B3, Public;
    APPLICATION_DISCRETIONARY_DATA = 0x9F05, "Application Discretionary Data", Binary, B3, Public;
    TERMINAL_APPLICATION_IDENTIFIER = 0x9F06, "Application Identifier (AID) - terminal", Binary, B3, Public;
    APPLICATION_USAGE_CONTROL = 0x9F07, "Application Usage Control", Binary, B3, Public;
    APPLICATION_VERSION_NUMBER = 0x9F08, "Application Version Number", Binary, B3, Public;
    TERMINAL_APPLICATION_VERSION_NUMBER = 0x9F09, "Application Version Number (terminal)", Binary, B3, Public;
    IAC_DEFAULT = 0x9F0D, "Issuer Action Code - Default", Binary, B3, Public;
    IAC_DENIAL = 0x9F0E, "Issuer Action Code - Denial", Binary, B3, Public;
    IAC_ONLINE = 0x9F0F, "Issuer Action Code - Online", Binary, B3, Public;
    ISSUER_APPLICATION_DATA = 0x9F10, "Issuer Application Data", Binary, B3, Public;
    ISSUER_CODE_TABLE_INDEX = 0x9F11, "Issuer Code Table Index", Numeric, B3, Public;
    APPLICATION_PREFERRED_NAME = 0x9F12, "Application Preferred Name", AlphaNumericSpecial, B3, Public;
    LAST_ONLINE_ATC_REGISTER = 0x9F13, "Last Online Application Transaction Counter (ATC) Register", Binary, B3, Public;
    LOWER_CONSECUTIVE_OFFLINE_LIMIT = 0x9F14, "Lower Consecutive Offline Limit", Binary, B3, Public;
    MERCHANT_CATEGORY_CODE = 0x9F15, "Merchant Category Code", Numeric, B3, Public;
    MERCHANT_IDENTIFIER = 0x9F16, "Merchant Identifier", AlphaNumericSpecial, B3, Public;
    PIN_TRY_COUNTER = 0x9F17, "Personal Identification Number (PIN) Try Counter", Binary, B3, Public;
    ISSUER_SCRIPT_IDENTIFIER = 0x9F18, "Issuer Script Identifier", Binary, B3, Public;
    TOKEN_REQUESTOR_ID = 0x9F19, "Token Requestor ID", Numeric, CPM, Public;
    TERMINAL_COUNTRY_CODE = 0x9F1A, "Terminal Country Code", Numeric, B3, Public;
    TERMINAL_FLOOR_LIMIT = 0x9F1B, "Terminal Floor Limit", Binary, B3, Public;
    TERMINAL_IDENTIFICATION = 0x9F1C, "Terminal Identification", AlphaNumeric, B3, Public;
    TERMINAL_RISK_MANAGEMENT_DATA = 0x9F1D, "Terminal Risk Management Data", Binary, B3, Public;
    IFD_SERIAL_NUMBER = 0x9F1E, "Interface Device (IFD) Serial Number", AlphaNumeric, B3, Public;
    TRACK1_DISCRETIONARY_DATA = 0x9F1F, "Track 1 Discretionary Data", AlphaNumericSpecial, B3, Cvv;
    TRACK2_DISCRETIONARY_DATA = 0x9F20, "Track 2 Discretionary Data", CompressedNumeric, B3, Cvv;
    TRANSACTION_TIME = 0x9F21, "Transaction Time", Numeric, B3, Public;
    TERMINAL_CA_PUBLIC_KEY_INDEX = 0x9F22, "Certification Authority Public Key Index (terminal)", Binary, B3, Public;
    UPPER_CONSECUTIVE_OFFLINE_LIMIT = 0x9F23, "Upper Consecutive Offline Limit", Binary, B3, Public;
    PAYMENT_ACCOUNT_REFERENCE = 0x9F24, "Payment Account Reference (PAR)", AlphaNumeric, CPM, Public;
    LAST_4_DIGITS_OF_PAN = 0x9F25, "Last 4 Digits of PAN", Numeric, CPM, Public;
    APPLICATION_CRYPTOGRAM = 0x9F26, "Application Cryptogram", Binary, B3, Public;
    CRYPTOGRAM_INFORMATION_DATA = 0x9F27, "Cryptogram Information Data", Binary, B3, Public;
    ICC_PIN_ENCIPHERMENT_PUBLIC_KEY_CERTIFICATE = 0x9F2D, "ICC PIN Encipherment Public Key Certificate", Binary, B3, Public;
    ISSUER_PUBLIC_KEY_EXPONENT = 0x9F32, "Issuer Public Key Exponent", Binary, B3, Public;
    TERMINAL_CAPABILITIES = 0x9F33, "Terminal Capabilities", Binary, B3, Public;
    CVM_RESULTS = 0x9F34, "Cardholder Verification Method (CVM) Results", Binary, B3, Public;
    TERMINAL_TYPE = 0x9F35, "Terminal Type", Numeric, B3, Public;
    APPLICATION_TRANSACTION_COUNTER = 0x9F36, "Application Transaction Counter (ATC)", Binary, B3, Public;
    UNPREDICTABLE_NUMBER = 0x9F37, "Unpredictable Number", Binary, B3, Public;
    PDOL = 0x9F38, "Processing Options Data Object List (PDOL)", Binary, B3, Public;
    POS_ENTRY_MODE = 0x9F39, "Point-of-Service (POS) Entry Mode", Numeric, B3, Public;
    AMOUNT_REFERENCE_CURRENCY = 0x9F3A, "Amount, Reference Currency", Binary, B3, Public;
    APPLICATION_REFERENCE_CURRENCY = 0x9F3B, "Application Reference Currency", Numeric, B3, Public;
    TRANSACTION_REFERENCE_CURRENCY_CODE = 0x9F3C, "Transaction Reference Currency Code", Numeric, B3, Public;
    TRANSACTION_REFERENCE_CURRENCY_EXPONENT = 0x9F3D, "Transaction Reference Currency Exponent", Numeric, B3, Public;
    ADDITIONAL_TERMINAL_CAPABILITIES = 0x9F40, "Additional Terminal Capabilities", Binary, B3, Public;
    TRANSACTION_SEQUENCE_COUNTER = 0x9F41, "Transaction Sequence Counter", Numeric, B3, Public;
    APPLICATION_CURRENCY_CODE = 0x9F42, "Application Currency Code", Numeric, B3, Public;
    APPLICATION_REFERENCE_CURRENCY_EXPONENT = 0x9F43, "Application Reference Currency Exponent", Numeric, B3, Public;
    APPLICATION_CURRENCY_EXPONENT = 0x9F44, "Application Currency Exponent", Numeric, B3, Public;
    DATA_AUTHENTICATION_CODE = 0x9F45, "Data Authentication Code", Binary, B3, Public;
    ICC_PUBLIC_KEY_CERTIFICATE = 0x9F46, "ICC Public Key Certificate", Binary, B3, Public;
    ICC_PUBLIC_KEY_EXPONENT = 0x9F47, "ICC Public Key Exponent", Binary, B3, Public;
    ICC_PUBLIC_KEY_REMAINDER = 0x9F48, "ICC Public Key Remainder", Binary, B3, Public;
    DDOL = 0x9F49, "Dynamic Data Authentication Data Object List (DDOL)", Binary, B3, Public;
    SDA_TAG_LIST = 0x9F4A, "Static Data Authentication Tag List", Binary, B3, Public;
    SIGNED_DYNAMIC_APPLICATION_DATA = 0x9F4B, "Signed Dynamic Application Data", Binary, B3, Public;
    ICC_DYNAMIC_NUMBER = 0x9F4C, "ICC Dynamic Number", Binary, B3, Public;
    LOG_ENTRY = 0x9F4D, "Log Entry", Binary, B3, Public;
    MERCHANT_NAME_AND_LOCATION = 0x9F4E, "Merchant Name and Location", AlphaNumericSpecial, B3, Public;
    LOG_FORMAT = 0x9F4F, "Log Format", Binary, B3, Public;
    TRANSACTION_CATEGORY_CODE = 0x9F53, "Transaction Category Code", AlphaNumeric, MASTERCARD, Public;
    CARD_PRODUCT_IDENTIFICATION = 0x9F63, "Card Product Identification Information", Binary, UNIONPAY, Public;
    TRACK2_DATA = 0x9F6B, "Track 2 Data", Binary, MASTERCARD, Track;
}

/// What the dictionary knows about `tag`, if anything.
///
/// ```
/// use paywire_emv_tlv::{Tag, dictionary::{self, Format}};
/// let info = dictionary::lookup(Tag::APPLICATION_CRYPTOGRAM).unwrap();
/// assert_eq!((info.name, info.format), ("Application Cryptogram", Format::Binary));
/// assert!(dictionary::lookup(Tag::new(0xDF7F)?).is_none()); // well-formed, not in the dictionary
/// # Ok::<(), paywire_emv_tlv::Error>(())
/// ```
pub fn lookup(tag: Tag) -> Option<&'static TagInfo> {
    TAGS.iter().find(|info| info.tag == tag)
}

/// The masking rule for `tag`: the dictionary's, or [`Sensitivity::Public`] for unknown tags.
pub fn sensitivity(tag: Tag) -> Sensitivity {
    lookup(tag).map_or(Sensitivity::Public, |info| info.sensitivity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constant_is_a_well_formed_tag() {
        for info in TAGS {
            assert_eq!(Tag::new(info.tag.number()), Ok(info.tag), "{}", info.name);
            assert_eq!(
                info.format == Format::Template,
                info.tag.is_constructed(),
                "{}",
                info.tag
            );
        }
    }

    #[test]
    fn no_duplicates() {
        for (i, a) in TAGS.iter().enumerate() {
            assert!(TAGS[i + 1..].iter().all(|b| b.tag != a.tag), "{}", a.tag);
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(
            lookup(Tag::APPLICATION_CRYPTOGRAM).unwrap().name,
            "Application Cryptogram"
        );
        assert_eq!(sensitivity(Tag::APPLICATION_PAN), Sensitivity::Pan);
        assert_eq!(sensitivity(Tag::new(0x9F7F).unwrap()), Sensitivity::Public);
    }
}
