//! Key material never prints: the merchant's private keys (RSA and SM2), as loaded and as any broken copy of it fails to load,
//! formatted with `{:?}`, `{:#?}` and `{}` (errors), shows no 4-byte run of the key's DER
//! (hex or byte list) and no 7-character run of its base64 text.

use paywire_wechat_pay::keys::PrivateKey;

#[test]
fn private_keys_and_their_errors_print_no_key_material() {
    for pem in [
        include_str!("keys/go_signer_key.pem"),
        include_str!("keys/java_merchant_private_key.pem"),
        include_str!("keys/sm2_merchant_private_key.pem"),
    ] {
        paywire_testkit::assert_key_never_prints(pem, PrivateKey::from_pem);
    }
}
