railgun_api::generate_api!("specs/missing_field.yaml");

fn main() {}
