//! Bytes in JSON as base64 (standard alphabet, padded), for
//! `#[serde(with = "crate::base64_bytes")]`: JSON has no bytes, and base64 is
//! a third larger where an array of numbers is four times. A file to import
//! and a rendered export cross the IPC bridge and the network this way.

use base64::Engine;
use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let text = String::deserialize(d)?;
    base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
        .map_err(serde::de::Error::custom)
}
