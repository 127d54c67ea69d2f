railgun_runtime::generate_api!("specs/unknown_key.yaml");

fn main() {}
