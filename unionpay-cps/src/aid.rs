//! UnionPay application identifiers: which UnionPay product a chip or consumer-presented QR
//! application is (no allocation).
//!
//! The RID `A000000333` is UnionPay's; the PIXs below are the ones POS terminal kernels
//! configure for UnionPay (as public terminal SDKs list them: `UNIONPAY_DEBITAID`
//! `A000000333010101`, `UNIONPAY_CREDITAID` `…010102`, `UNIONPAY_QUASICREDITAID` `…010103`,
//! electronic cash `…010106`, and the U.S. common debit AID `…010108` "only for USA").
//! With `emvqr`, a CPM payload's application templates give their AID (tag 4F) to [`product`].

/// UnionPay's registered application provider identifier.
pub const RID: [u8; 5] = [0xA0, 0x00, 0x00, 0x03, 0x33];

/// A UnionPay card product, from the application's PIX.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Product {
    /// `A000000333010101`: debit.
    Debit,
    /// `A000000333010102`: credit.
    Credit,
    /// `A000000333010103`: quasi-credit (准贷记).
    QuasiCredit,
    /// `A000000333010106`: electronic cash (电子现金).
    ElectronicCash,
    /// `A000000333010108`: U.S. common debit.
    UsCommonDebit,
    /// Another application under UnionPay's RID.
    Other,
}

impl Product {
    /// The full AID of a known product (`None` for [`Product::Other`]).
    pub const fn aid(self) -> Option<[u8; 8]> {
        let last = match self {
            Self::Debit => 0x01,
            Self::Credit => 0x02,
            Self::QuasiCredit => 0x03,
            Self::ElectronicCash => 0x06,
            Self::UsCommonDebit => 0x08,
            Self::Other => return None,
        };
        Some([0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, last])
    }

    /// True for the products that draw on a credit line (credit, quasi-credit).
    pub const fn is_credit(self) -> bool {
        matches!(self, Self::Credit | Self::QuasiCredit)
    }
}

/// True when `aid` is under UnionPay's RID.
pub fn is_unionpay(aid: &[u8]) -> bool {
    aid.starts_with(&RID)
}

/// The UnionPay product of `aid`, or `None` when the AID is not UnionPay's. A longer AID
/// (a PIX extension) is matched on its first 8 bytes, as terminals select by partial name.
pub fn product(aid: &[u8]) -> Option<Product> {
    if !is_unionpay(aid) {
        return None;
    }
    Some(match aid.get(5..8) {
        Some([0x01, 0x01, 0x01]) => Product::Debit,
        Some([0x01, 0x01, 0x02]) => Product::Credit,
        Some([0x01, 0x01, 0x03]) => Product::QuasiCredit,
        Some([0x01, 0x01, 0x06]) => Product::ElectronicCash,
        Some([0x01, 0x01, 0x08]) => Product::UsCommonDebit,
        _ => Product::Other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products() {
        for p in [
            Product::Debit,
            Product::Credit,
            Product::QuasiCredit,
            Product::ElectronicCash,
            Product::UsCommonDebit,
        ] {
            let aid = p.aid().unwrap_or_default();
            assert_eq!(product(&aid), Some(p));
        }
        assert_eq!(
            product(&[0xA0, 0, 0, 0x03, 0x33, 0x01, 0x01, 0x01, 0x99]),
            Some(Product::Debit)
        );
        assert_eq!(product(&[0xA0, 0, 0, 0x03, 0x33]), Some(Product::Other));
        assert_eq!(product(&[0xA0, 0, 0, 0, 0x03, 0x10, 0x10]), None);
        assert!(Product::QuasiCredit.is_credit() && !Product::Debit.is_credit());
    }
}
