railgun_api::generate_api!("specs/syntax_error.yaml");

fn main() {}
