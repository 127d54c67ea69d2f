//! What the emulator takes from the Railgun spec (`railgun_api::SPEC`, the
//! spec the client was generated from): which actions each family has, their
//! methods, parameters, `act` values and the bounds of their IP ranges. A
//! spec edit changes the client and the emulator together.

use std::collections::HashMap;

use railgun_codegen::ir::{self, Binding, ListEncoding, Method, Netmask, ParamScalar, ParamType};

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
    /// Netmask bounds of the parameters that are lists of IP ranges sent as
    /// one JSON array, by wire name.
    pub ip_ranges: HashMap<String, Netmask>,
}

/// Endpoints by family name and action.
#[derive(Debug, Clone)]
pub struct SpecTable {
    endpoints: HashMap<(String, String), EndpointSpec>,
}

impl SpecTable {
    /// Reads the spec railgun-api was generated from.
    ///
    /// # Errors
    ///
    /// The spec's problems, should this crate's railgun-codegen not read it
    /// (railgun-api expanded this very text when it was built).
    pub fn load() -> Result<SpecTable, String> {
        let spec = railgun_codegen::parse(railgun_api::SPEC, "railgun-api/spec/railgun.yaml")
            .map_err(|e| format!("the Railgun spec does not load: {e}"))?;
        let api = spec.api();
        let endpoints = api.endpoints.iter().filter_map(|e| {
            let Binding::ActionForm(form) = &e.binding else { return None };
            let entry = EndpointSpec {
                act: form.act.clone(),
                get: form.methods.contains(&Method::Get),
                post: form.methods.contains(&Method::Post),
                required: e.params.iter().filter(|p| !p.optional).map(|p| p.wire.clone()).collect(),
                ip_ranges: e.params.iter().filter_map(json_ip_ranges).collect(),
            };
            Some(((api.family(e.family).name.clone(), e.action.clone()), entry))
        });
        Ok(SpecTable { endpoints: endpoints.collect() })
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

/// A parameter that is a list of IP ranges sent as one JSON array, with the
/// bounds its type declares.
fn json_ip_ranges(p: &ir::Param) -> Option<(String, Netmask)> {
    match &p.ty {
        ParamType::List(ParamScalar::IpRange(range), ListEncoding::Json) => Some((p.wire.clone(), range.netmask)),
        ParamType::List(..) | ParamType::One(_) => None,
    }
}
