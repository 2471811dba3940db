//! Response codes (field 39).

use paywire_iso8583::{MessageRef, Slots};

/// The host's verdict in field 39, with the meaning from the 银行卡联网联合技术规范 code table
/// for the codes it lists (as republished, e.g. <https://17tex.com/tex/3/487253.html>).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseCode(pub [u8; 2]);

impl ResponseCode {
    /// Reads field 39 of an answer.
    pub fn of<I: Slots>(message: &MessageRef<'_, '_, I>) -> Option<Self> {
        let raw = message.response_code()?;
        let mut it = raw.iter();
        let bytes = [it.next()?, it.next()?];
        if it.next().is_some() {
            return None;
        }
        Some(Self(bytes))
    }

    /// Whether the code approves the transaction (00, 10 partial, 11 VIP, 16 update track 3).
    pub fn is_approved(self) -> bool {
        matches!(&self.0, b"00" | b"10" | b"11" | b"16")
    }

    /// The card should be retained (04, 07).
    pub fn is_pick_up(self) -> bool {
        matches!(&self.0, b"04" | b"07")
    }

    /// The standard meaning, for the codes of the table.
    pub fn meaning(self) -> Option<&'static str> {
        Some(match &self.0 {
            b"00" => "Approved or completed successfully",
            b"01" => "Refer to card issuer",
            b"02" => "Refer to card issuer's special condition",
            b"03" => "Invalid merchant",
            b"04" => "Pick-up",
            b"05" => "Do not honor",
            b"06" => "Error",
            b"07" => "Pick-up card, special condition",
            b"09" => "Request in progress",
            b"10" => "Approved for partial amount",
            b"11" => "Approved (VIP)",
            b"12" => "Invalid transaction",
            b"13" => "Invalid amount",
            b"14" => "Invalid card number (no such number)",
            b"15" => "No such issuer",
            b"16" => "Approved, update track 3",
            b"17" => "Customer cancellation",
            b"19" => "Re-enter transaction",
            b"20" => "Invalid response",
            b"21" => "No action taken",
            b"22" => "Suspected malfunction",
            _ => return None,
        })
    }
}
