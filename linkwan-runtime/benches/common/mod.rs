//! A tiny timing harness for `harness = false` benches: calibrate, warm up, take many
//! interleaved samples, report medians and ratios against a baseline.
//!
//! ```ignore
//! mod common;
//! let bench = common::Bench::from_args();
//! let results = bench.run(&mut [
//!     ("floor", &mut || { std::hint::black_box(floor()); }),
//!     ("ours", &mut || { std::hint::black_box(ours()); }),
//! ]);
//! common::report("case", &results, 0);
//! ```
//!
//! Samples of the functions are interleaved (floor, ours, floor, ours, …, the starting
//! function rotating every round) so that noise from other processes on the machine hits
//! every function alike; besides the ratio of medians, [`report`] prints the median of
//! the per-round ratios (each sample against the baseline's sample of the same round),
//! which cancels slow stretches that span a round. `cargo bench` passes
//! `--bench`; without it (as under `cargo test --all-targets`) the harness runs a quick
//! smoke pass instead of a measurement.

#![allow(dead_code)]

use std::time::{Duration, Instant};

/// How long and how often to measure.
#[derive(Debug, Clone)]
pub struct Bench {
    /// Time spent running each function before sampling.
    pub warmup: Duration,
    /// Samples per function; the median is reported.
    pub samples: usize,
    /// Target duration of one sample (the iteration count is calibrated to it).
    pub sample_time: Duration,
    /// A real measurement (`cargo bench`), not a smoke run.
    pub full: bool,
    /// `BENCH_PROFILE=name`: only run the functions whose label contains `name` (or, as
    /// `=name`, is exactly `name`), in a loop, for a profiler to look at (no figures).
    pub profile: Option<String>,
}

/// One function's result: nanoseconds per call.
#[derive(Debug, Clone)]
pub struct Measured {
    /// The label given to [`Bench::run`].
    pub name: &'static str,
    /// Median over the samples.
    pub median_ns: f64,
    /// Fastest sample.
    pub min_ns: f64,
    /// Calls per sample.
    pub iters: u64,
    /// Every sample (nanoseconds per call), in the order taken: sample `i` of each
    /// function comes from the same round.
    pub samples: Vec<f64>,
}

impl Measured {
    /// The median over rounds of this function's sample divided by `base`'s sample of the
    /// same round.
    pub fn paired_ratio(&self, base: &Measured) -> f64 {
        let mut ratios: Vec<f64> = self
            .samples
            .iter()
            .zip(&base.samples)
            .map(|(a, b)| a / b)
            .collect();
        if ratios.is_empty() {
            return f64::NAN;
        }
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    }
}

impl Bench {
    /// A full measurement under `cargo bench` (`--bench` in the arguments), a smoke run
    /// otherwise. `BENCH_SAMPLES` overrides the sample count, `BENCH_SAMPLE_US` the
    /// sample length in microseconds (at least 20).
    pub fn from_args() -> Self {
        let full = std::env::args().any(|a| a == "--bench");
        let mut bench = if full {
            Bench {
                warmup: Duration::from_millis(100),
                samples: 301,
                sample_time: Duration::from_micros(300),
                full,
                profile: None,
            }
        } else {
            Bench {
                warmup: Duration::from_millis(1),
                samples: 5,
                sample_time: Duration::from_micros(50),
                full,
                profile: None,
            }
        };
        if let Some(n) = std::env::var("BENCH_SAMPLES")
            .ok()
            .and_then(|s| s.parse().ok())
        {
            bench.samples = n;
        }
        if let Some(us) = std::env::var("BENCH_SAMPLE_US")
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
        {
            bench.sample_time = Duration::from_micros(us.max(20));
        }
        bench.profile = std::env::var("BENCH_PROFILE").ok();
        bench
    }

    /// Measures every function, interleaving their samples, and returns the results in
    /// the same order. Each function should `black_box` its inputs and result.
    pub fn run(&self, fns: &mut [(&'static str, &mut dyn FnMut())]) -> Vec<Measured> {
        if let Some(only) = &self.profile {
            return self.profile(only, fns);
        }
        let iters: Vec<u64> = fns
            .iter_mut()
            .map(|(_, f)| self.calibrate(&mut **f))
            .collect();
        let mut samples = vec![Vec::with_capacity(self.samples); fns.len()];
        for round in 0..self.samples {
            // Rotate the order, so that no function always runs right after another.
            for k in 0..fns.len() {
                let i = (round + k) % fns.len();
                let f = &mut fns[i].1;
                let start = Instant::now();
                for _ in 0..iters[i] {
                    f();
                }
                samples[i].push(start.elapsed().as_nanos() as f64 / iters[i] as f64);
            }
        }
        fns.iter()
            .zip(samples)
            .zip(iters)
            .map(|(((name, _), taken), iters)| {
                let mut s = taken.clone();
                s.sort_by(f64::total_cmp);
                Measured {
                    name,
                    median_ns: s.get(s.len() / 2).copied().unwrap_or(f64::NAN),
                    min_ns: s.first().copied().unwrap_or(f64::NAN),
                    iters,
                    samples: taken,
                }
            })
            .collect()
    }

    /// Runs the functions matching `only` for a second each (or `BENCH_CALLS` times, for
    /// instruction counts under valgrind); reports nothing measured.
    fn profile(&self, only: &str, fns: &mut [(&'static str, &mut dyn FnMut())]) -> Vec<Measured> {
        let fixed: Option<u64> = std::env::var("BENCH_CALLS")
            .ok()
            .and_then(|s| s.parse().ok());
        let matches = |name: &str| match only.strip_prefix('=') {
            Some(exact) => name == exact,
            None => name.contains(only),
        };
        for (name, f) in fns.iter_mut().filter(|(name, _)| matches(name)) {
            let start = Instant::now();
            let mut calls = 0u64;
            while match fixed {
                Some(n) => calls < n,
                None => start.elapsed() < Duration::from_secs(1),
            } {
                for _ in 0..1000 {
                    f();
                }
                calls += 1000;
            }
            eprintln!("profiled {name}: {calls} calls");
        }
        fns.iter()
            .map(|(name, _)| Measured {
                name,
                median_ns: f64::NAN,
                min_ns: f64::NAN,
                iters: 0,
                samples: Vec::new(),
            })
            .collect()
    }

    /// Warms `f` up and returns how many calls fill one sample.
    fn calibrate(&self, f: &mut dyn FnMut()) -> u64 {
        let start = Instant::now();
        let mut calls = 0u64;
        while start.elapsed() < self.warmup || calls == 0 {
            f();
            calls += 1;
        }
        let per_call = start.elapsed().as_nanos() as f64 / calls as f64;
        ((self.sample_time.as_nanos() as f64 / per_call.max(1.0)) as u64).max(1)
    }
}

/// Prints one table: median, fastest sample, and the ratios to `results[baseline]`:
/// median to median, min to min, and the median of the per-round ratios ("paired"; on a
/// busy machine the min and paired ratios are the steadier ones).
pub fn report(title: &str, results: &[Measured], baseline: usize) {
    let base = &results[baseline];
    println!("{title}");
    for m in results {
        println!(
            "  {:<22} median {:>8.1} ns {:>6.2}x   min {:>8.1} ns {:>6.2}x   paired {:>6.2}x   (vs {}; {} calls/sample, {:.0} us)",
            m.name,
            m.median_ns,
            m.median_ns / base.median_ns,
            m.min_ns,
            m.min_ns / base.min_ns,
            m.paired_ratio(base),
            base.name,
            m.iters,
            m.median_ns * m.iters as f64 / 1000.0,
        );
    }
}
