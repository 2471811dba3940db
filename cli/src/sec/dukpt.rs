//! `paywire sec dukpt`: host-side TDES and AES DUKPT.

use super::*;

pub(super) fn dukpt(bdk: &str, ksn: &str, usage_name: &str, key_type: Option<&str>) -> Outcome {
    let ksn_bytes = hex_arg("ksn", ksn)?;
    match ksn_bytes.len() {
        10 => tdes_dukpt(bdk, &ksn_bytes, usage_name, key_type),
        12 => aes_dukpt(bdk, &ksn_bytes, usage_name, key_type),
        n => Err(usage(format!(
            "--ksn must be 10 bytes (TDES DUKPT) or 12 (AES DUKPT), not {n}"
        ))),
    }
}

pub(super) fn tdes_dukpt(
    bdk: &str,
    ksn_bytes: &[u8],
    usage_name: &str,
    key_type: Option<&str>,
) -> Outcome {
    if key_type.is_some() {
        return Err(usage(
            "--key-type is for AES DUKPT; TDES DUKPT keys are double-length TDES",
        ));
    }
    let variant = match usage_name {
        "pin" => Variant::Pin,
        "mac" => Variant::MacRequest,
        "mac-response" => Variant::MacResponse,
        "data" => Variant::DataRequest,
        "data-response" => Variant::DataResponse,
        "none" => Variant::None,
        other => {
            return Err(usage(format!(
                "--usage {other}: TDES DUKPT takes pin, mac, mac-response, data, data-response, none"
            )));
        }
    };
    let bdk = key_arg("bdk", bdk, Cipher::Tdes)?;
    let ksn = Ksn::new(ksn_bytes).map_err(rejected)?;
    let ik = tdes::initial_key(&bdk, &ksn).map_err(|e| usage(format!("--bdk: {e}")))?;
    let txn = tdes::transaction_key(&ik, &ksn).map_err(|e| {
        Failure::Rejected(format!(
            "{e} (counter {:#07X}: not zero, at most {} bits set)",
            ksn.counter(),
            tdes::MAX_COUNTER_ONES
        ))
    })?;
    let key = tdes::working_key(&txn, variant);
    json(&DukptKeys {
        ipek: hex::encode_upper(ik.expose()),
        key: hex::encode_upper(key.expose()),
    })
}

pub(super) fn aes_dukpt(
    bdk: &str,
    ksn_bytes: &[u8],
    usage_name: &str,
    key_type: Option<&str>,
) -> Outcome {
    use paywire_cardsec::dukpt::aes::{self as aes_dukpt, AesKsn, KeyType, Usage};
    let usage_code = match usage_name {
        "pin" => Some(Usage::PIN_ENCRYPTION),
        "mac-generate" => Some(Usage::MAC_GENERATION),
        "mac-verify" => Some(Usage::MAC_VERIFICATION),
        "mac-both" => Some(Usage::MAC_BOTH),
        "data-encrypt" => Some(Usage::DATA_ENCRYPT),
        "data-decrypt" => Some(Usage::DATA_DECRYPT),
        "data-both" => Some(Usage::DATA_BOTH),
        "key-encryption" => Some(Usage::KEY_ENCRYPTION),
        "none" => None,
        other => {
            return Err(usage(format!(
                "--usage {other}: AES DUKPT takes pin, mac-generate, mac-verify, mac-both, data-encrypt, data-decrypt, data-both, key-encryption, none"
            )));
        }
    };
    let bdk = key_arg("bdk", bdk, Cipher::Aes)?;
    let own = KeyType::aes(bdk.expose().len()).ok_or_else(|| usage("--bdk must be AES"))?;
    let key_type = match key_type {
        None => own,
        Some("2tdea") => KeyType::Tdes2,
        Some("3tdea") => KeyType::Tdes3,
        Some("aes128") => KeyType::Aes128,
        Some("aes192") => KeyType::Aes192,
        Some("aes256") => KeyType::Aes256,
        Some(other) => {
            return Err(usage(format!(
                "--key-type {other}: 2tdea, 3tdea, aes128, aes192 or aes256"
            )));
        }
    };
    let ksn = AesKsn::new(ksn_bytes).map_err(rejected)?;
    let ik = aes_dukpt::initial_key(&bdk, &ksn.initial_key_id())
        .map_err(|e| usage(format!("--bdk: {e}")))?;
    let derivation = aes_dukpt::derivation_key(&ik, &ksn).map_err(|e| {
        Failure::Rejected(format!(
            "{e} (counter {:08X}: not zero, at most {} bits set)",
            ksn.counter(),
            aes_dukpt::MAX_COUNTER_ONES
        ))
    })?;
    let key = match usage_code {
        Some(code) => aes_dukpt::working_key(&derivation, &ksn, code, key_type)
            .map_err(|e| usage(e.to_string()))?,
        None => derivation,
    };
    json(&DukptKeys {
        ipek: hex::encode_upper(ik.expose()),
        key: hex::encode_upper(key.expose()),
    })
}

#[derive(Serialize)]
pub(super) struct DukptKeys {
    ipek: String,
    key: String,
}
