//! Named types: structs and their fields, enums, IP ranges.

use std::collections::HashSet;

use super::{Kind, Resolver};
use crate::ir;
use crate::model::{self, TypeDef};
use crate::ty::{Scalar, TypeExpr};

/// The resolved bounds of a netmask declaration.
pub(super) fn netmask(n: model::Netmask) -> ir::Netmask {
    ir::Netmask { ipv4: (n.ipv4[0], n.ipv4[1]), ipv6: (n.ipv6[0], n.ipv6[1]) }
}

impl Resolver<'_> {
    pub(super) fn types(&mut self) -> Vec<ir::TypeDef> {
        let spec = self.spec;
        let mut names = HashSet::new();
        let mut types = Vec::new();
        for (i, def) in spec.types.iter().enumerate() {
            let path = format!("types[{i}]");
            self.camel_ident(&format!("{path}.name"), &def.name);
            if !names.insert(def.name.as_str()) {
                self.report(format!("{path}.name"), format!("duplicate type '{}'", def.name));
            }
            let kind = match def.kind {
                model::TypeKind::Struct => ir::TypeKind::Struct(self.struct_def(&path, def)),
                model::TypeKind::Enum => ir::TypeKind::Enum(self.enum_def(&path, def)),
                model::TypeKind::IpRange => ir::TypeKind::IpRange(self.ip_range_def(&path, def)),
            };
            types.push(ir::TypeDef { name: def.name.clone(), doc: def.doc.clone(), kind });
        }
        self.cycles(&types);
        types
    }

    fn struct_def(&mut self, path: &str, def: &TypeDef) -> Vec<ir::Field> {
        if def.variants.is_some() || def.open.is_some() || def.netmask.is_some() {
            self.report(path, "a struct has `fields`, not `variants`, `open` or `netmask`");
        }
        let Some(fields) = &def.fields else {
            self.report(path, "a struct needs `fields`");
            return Vec::new();
        };
        if fields.is_empty() {
            self.report(format!("{path}.fields"), "a struct needs at least one field");
        }
        let mut wire = HashSet::new();
        let mut rust = HashSet::new();
        let mut resolved = Vec::new();
        for (j, field) in fields.iter().enumerate() {
            let fpath = format!("{path}.fields[{j}]");
            if !wire.insert(field.name.as_str()) {
                self.report(format!("{fpath}.name"), format!("two fields named '{}'", field.name));
            }
            let key = if field.rust.is_some() { "rust" } else { "name" };
            if self.member_ident(&fpath, field) && !rust.insert(field.rust_name()) {
                self.report(format!("{fpath}.{key}"), format!("two fields with the Rust name '{}'", field.rust_name()));
            }
            if field.location.is_some() || field.encoding.is_some() {
                self.report(&fpath, "`in` and `encoding` are for parameters and credentials, not response fields");
            }
            if let Some(key) = field.bounds_key() {
                self.report(
                    format!("{fpath}.{key}"),
                    "`minimum` and `maximum` are for parameters, not response fields",
                );
            }
            if field.max_length.is_some() {
                self.report(format!("{fpath}.max_length"), "`max_length` is for parameters, not response fields");
            }
            if let Some(ty) = self.field_type(&fpath, field) {
                resolved.push(ir::Field {
                    wire: field.name.clone(),
                    rust: field.rust_name().to_owned(),
                    ty,
                    optional: field.optional,
                    doc: field.doc.clone(),
                });
            }
        }
        resolved
    }

    fn field_type(&mut self, fpath: &str, field: &model::Field) -> Option<ir::FieldType> {
        let path = format!("{fpath}.type");
        match TypeExpr::parse(&field.ty, self.spec.version) {
            Err(message) => {
                self.report(path, message);
                None
            }
            Ok(TypeExpr::V1IpRanges) => {
                self.report(path, "ip_ranges is a parameter type; response fields cannot use it");
                None
            }
            Ok(TypeExpr::Domain) => {
                self.report(path, "domain is a parameter type; a response field's name is a string");
                None
            }
            Ok(TypeExpr::Scalar(scalar)) => Some(ir::FieldType::Scalar(scalar)),
            Ok(TypeExpr::Named(name)) => match self.lookup(&path, &name)? {
                (named, Kind::Struct) => Some(ir::FieldType::Struct(named)),
                (named, Kind::Enum { open }) => Some(ir::FieldType::Enum(ir::EnumRef { named, open })),
                (named, kind @ Kind::IpRange(_)) => {
                    self.wrong_kind(&path, &named, kind, "a struct or an enum");
                    None
                }
            },
            Ok(TypeExpr::List(inner)) => match *inner {
                TypeExpr::Named(name) => match self.lookup(&path, &name)? {
                    (named, Kind::Struct) => Some(ir::FieldType::List(named)),
                    (named, kind @ (Kind::Enum { .. } | Kind::IpRange(_))) => {
                        self.wrong_kind(&path, &named, kind, "a struct");
                        None
                    }
                },
                TypeExpr::Scalar(Scalar::String) => Some(ir::FieldType::Strings),
                other => {
                    self.report(path, format!("list<{other}>: lists hold strings or a struct type from `types`"));
                    None
                }
            },
        }
    }

    fn enum_def(&mut self, path: &str, def: &TypeDef) -> ir::EnumDef {
        if def.fields.is_some() || def.netmask.is_some() {
            self.report(path, "an enum has `variants`, not `fields` or `netmask`");
        }
        let open = def.open == Some(true);
        let Some(variants) = &def.variants else {
            self.report(path, "an enum needs `variants`");
            return ir::EnumDef { variants: Vec::new(), open };
        };
        if variants.is_empty() {
            self.report(format!("{path}.variants"), "an enum needs at least one variant");
        }
        let mut wire = HashSet::new();
        let mut names = HashSet::new();
        for (j, v) in variants.iter().enumerate() {
            let vpath = format!("{path}.variants[{j}]");
            if !wire.insert(v.wire.as_str()) {
                self.report(format!("{vpath}.wire"), format!("two variants with the wire value '{}'", v.wire));
            }
            if self.camel_ident(&format!("{vpath}.name"), &v.name) && !names.insert(v.name.as_str()) {
                self.report(format!("{vpath}.name"), format!("two variants named '{}'", v.name));
            }
            if open && v.name == "Unknown" {
                self.report(format!("{vpath}.name"), "'Unknown' is reserved for the values an open enum does not know");
            }
        }
        let variants = variants
            .iter()
            .map(|v| ir::Variant { wire: v.wire.clone(), name: v.name.clone(), doc: v.doc.clone() })
            .collect();
        ir::EnumDef { variants, open }
    }

    fn ip_range_def(&mut self, path: &str, def: &TypeDef) -> ir::Netmask {
        self.needs_v2(format!("{path}.kind"), "`kind: ip_range`");
        if def.fields.is_some() || def.variants.is_some() || def.open.is_some() {
            self.report(path, "an ip_range has a `netmask`, not `fields`, `variants` or `open`");
        }
        let Some(declared) = def.netmask else {
            self.report(path, "an ip_range needs `netmask: {ipv4: [shortest, longest], ipv6: [shortest, longest]}`");
            return ir::Netmask { ipv4: (0, 32), ipv6: (0, 128) };
        };
        let bounds = netmask(declared);
        for (family, (lo, hi), max) in [("ipv4", bounds.ipv4, 32), ("ipv6", bounds.ipv6, 128)] {
            if lo > hi || hi > max {
                self.report(
                    format!("{path}.netmask.{family}"),
                    format!("[{lo}, {hi}]: the bounds must be in order and at most {max}"),
                );
            }
        }
        bounds
    }

    /// A struct that holds itself (other than through a list) has no size.
    fn cycles(&mut self, types: &[ir::TypeDef]) {
        let direct = |def: &ir::TypeDef| -> Vec<ir::TypeId> {
            match &def.kind {
                ir::TypeKind::Struct(fields) => fields
                    .iter()
                    .filter_map(|f| match &f.ty {
                        ir::FieldType::Struct(named) => Some(named.id),
                        ir::FieldType::Scalar(_)
                        | ir::FieldType::Enum(_)
                        | ir::FieldType::List(_)
                        | ir::FieldType::Strings => None,
                    })
                    .collect(),
                ir::TypeKind::Enum(_) | ir::TypeKind::IpRange(_) => Vec::new(),
            }
        };
        for (i, def) in types.iter().enumerate() {
            let mut seen = HashSet::new();
            let mut stack = direct(def);
            while let Some(next) = stack.pop() {
                if next.0 == i {
                    self.report(
                        format!("types[{i}].name"),
                        format!("'{}' contains itself; hold it in a list<…> instead", def.name),
                    );
                    break;
                }
                if seen.insert(next) {
                    stack.extend(types.get(next.0).map(direct).unwrap_or_default());
                }
            }
        }
    }
}
