railgun_runtime::generate_api!("specs/unknown_type.yaml");

fn main() {}
