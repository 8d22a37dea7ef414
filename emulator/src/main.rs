//! `people-emulator`: the People API emulator as a local server on 127.0.0.1.

use people_emulator::{server, ClockMode, Config, Emulator, QuotaPreset};
use std::io::Write;

const USAGE: &str = "usage: people-emulator [--port N] [--latency-ms N] [--quota none|google]
       [--fault-rate P] [--seed N] [--propagation-delay-ms N] [--max-contacts N]
       [--seed-account EMAIL [--seed-contacts N]]...

Serves Google's People API (v1), an OAuth token-flow consent page, a viewer at / and an admin
API under /__admin/ on 127.0.0.1. --port 0 picks a free port; the first line printed is
`people-emulator listening on http://127.0.0.1:PORT`.";

fn main() {
    if let Err(e) = run() {
        eprintln!("people-emulator: {e}\n\n{USAGE}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut config = Config {
        clock: ClockMode::Wall,
        ..Config::default()
    };
    let mut port = 0u16;
    let mut seeds: Vec<(String, usize)> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            return Ok(());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let num = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("{flag}: not a number: {v}"))
        };
        match flag.as_str() {
            "--port" => {
                port = num(&value)?
                    .try_into()
                    .map_err(|_| "--port: out of range")?
            }
            "--latency-ms" => config.latency_ms = num(&value)?,
            "--propagation-delay-ms" => config.propagation_delay_ms = num(&value)?,
            "--seed" => config.seed = num(&value)?,
            // Google's limit of contacts per account (25,000), lower for tests.
            "--max-contacts" => config.max_contacts = num(&value)? as usize,
            "--quota" => {
                config.quota = QuotaPreset::parse(&value).ok_or("--quota must be none or google")?
            }
            "--fault-rate" => {
                config.fault_rate = value
                    .parse::<f64>()
                    .ok()
                    .filter(|r| (0.0..=1.0).contains(r))
                    .ok_or("--fault-rate must be between 0 and 1")?
            }
            "--seed-account" => seeds.push((value, 0)),
            "--seed-contacts" => {
                let n = num(&value)? as usize;
                match seeds.last_mut() {
                    Some(last) => last.1 = n,
                    None => return Err("--seed-contacts follows --seed-account".into()),
                }
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    let seed = config.seed;
    let em = Emulator::new(config);
    for (i, (email, n)) in seeds.iter().enumerate() {
        let a = em.create_account(email);
        em.seed(a, *n, seed.wrapping_add(i as u64));
    }
    let handle = server::spawn(em, port).map_err(|e| format!("cannot listen: {e}"))?;
    println!("people-emulator listening on {}", handle.url());
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}
