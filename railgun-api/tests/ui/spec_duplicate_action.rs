railgun_api::generate_api!("specs/duplicate_action.yaml");

fn main() {}
