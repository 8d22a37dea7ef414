//! A deterministic pseudo-random sequence (xorshift64*) from a seed the caller gives: the
//! engine's backoff jitter, and the property tests' random worlds. The core draws no random
//! numbers of its own; the shell seeds a run from the browser's.

#[derive(Clone, Debug)]
pub struct XorShift(u64);

impl XorShift {
    /// Any seed works, zero included.
    pub fn new(seed: u64) -> XorShift {
        XorShift(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}
