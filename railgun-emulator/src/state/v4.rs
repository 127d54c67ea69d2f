//! The v4 API's operations over the same state as v2's actions.
//!
//! The two APIs name things differently; the emulator links them so:
//!
//! - a Railgun's v4 `id` is its v2 `railgun_tag`, its `activation_key` is
//!   its v2 `rtkn`, `enabled` is v2 `railgun_mode`, and `status` is
//!   `initializing` for v2 `INI`, `active` for `V`;
//! - a zone's v4 id is [`zone_id`](super::zone_id) of its name;
//! - a connection's v4 id is its v2 `railgun_conn_id` written as 32
//!   hexadecimal digits.
//!
//! Every operation acts for one owner and sees only that owner's Railguns:
//! another owner's Railgun is "not found", never named.

use std::sync::Arc;

use time::OffsetDateTime;

use super::{ApiError, Connection, Inner, Owner, Railgun, State, Status, now};

/// Which page of a list, and how long pages are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// From 1.
    pub page: u64,
    /// Items per page, at least 1.
    pub per_page: u64,
}

/// One page of a list: its items and how many there are in all.
#[derive(Debug, Clone)]
pub struct PageOf<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// Items on every page together.
    pub total: u64,
}

/// A Railgun as v4 shows it: itself, and how many zones it serves.
#[derive(Debug, Clone)]
pub struct RailgunView {
    /// The Railgun.
    pub railgun: Arc<Railgun>,
    /// Zones connected to it.
    pub zones_connected: usize,
}

/// A Railgun as a zone sees it.
#[derive(Debug, Clone)]
pub struct ZoneRailgun {
    /// The Railgun.
    pub railgun: Arc<Railgun>,
    /// Whether the zone is connected to it.
    pub connected: bool,
}

/// A zone the emulator knows.
#[derive(Debug, Clone)]
pub struct ZoneView {
    /// Its v4 id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// When it became known.
    pub created: OffsetDateTime,
}

/// A connection of a zone to a Railgun.
#[derive(Debug, Clone)]
pub struct ConnectionView {
    /// The connection.
    pub connection: Connection,
    /// Its zone's v4 id.
    pub zone_id: String,
    /// Its zone's name.
    pub zone: String,
}

/// What a test of a zone's Railgun connection finds.
#[derive(Debug, Clone)]
pub struct Diagnosis {
    /// The zone's name.
    pub zone: String,
    /// The Railgun's id.
    pub railgun_id: u64,
    /// Whether the zone's traffic goes through the Railgun (connected, and
    /// both the Railgun and the connection enabled).
    pub on: bool,
}

impl PageRequest {
    fn cut<T>(self, items: impl Iterator<Item = T>) -> impl Iterator<Item = T> {
        let skip = (self.page - 1).saturating_mul(self.per_page);
        items
            .skip(usize::try_from(skip).unwrap_or(usize::MAX))
            .take(usize::try_from(self.per_page).unwrap_or(usize::MAX))
    }
}

fn not_found(what: &str) -> ApiError {
    ApiError::new("E_NOT_FOUND", format!("{what} not found"))
}

impl State {
    /// The owner's Railguns, in creation order or its reverse.
    pub fn v4_railguns(&self, owner: Owner, page: PageRequest, descending: bool) -> PageOf<RailgunView> {
        let s = self.lock();
        let Some(ids) = s.by_owner.get(&owner) else { return PageOf { items: Vec::new(), total: 0 } };
        let views = |ids: &mut dyn Iterator<Item = &u64>| {
            page.cut(ids).map(|id| s.railgun_view(&s.railguns[id])).collect::<Vec<_>>()
        };
        let items = if descending { views(&mut ids.iter().rev()) } else { views(&mut ids.iter()) };
        PageOf { items, total: ids.len() as u64 }
    }

    /// Creates a Railgun, as v2 `init` does.
    pub fn v4_create(&self, owner: Owner, name: &str) -> RailgunView {
        let mut s = self.lock();
        let railgun = s.create(owner, Some(name), None);
        s.railgun_view(&railgun)
    }

    /// One of the owner's Railguns, by v4 id.
    pub fn v4_railgun(&self, owner: Owner, tag: &str) -> Result<RailgunView, ApiError> {
        let s = self.lock();
        let id = s.own(owner, tag)?;
        Ok(s.railgun_view(&s.railguns[&id]))
    }

    /// Renames a Railgun and switches it on or off; `None` leaves either as
    /// it is.
    pub fn v4_update(
        &self,
        owner: Owner,
        tag: &str,
        name: Option<&str>,
        enabled: Option<bool>,
    ) -> Result<RailgunView, ApiError> {
        let mut s = self.lock();
        let id = s.own(owner, tag)?;
        let railgun = Arc::make_mut(s.railguns.get_mut(&id).expect("indexed Railgun exists"));
        if let Some(name) = name {
            railgun.name = name.to_owned();
        }
        if let Some(enabled) = enabled {
            railgun.enabled = enabled;
        }
        railgun.edited = now();
        Ok(s.railgun_view(&s.railguns[&id]))
    }

    /// Deletes a Railgun, as v2 `delete` does.
    pub fn v4_delete(&self, owner: Owner, tag: &str) -> Result<(), ApiError> {
        let mut s = self.lock();
        let id = s.own(owner, tag)?;
        s.remove(id);
        Ok(())
    }

    /// The zones connected to one of the owner's Railguns, by name.
    pub fn v4_railgun_zones(&self, owner: Owner, tag: &str) -> Result<Vec<ZoneView>, ApiError> {
        let s = self.lock();
        let id = s.own(owner, tag)?;
        let mut zones: Vec<&String> = s.connected_to(id).collect();
        zones.sort();
        Ok(zones.into_iter().map(|zone| s.zone_view(zone)).collect())
    }

    /// The owner's Railguns as zone `zone_id` sees them.
    pub fn v4_zone_railguns(&self, owner: Owner, zone_id: &str) -> Result<Vec<ZoneRailgun>, ApiError> {
        let s = self.lock();
        let zone = s.zone_named(zone_id)?;
        let ids = s.by_owner.get(&owner).into_iter().flatten();
        Ok(ids.map(|id| s.zone_railgun_view(zone, &s.railguns[id])).collect())
    }

    /// One of the owner's Railguns as zone `zone_id` sees it.
    pub fn v4_zone_railgun(&self, owner: Owner, zone_id: &str, tag: &str) -> Result<ZoneRailgun, ApiError> {
        let s = self.lock();
        let zone = s.zone_named(zone_id)?;
        let id = s.own(owner, tag)?;
        Ok(s.zone_railgun_view(zone, &s.railguns[&id]))
    }

    /// Connects zone `zone_id` to the Railgun (enabled), or disconnects it.
    /// Disconnecting a zone that is not connected to it changes nothing.
    pub fn v4_zone_connect(
        &self,
        owner: Owner,
        zone_id: &str,
        tag: &str,
        connected: bool,
    ) -> Result<ZoneRailgun, ApiError> {
        let mut s = self.lock();
        let zone = s.zone_named(zone_id)?.to_owned();
        let id = s.own(owner, tag)?;
        if connected {
            s.active(id)?;
            s.free(&zone, Some(id), owner)?;
            s.connect(&zone, id, true, owner)?;
        } else if s.connections.get(&zone).is_some_and(|c| c.railgun_id == id) {
            s.disconnect(&zone);
        }
        Ok(s.zone_railgun_view(&zone, &s.railguns[&id]))
    }

    /// A test of the Railgun's connection to zone `zone_id`: a made-up
    /// request whose `railgun` says whether the zone's traffic would go
    /// through the Railgun (connected, and both the Railgun and the
    /// connection enabled).
    pub fn v4_diagnose(&self, owner: Owner, zone_id: &str, tag: &str) -> Result<Diagnosis, ApiError> {
        let s = self.lock();
        let zone = s.zone_named(zone_id)?;
        let id = s.own(owner, tag)?;
        let on = s.railguns[&id].enabled && s.connections.get(zone).is_some_and(|c| c.railgun_id == id && c.enabled);
        Ok(Diagnosis { zone: zone.to_owned(), railgun_id: id, on })
    }

    /// The connections of one of the owner's Railguns, oldest first,
    /// optionally only the enabled (or disabled) ones.
    pub fn v4_connections(
        &self,
        owner: Owner,
        tag: &str,
        enabled: Option<bool>,
        page: PageRequest,
    ) -> Result<PageOf<ConnectionView>, ApiError> {
        let s = self.lock();
        let id = s.own(owner, tag)?;
        let mut zones: Vec<(u64, &String)> = s
            .connected_to(id)
            .map(|zone| (s.connections[zone].id, zone))
            .filter(|(_, zone)| enabled.is_none_or(|e| s.connections[*zone].enabled == e))
            .collect();
        zones.sort();
        let total = zones.len() as u64;
        let items = page.cut(zones.into_iter()).map(|(_, zone)| s.connection_view(zone)).collect();
        Ok(PageOf { items, total })
    }

    /// Connects zone `zone_id` to the Railgun; a zone already connected,
    /// even to this Railgun, is refused.
    pub fn v4_connect(
        &self,
        owner: Owner,
        tag: &str,
        zone_id: &str,
        enabled: bool,
    ) -> Result<ConnectionView, ApiError> {
        let mut s = self.lock();
        let id = s.own(owner, tag)?;
        let zone = s.zone_named(zone_id)?.to_owned();
        s.active(id)?;
        s.free(&zone, None, owner)?;
        s.connect(&zone, id, enabled, owner)?;
        Ok(s.connection_view(&zone))
    }

    /// One connection of one of the owner's Railguns.
    pub fn v4_connection(&self, owner: Owner, tag: &str, connection: &str) -> Result<ConnectionView, ApiError> {
        let s = self.lock();
        let id = s.own(owner, tag)?;
        let zone = s.connection_zone(id, connection)?;
        Ok(s.connection_view(zone))
    }

    /// Enables or disables one connection, as v2 `conn_setmode_*` does.
    pub fn v4_set_connection(
        &self,
        owner: Owner,
        tag: &str,
        connection: &str,
        enabled: bool,
    ) -> Result<ConnectionView, ApiError> {
        let mut s = self.lock();
        let id = s.own(owner, tag)?;
        let zone = s.connection_zone(id, connection)?.to_owned();
        let conn = s.connections.get_mut(&zone).expect("indexed connection exists");
        conn.enabled = enabled;
        conn.modified = now();
        Ok(s.connection_view(&zone))
    }

    /// Removes one connection, as v2 `conn_delete` does.
    pub fn v4_disconnect(&self, owner: Owner, tag: &str, connection: &str) -> Result<(), ApiError> {
        let mut s = self.lock();
        let id = s.own(owner, tag)?;
        let zone = s.connection_zone(id, connection)?.to_owned();
        s.disconnect(&zone);
        Ok(())
    }
}

impl Inner {
    /// The owner's live Railgun with v4 id `tag`.
    fn own(&self, owner: Owner, tag: &str) -> Result<u64, ApiError> {
        match self.by_tag.get(tag) {
            Some(&id) if self.railguns[&id].owner == owner => Ok(id),
            _ => Err(not_found(&format!("Railgun '{tag}'"))),
        }
    }

    /// The name of the zone with v4 id `zone_id`.
    fn zone_named(&self, zone_id: &str) -> Result<&str, ApiError> {
        self.zone_names.get(zone_id).map(String::as_str).ok_or_else(|| not_found(&format!("zone '{zone_id}'")))
    }

    /// Refuses a Railgun its daemon has not activated.
    fn active(&self, id: u64) -> Result<(), ApiError> {
        let railgun = &self.railguns[&id];
        if railgun.status == Status::Verified {
            return Ok(());
        }
        Err(ApiError::new(
            "E_NOT_ACTIVE",
            format!("Railgun '{}' has not been activated yet: start its daemon with its activation_key", railgun.tag),
        ))
    }

    /// Refuses a zone connected to a Railgun other than `except`, naming
    /// that Railgun only if it is the caller's.
    fn free(&self, zone: &str, except: Option<u64>, caller: Owner) -> Result<(), ApiError> {
        let Some(other) = self.connections.get(zone).map(|c| c.railgun_id).filter(|id| Some(*id) != except) else {
            return Ok(());
        };
        let whose = match self.railguns.get(&other) {
            Some(r) if r.owner == caller => format!("Railgun '{}'", r.tag),
            _ => "another account's Railgun".to_owned(),
        };
        Err(ApiError::new("E_ZONE_CONNECTED", format!("{zone} is already connected to {whose}: disconnect it first")))
    }

    /// The zones connected (not only suggested) to Railgun `id`.
    fn connected_to(&self, id: u64) -> impl Iterator<Item = &String> {
        let zones = self.zones.get(&id).into_iter().flatten();
        zones.filter(move |zone| self.connections.get(*zone).is_some_and(|c| c.railgun_id == id))
    }

    /// The zone of Railgun `id`'s connection with v4 id `connection`.
    fn connection_zone(&self, id: u64, connection: &str) -> Result<&str, ApiError> {
        let number = (connection.len() == 32)
            .then(|| u128::from_str_radix(connection, 16).ok())
            .flatten()
            .and_then(|n| u64::try_from(n).ok());
        number
            .and_then(|n| self.by_connection.get(&n))
            .filter(|zone| self.connections.get(*zone).is_some_and(|c| c.railgun_id == id))
            .map(String::as_str)
            .ok_or_else(|| not_found(&format!("connection '{connection}'")))
    }

    fn railgun_view(&self, railgun: &Arc<Railgun>) -> RailgunView {
        RailgunView { railgun: railgun.clone(), zones_connected: self.connected_to(railgun.id).count() }
    }

    fn zone_railgun_view(&self, zone: &str, railgun: &Arc<Railgun>) -> ZoneRailgun {
        let connected = self.connections.get(zone).is_some_and(|c| c.railgun_id == railgun.id);
        ZoneRailgun { railgun: railgun.clone(), connected }
    }

    fn zone_view(&self, zone: &str) -> ZoneView {
        let known = &self.directory[zone];
        ZoneView { id: known.id.clone(), name: zone.to_owned(), created: known.created }
    }

    fn connection_view(&self, zone: &str) -> ConnectionView {
        let connection = self.connections[zone].clone();
        ConnectionView { connection, zone_id: self.directory[zone].id.clone(), zone: zone.to_owned() }
    }
}

/// A connection's v4 id: its v2 id as 32 hexadecimal digits.
pub fn connection_id(id: u64) -> String {
    format!("{id:032x}")
}
