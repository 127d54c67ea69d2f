//! A minimal spec expands into code without a single warning.
#![deny(warnings, missing_docs, unused_qualifications)]

railgun_runtime::generate_api!("specs/minimal.yaml");

fn main() {
    let api = ClientApi::new("rg-token").unwrap();
    let rtkn = railgun_api::Secret::new("rtkn");
    let _call = api.delete(&rtkn);
}
