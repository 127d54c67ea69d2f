//! suggestion_set belongs to the Optimized Partner API only.
use railgun_api::types::Mode;
use railgun_api::{ClientApi, Secret};

async fn expose(api: &ClientApi, rtkn: &Secret) {
    let _ = api.suggestion_set("example.com", rtkn, Mode::Active).await;
}

fn main() {
    let _ = expose;
}
