//! Customer ids → dense `u32` codes, so the engine works on integers.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FxHash: customer ids are short, and a DoS-resistant hash buys nothing
/// for a file the user gave us.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(SEED);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(SEED);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub type FxBuild = BuildHasherDefault<FxHasher>;

/// Assigns codes in order of first appearance.
pub struct Interner<'a> {
    codes: HashMap<&'a str, u32, FxBuild>,
    names: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    pub fn with_capacity(n: usize) -> Self {
        Interner {
            codes: HashMap::with_capacity_and_hasher(n, FxBuild::default()),
            names: Vec::with_capacity(n),
        }
    }

    pub fn code(&mut self, id: &'a str) -> u32 {
        let next = self.names.len() as u32;
        *self.codes.entry(id).or_insert_with(|| {
            self.names.push(id);
            next
        })
    }

    pub fn into_names(self) -> Vec<String> {
        self.names.into_iter().map(str::to_owned).collect()
    }
}
