railgun_runtime::generate_api!("specs/misindented_key.yaml");

fn main() {}
