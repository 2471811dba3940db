//! What a scanned code is: an EMV payload, a wallet's payment code, or a wallet URL.

/// The kinds [`classify`] tells apart. Names match the `paywire emvqr classify` output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// EMVCo merchant-presented payload (starts `0002`).
    EmvMpm,
    /// EMVCo consumer-presented payload (base64 starting `hQVDUFYw`).
    EmvCpm,
    /// WeChat Pay payment code: 18 digits starting 10–15 (WeChat Pay "micropay" `auth_code`
    /// documentation; 15 is Hong Kong).
    WechatAuthCode,
    /// Alipay payment code: 16–24 digits starting 25–30 (huangang/payqrcode index.js).
    AlipayAuthCode,
    /// UnionPay payment code: 19 digits starting 62 (secondary sources only:
    /// <https://cnblogs.com/zhangmo/p/13578409.html> and huangang/payqrcode index.js).
    UnionpayAuthCode,
    /// WeChat Pay merchant URL (`wxp://`, `weixin://`).
    WechatUrl,
    /// Alipay merchant URL (`https://qr.alipay.com/`).
    AlipayUrl,
    /// UPI deep link (`upi://`).
    UpiUrl,
    /// Anything else.
    Unknown,
}

impl Kind {
    /// The name `paywire emvqr classify` prints.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::EmvMpm => "emv-mpm",
            Self::EmvCpm => "emv-cpm",
            Self::WechatAuthCode => "wechat-auth-code",
            Self::AlipayAuthCode => "alipay-auth-code",
            Self::UnionpayAuthCode => "unionpay-auth-code",
            Self::WechatUrl => "wechat-url",
            Self::AlipayUrl => "alipay-url",
            Self::UpiUrl => "upi-url",
            Self::Unknown => "unknown",
        }
    }
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Classifies scanned text by its documented prefixes and lengths (surrounding whitespace
/// ignored). A payload's validity is not checked: parse it for that.
///
/// ```
/// use paywire_emvqr::{Kind, classify};
/// assert_eq!(classify("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"), Kind::EmvMpm);
/// assert_eq!(classify(" 134567890123456789\n"), Kind::WechatAuthCode);
/// assert_eq!(classify("https://qr.alipay.com/bax01234"), Kind::AlipayUrl);
/// assert_eq!(classify("12345"), Kind::Unknown);
/// ```
pub fn classify(text: &str) -> Kind {
    let text = text.trim();
    if text.starts_with(crate::cpm::PREFIX) {
        return Kind::EmvCpm;
    }
    let all_digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if all_digits {
        let prefix = text
            .get(..2)
            .and_then(|p| p.parse::<u8>().ok())
            .unwrap_or(0);
        return match (text.len(), prefix) {
            (18, 10..=15) => Kind::WechatAuthCode,
            (16..=24, 25..=30) => Kind::AlipayAuthCode,
            (19, 62) => Kind::UnionpayAuthCode,
            _ if text.starts_with("0002") => Kind::EmvMpm,
            _ => Kind::Unknown,
        };
    }
    if text.starts_with("0002")
        && text
            .get(..6)
            .is_some_and(|h| h.bytes().all(|b| b.is_ascii_digit()))
    {
        return Kind::EmvMpm;
    }
    if starts_with_ignore_case(text, "wxp://") || starts_with_ignore_case(text, "weixin://") {
        Kind::WechatUrl
    } else if starts_with_ignore_case(text, "https://qr.alipay.com/") {
        Kind::AlipayUrl
    } else if starts_with_ignore_case(text, "upi://") {
        Kind::UpiUrl
    } else {
        Kind::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(
            classify("00020101021229300012D156000000000510A93FO3230Q"),
            Kind::EmvMpm
        );
        assert_eq!(
            classify("hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8="),
            Kind::EmvCpm
        );
        assert_eq!(classify("134567890123456789"), Kind::WechatAuthCode);
        assert_eq!(classify("154567890123456789"), Kind::WechatAuthCode);
        assert_eq!(classify("284567890123456789"), Kind::AlipayAuthCode);
        assert_eq!(classify("2845678901234567"), Kind::AlipayAuthCode);
        assert_eq!(classify("6234567890123456789"), Kind::UnionpayAuthCode);
        assert_eq!(classify("wxp://f2f0abcdef"), Kind::WechatUrl);
        assert_eq!(classify("HTTPS://QR.ALIPAY.COM/fkx123"), Kind::AlipayUrl);
        assert_eq!(classify("upi://pay?pa=x@y"), Kind::UpiUrl);
        assert_eq!(classify("164567890123456789"), Kind::Unknown);
        assert_eq!(classify(""), Kind::Unknown);
    }
}
