//! What the emulator takes from `spec/railgun.yaml`: which actions each
//! family has, their methods, parameters and `act` values. A spec edit
//! changes the client and the emulator together.

use std::collections::HashMap;

use railgun_codegen::model::Method;

/// The spec the emulator was built with.
const SPEC: &str = include_str!("../../spec/railgun.yaml");

/// One endpoint, as the emulator needs it.
#[derive(Debug, Clone)]
pub struct EndpointSpec {
    /// `act` of a successful answer.
    pub act: String,
    /// Accepted methods.
    pub get: bool,
    /// Accepted methods.
    pub post: bool,
    /// Wire names of the required parameters, credentials excluded.
    pub required: Vec<String>,
}

/// Endpoints by family name and action.
#[derive(Debug, Clone)]
pub struct SpecTable {
    endpoints: HashMap<(String, String), EndpointSpec>,
}

impl SpecTable {
    /// Reads the embedded spec.
    pub fn load() -> SpecTable {
        // The same file railgun-api expands at build time, so it is valid.
        let spec = railgun_codegen::parse(SPEC, "spec/railgun.yaml").expect("spec/railgun.yaml is valid");
        let endpoints = spec
            .endpoints
            .iter()
            .map(|e| {
                let entry = EndpointSpec {
                    act: e.act.clone(),
                    get: e.methods.contains(&Method::Get),
                    post: e.methods.contains(&Method::Post),
                    required: e.params.iter().filter(|p| !p.optional).map(|p| p.name.clone()).collect(),
                };
                ((e.family.clone(), e.action.clone()), entry)
            })
            .collect();
        SpecTable { endpoints }
    }

    /// The endpoint `action` of `family`, if the spec has it.
    pub fn endpoint(&self, family: &str, action: &str) -> Option<&EndpointSpec> {
        self.endpoints.get(&(family.to_owned(), action.to_owned()))
    }

    /// Whether any family has `action`.
    pub fn knows(&self, action: &str) -> bool {
        self.endpoints.keys().any(|(_, a)| a == action)
    }
}
