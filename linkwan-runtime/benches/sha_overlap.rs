//! Does other work overlap SHA-1's rounds on this CPU? The answer decides whether a
//! signer can hide its encoding behind the HMAC floor or must add to it.
//!
//! `cargo bench -p linkwan-runtime --bench sha_overlap` times, with the signer's own SHA-1
//! (RustCrypto's `sha1::block_api::compress`, SHA-NI where the CPU has it):
//!
//! * **one chain**: nine 64-byte blocks, one `compress` call each, every block depending
//!   on the state the previous one left (an HMAC's inner hash of a ~500-byte string);
//! * **two chains**: two such chains, their blocks alternating. About 1× one chain means
//!   a chain is bound by the latency of its rounds, leaving the core free for other work;
//!   about 2× means the rounds use up a resource another chain (or other work) needs;
//! * **work**: integer work that does not depend on the hash (a multiply-add chain and
//!   eight-byte stores into a buffer, like an encoder's), in nine slices;
//! * **interleaved**: the chain with one slice of the work after each block, as a signer
//!   that fed the MAC block by block while encoding would run.
//!
//! It prints `interleaved / (one chain + work)`: 1.0 means no overlap at all.
//! `BENCH_WORK=n` sets the work's steps per slice (default 40).

mod common;

use std::hint::black_box;

const BLOCKS: usize = 9;

/// One slice of hash-independent work: `steps` multiply-adds, each stored.
#[inline(never)]
fn work(buf: &mut [u8; 1024], seed: u64, steps: usize) -> u64 {
    let mut x = seed;
    let mut at = 0usize;
    for _ in 0..steps {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let to = at % (1024 - 8);
        buf[to..to + 8].copy_from_slice(&x.to_le_bytes());
        at += 1 + (x >> 62) as usize;
    }
    at as u64 + u64::from(buf[7])
}

fn main() {
    let bench = common::Bench::from_args();
    let steps: usize = std::env::var("BENCH_WORK")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let blocks: Vec<[u8; 64]> = (0..BLOCKS)
        .map(|i| std::array::from_fn(|j| (i * 64 + j) as u8))
        .collect();
    let init = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut buf = [0u8; 1024];
    let mut buf2 = [0u8; 1024];
    let mut seed = 0u64;
    let mut seed2 = 0u64;
    let results = bench.run(&mut [
        ("one chain", &mut || {
            let mut state = init;
            for block in black_box(&blocks) {
                sha1::block_api::compress(&mut state, std::slice::from_ref(block));
            }
            black_box(state);
        }),
        ("two chains", &mut || {
            let (mut a, mut b) = (init, init);
            b[0] ^= 1;
            for block in black_box(&blocks) {
                sha1::block_api::compress(&mut a, std::slice::from_ref(block));
                sha1::block_api::compress(&mut b, std::slice::from_ref(block));
            }
            black_box((a, b));
        }),
        ("work", &mut || {
            let mut acc = 0;
            for _ in 0..BLOCKS {
                seed += 1;
                acc += work(&mut buf, seed ^ acc, steps);
            }
            black_box(acc);
        }),
        ("interleaved", &mut || {
            let mut state = init;
            let mut acc = 0;
            for block in black_box(&blocks) {
                sha1::block_api::compress(&mut state, std::slice::from_ref(block));
                seed2 += 1;
                acc += work(&mut buf2, seed2 ^ acc, steps);
            }
            black_box((state, acc));
        }),
    ]);
    if bench.profile.is_some() {
        return;
    }
    common::report(
        &format!("SHA-1, {BLOCKS} blocks; work: {steps} steps a slice"),
        &results,
        0,
    );
    let median = |i: usize| results[i].median_ns;
    println!(
        "two chains / one chain: {:.2}   interleaved / (one chain + work): {:.2}{}",
        median(1) / median(0),
        median(3) / (median(0) + median(2)),
        if bench.full {
            ""
        } else {
            " [smoke run: pass --bench for figures]"
        }
    );
}
