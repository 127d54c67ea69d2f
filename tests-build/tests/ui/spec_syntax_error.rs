railgun_runtime::generate_api!("specs/syntax_error.yaml");

fn main() {}
