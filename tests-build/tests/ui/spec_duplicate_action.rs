railgun_runtime::generate_api!("specs/duplicate_action.yaml");

fn main() {}
