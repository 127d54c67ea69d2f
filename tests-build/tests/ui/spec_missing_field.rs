railgun_runtime::generate_api!("specs/missing_field.yaml");

fn main() {}
