railgun_runtime::generate_api!("specs/duplicate_wire_name.yaml");

fn main() {}
