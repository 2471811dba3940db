//! Refund notification `req_info` (rwscode/payutil wechat/payment_api_test.go: its ciphertext,
//! API key and the decrypted fields that test reads).
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_wechat_pay::v2::decrypt_req_info;

const KEY: &str = "ziR0QKsTUfMOuochC9RfCdmfHECorQAP";
const REQ_INFO: &str = "YYwp8C48th0wnQzTqeI+41pflB26v+smFj9z6h9RPBgxTyZyxc+4YNEz7QEgZNWj/6rIb2MfyWMZmCc41CfjKSssoSZPXxOhUayb6KvNSZ1p6frOX1PDWzhyruXK7ouNND+gDsG4yZ0XXzsL4/pYNwLLba/71QrnkJ/BHcByk4EXnglju5DLup9pJQSnTxjomI9Rxu57m9jg5lLQFxMWXyeASZJNvof0ulnHlWJswS4OxKOkmW7VEyKyLGV6npoOm03Qsx2wkRxLsSa9gPpg4hdaReeUqh1FMbm7aWjyrVYT/MEZWg98p4GomEIYvz34XfDncTezX4bf/ZiSLXt79aE1/YTZrYfymXeCrGjlbe0rg/T2ezJHAC870u2vsVbY1/KcE2A443N+DEnAziXlBQ1AeWq3Rqk/O6/TMM0lomzgctAOiAMg+bh5+Gu1ubA9O3E+vehULydD5qx2o6i3+qA9ORbH415NyRrQdeFq5vmCiRikp5xYptWiGZA0tkoaLKMPQ4ndE5gWHqiBbGPfULZWokI+QjjhhBmwgbd6J0VqpRorwOuzC/BHdkP72DCdNcm7IDUpggnzBIy0+seWIkcHEryKjge3YDHpJeQCqrAH0CgxXHDt1xtbQbST1VqFyuhPhUjDXMXrknrGPN/oE1t0rLRq+78cI+k8xe5E6seeUXQsEe8r3358mpcDYSmXWSXVZxK6er9EF98APqHwcndyEJD2YyCh/mMVhERuX+7kjlRXSiNUWa/Cv/XAKFQuvUYA5ea2eYWtPRHa4DpyuF1SNsaqVKfgqKXZrJHfAgslVpSVqUpX4zkKszHF4kwMZO3M7J1P94Mxa7Tm9mTOJePOoHPXeEB+m9rX6pSfoi3mJDQ5inJ+Vc4gOkg/Wd/lqiy6TTyP/dHDN6/v+AuJx5AXBo/2NDD3fWhHjkqEKIuARr2ClZt9ZRQO4HkXdZo7CN06sGCHk48Tg8PmxnxKcMZm7Aoquv5yMIM2gWSWIRJhwJ8cUpafIHc+GesDlbF6Zbt+/KXkafJAQq2RklEN+WvZ/zFz113EPgWPjp16TwBoziq96MMekvWKY/vdhjol8VFtGH9F61Oy1Xwf6DJtPw==";

#[test]
fn refund_notification() {
    let mut out = vec![0u8; REQ_INFO.len()];
    let xml = std::str::from_utf8(decrypt_req_info(KEY, REQ_INFO, &mut out).unwrap())
        .unwrap()
        .to_string();
    assert!(
        xml.starts_with("<root>") || xml.starts_with("<xml>") || xml.starts_with('<'),
        "{xml}"
    );
    assert!(xml.contains("50000404922017112502468056157"), "{xml}");
    let fee = xml
        .split("<refund_fee>")
        .nth(1)
        .unwrap()
        .split("</refund_fee>")
        .next()
        .unwrap();
    assert!(fee == "6" || fee == "<![CDATA[6]]>", "{fee}");
    let mut out = vec![0u8; REQ_INFO.len()];
    assert!(decrypt_req_info("wrong key", REQ_INFO, &mut out).is_err());
}
