//! `zip: DEF` (RFC 7516 §4.1.3): raw DEFLATE (RFC 1951), inflated with a cap
//! enforced while inflating, so a zip bomb costs at most the cap in memory.

use miniz_oxide::inflate::{decompress_to_vec_with_limit, TINFLStatus};

use super::JweError;

pub(super) fn inflate(data: &[u8], max: usize) -> Result<Vec<u8>, JweError> {
    decompress_to_vec_with_limit(data, max).map_err(|e| match e.status {
        TINFLStatus::HasMoreOutput => JweError::Limit(format!(
            "the inflated plaintext (zip: DEF) is larger than {} MiB",
            max / (1024 * 1024)
        )),
        // Authenticated, so not an oracle; still not a plaintext.
        _ => JweError::Header("zip: DEF, but the plaintext is not raw DEFLATE data".to_owned()),
    })
}

pub(super) fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec(data, 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflate_stops_at_the_cap_without_holding_more() {
        // 64 MiB of zeros deflate to about 64 KiB.
        let bomb = deflate(&vec![0u8; 64 * 1024 * 1024]);
        assert!(bomb.len() < 128 * 1024, "{}", bomb.len());
        let err = inflate(&bomb, super::super::MAX_PLAINTEXT).unwrap_err();
        assert!(err.to_string().contains("larger than 16 MiB"), "{err}");
        // Exactly at the cap is fine.
        let at_cap = deflate(&vec![7u8; super::super::MAX_PLAINTEXT]);
        assert_eq!(
            inflate(&at_cap, super::super::MAX_PLAINTEXT).unwrap().len(),
            super::super::MAX_PLAINTEXT
        );
    }

    #[test]
    fn inflate_refuses_data_that_is_not_deflate() {
        let err = inflate(&[0xff; 20], 1024).unwrap_err();
        assert!(err.to_string().contains("not raw DEFLATE"), "{err}");
    }
}
