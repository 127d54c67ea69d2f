railgun_api::generate_api!("specs/unknown_key.yaml");

fn main() {}
