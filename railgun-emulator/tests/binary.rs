//! The `railgun-emulator` binary as a user starts it: what it prints is
//! enough to call its v4 API, which names accounts and zones by id.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use railgun_api::v4::V4Api;

const EMAIL: &str = "ops@example.com";
const TKN: &str = "k3y-of-ops";

/// Kills the emulator when the test ends, passed or not.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_start_up_lines_name_the_v4_ids_of_accounts_and_zones() {
    let child = Command::new(env!("CARGO_BIN_EXE_railgun-emulator"))
        .args(["--user", &format!("{EMAIL}:{TKN}"), "--zone", "Example.COM", "--zone", "example.org"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut running = Running(child);
    let mut lines = BufReader::new(running.0.stdout.take().unwrap()).lines();
    let mut printed: Vec<String> = (0..6).map(|_| lines.next().unwrap().unwrap()).collect();

    assert!(printed.iter().all(|line| !line.contains(TKN)), "a token was printed: {printed:?}");
    assert!(printed[0].starts_with("railgun-emulator listening on http://127.0.0.1:"), "{}", printed[0]);
    let v4_url = printed[1].strip_prefix("v4 API at ").unwrap().to_owned();
    printed[0] = String::new();
    printed[1] = String::new();
    let account = railgun_emulator::account_id(EMAIL);
    let (com, org) = (railgun_emulator::zone_id("example.com"), railgun_emulator::zone_id("example.org"));
    assert_eq!(
        printed,
        [
            String::new(),
            String::new(),
            "1 Client API account(s), 0 host key(s), faults off".to_owned(),
            format!("v4 account of {EMAIL}: {account}"),
            format!("v4 zone example.com: {com}"),
            format!("v4 zone example.org: {org}"),
        ]
    );

    // The printed ids are the ones the v4 API takes.
    let v4 = V4Api::builder_with_api_key(EMAIL, TKN).base_url(v4_url).build().unwrap();
    assert!(v4.list_zone_railguns(&com).await.unwrap().is_empty());
    let railguns = v4.list_account_railguns(&account, None, None, None).await.unwrap();
    assert!(railguns.items.is_empty(), "{railguns:?}");
    let unknown = v4.list_zone_railguns(&railgun_emulator::zone_id("example.net")).await.unwrap_err();
    assert_eq!(unknown.status().map(|s| s.as_u16()), Some(404), "{unknown}");
}
