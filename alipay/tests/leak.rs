//! Key material never prints: the application's private keys (RSA and SM2), as loaded and as
//! any broken copy of them fails to load, formatted with `{:?}`, `{:#?}` and `{}` (errors), show
//! no 4-byte run of the key's DER (hex or byte list) and no 7-character run of its base64 text.

use paywire_alipay::keys::PrivateKey;

#[test]
fn private_keys_and_their_errors_print_no_key_material() {
    for pem in [
        include_str!("keys/app-private-key.pem"),
        include_str!("keys/sm2-private-key.pem"),
    ] {
        paywire_testkit::assert_key_never_prints(pem, PrivateKey::from_pem);
    }
}
