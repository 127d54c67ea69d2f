//! A spec that does not build: its errors, and no second one from the
//! code around it, which uses what the spec names.
railgun_runtime::generate_api!("specs/unknown_type.yaml");

use types::IdResponse as Answer;

fn main() {
    let _: Option<ClientApi> = None;
    let _: Option<client::ClientApi> = None;
    let _: Option<&Answer> = None;
}
