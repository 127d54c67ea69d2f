railgun_runtime::generate_api!("specs/does-not-exist.yaml");

fn main() {}
