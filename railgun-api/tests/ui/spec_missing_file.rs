railgun_api::generate_api!("specs/does-not-exist.yaml");

fn main() {}
