//! Key material never prints: the merchant's private keys (RSA and SM2), as loaded and as any
//! broken variant of them fails to load, formatted with `{:?}`, `{:#?}` and `{}` (errors), show
//! no 4-byte run of the key's DER (hex or byte list) and no 7-character run of its base64 text.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use base64::Engine as _;
use paywire_testkit::{Secrets, rewrap_pem};
use wechat_pay::keys::PrivateKey;

const KEYS: [&str; 3] = [
    include_str!("keys/go_signer_key.pem"),
    include_str!("keys/java_merchant_private_key.pem"),
    include_str!("keys/sm2_merchant_private_key.pem"),
];

#[test]
fn private_keys_and_their_errors_print_no_key_material() {
    for pem in KEYS {
        let (_, body) = rewrap_pem(pem, 64, "\n");
        let der = base64::engine::general_purpose::STANDARD
            .decode(&body)
            .unwrap();
        let secrets = Secrets::new().bytes(&der).text(&body);
        let key = PrivateKey::from_pem(pem).unwrap();
        secrets.assert_hidden("PrivateKey", &format!("{key:?} {key:#?}"));
        // Broken copies: truncated, one character changed, armour lost.
        let mut printed = String::new();
        for cut in [body.len() / 2, body.len() - 3] {
            for text in [&body[..cut], &pem[..pem.len() / 2]] {
                if let Err(e) = PrivateKey::from_pem(text) {
                    printed.push_str(&format!("{e} {e:?}\n"));
                }
            }
        }
        let changed = body.replacen('A', "!", 1);
        if let Err(e) = PrivateKey::from_pem(&changed) {
            printed.push_str(&format!("{e} {e:?}\n"));
        }
        secrets.assert_hidden("key errors", &printed);
    }
}
