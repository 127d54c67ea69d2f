//! The documented Railgun lifecycle, end to end, against a local emulator.
//!
//! `cargo run -p railgun-api --example quickstart` starts the emulator in
//! this process, then walks a Railgun from creation to deletion with the
//! Optimized Partner API and again with the Client API, printing each step
//! and its typed answer.

use railgun_api::types::Mode;
use railgun_api::{ClientApi, Error, PartnerApi};
use railgun_emulator::{Config, Emulator};

const HOST_KEY: &str = "e111dff66d1fddfda6a888c9992d4366";
const EMAIL: &str = "user@cloudflare.com";
const TKN: &str = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(Config::new().host_key(HOST_KEY).user(EMAIL, TKN), "127.0.0.1:0").await?;
    println!("Railgun emulator at {}\n", emulator.base_url());

    partner_lifecycle(&emulator).await?;
    client_lifecycle(&emulator).await?;
    println!("\nBoth lifecycles completed.");
    Ok(())
}

fn step(name: &str, answer: &impl std::fmt::Debug) {
    println!("  {name:<22} {answer:?}");
}

async fn partner_lifecycle(emulator: &Emulator) -> Result<(), Error> {
    println!("Optimized Partner API (host_key):");
    let api = PartnerApi::builder(HOST_KEY).base_url(emulator.base_url()).build()?;
    let domain = "example.com";

    let railgun = api.init(Some("my-railgun"), Some("My Railgun")).await?;
    step("init", &railgun);
    // The daemon, started with railgun.rtkn, activates the Railgun.
    emulator.activate(railgun.rtkn.expose_secret()).expect("the Railgun was just created");
    step("(daemon activates)", &api.host_get_all().await?.railguns.railguns[0].status);
    let rtkn = &railgun.rtkn;

    step("suggestion_set", &api.suggestion_set(domain, rtkn, Mode::Inactive).await?);
    step("conn_set", &api.conn_set(domain, rtkn, Mode::Inactive).await?);
    step("conn_setmode_enabled", &api.conn_setmode_enabled(domain, rtkn).await?);
    step("zone_conn_get_active", &api.zone_conn_get_active(domain).await?.connection.active);
    step("conn_setmode_disabled", &api.conn_setmode_disabled(domain, rtkn).await?);
    let ranges = ["203.0.0.0/8".parse().expect("valid range"), "207.0.0.7".parse().expect("valid range")];
    step("ipr_set", &api.ipr_set(rtkn, &ranges).await?);
    step("conn_delete", &api.conn_delete(domain, rtkn).await?);
    step("zone_conn_get_active", &api.zone_conn_get_active(domain).await?.connection.active);
    step("delete", &api.delete(rtkn).await?);
    step("host_get_all", &api.host_get_all().await?.railguns.count);
    Ok(())
}

async fn client_lifecycle(emulator: &Emulator) -> Result<(), Error> {
    println!("\nClient API (email + tkn):");
    let api = ClientApi::builder(EMAIL, TKN).base_url(emulator.base_url()).build()?;
    let domain = "example.org";

    let railgun = api.init("client-railgun", "Client Railgun").await?;
    step("init", &railgun);
    emulator.activate(railgun.rtkn.expose_secret()).expect("the Railgun was just created");
    step("(daemon activates)", &api.user_get_all().await?.railguns.railguns[0].status);
    let rtkn = &railgun.rtkn;

    step("conn_set", &api.conn_set(domain, rtkn, Mode::Inactive).await?);
    step("conn_setmode_enabled", &api.conn_setmode_enabled(domain, rtkn).await?);
    step("zone_conn_get_active", &api.zone_conn_get_active(domain).await?.connection.active);
    step("conn_setmode_disabled", &api.conn_setmode_disabled(domain, rtkn).await?);
    step("conn_delete", &api.conn_delete(domain, rtkn).await?);
    step("delete", &api.delete(rtkn).await?);

    // Errors are typed and carry the service's message.
    let error = api.delete(rtkn).await.expect_err("a deleted Railgun cannot be deleted again");
    step("delete (again)", &error.to_string());
    Ok(())
}
