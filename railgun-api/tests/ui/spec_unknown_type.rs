railgun_api::generate_api!("specs/unknown_type.yaml");

fn main() {}
