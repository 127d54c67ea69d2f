//! The emulated service's state and the rules of every action. It answers
//! in typed values; how each API writes them is `v2.rs`'s and `v4.rs`'s.
//!
//! All state sits behind one mutex: every operation is a few map look-ups
//! (indexes by token, by owner and by Railgun keep each one from scanning
//! the whole state), so holding the lock for a whole operation keeps each
//! request atomic and the state consistent under any number of concurrent
//! requests. A listing takes the lock only to copy pointers to the
//! caller's Railguns; its answer is written after the lock is released.
//!
//! A deleted Railgun's record is dropped at once; a tombstone of its token
//! (id and owner) is kept for the last [`TOMBSTONES`] deletions, so a
//! second `delete` still says the Railgun was deleted.
//!
//! A zone, once linked to a Railgun (or configured), stays known with its
//! v4 id after its connection goes, as a zone outlives its connections on
//! the real service: the directory grows with the distinct zone names used,
//! not with the calls.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

mod v4;

pub use v4::{ConnectionView, Diagnosis, PageOf, PageRequest, RailgunView, ZoneRailgun, ZoneView, connection_id};

/// An error the service answers with `result: error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// Machine-readable code, sent as `err_code`.
    pub code: &'static str,
    /// What was wrong, sent as `msg`.
    pub msg: String,
}

impl ApiError {
    pub(crate) fn new(code: &'static str, msg: impl Into<String>) -> ApiError {
        ApiError { code, msg: msg.into() }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.msg)
    }
}

impl std::error::Error for ApiError {}

/// Who is calling: the account that owns what it creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    /// A Client API user, by account id.
    User(u64),
    /// An Optimized Partner API host, by account id.
    Host(u64),
}

/// Lifecycle status of a Railgun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Created by `init`.
    Initializing,
    /// Activated by the daemon.
    Verified,
    /// Deleted.
    Deleted,
}

impl Status {
    /// The letters v2 answers with (`INI`, `V`, `D`).
    pub fn wire(self) -> &'static str {
        match self {
            Status::Initializing => "INI",
            Status::Verified => "V",
            Status::Deleted => "D",
        }
    }
}

/// One Railgun.
#[derive(Debug, Clone)]
pub struct Railgun {
    pub id: u64,
    pub owner: Owner,
    pub name: String,
    pub pubname: Option<String>,
    /// The v2 `railgun_tag`, which is also the Railgun's v4 `id`.
    pub tag: String,
    /// The token the daemon activates with: v2 `rtkn`, v4 `activation_key`.
    pub rtkn: String,
    pub status: Status,
    /// Whether it accepts connections: v2 `railgun_mode`, v4 `enabled`.
    /// Off until the daemon activates it, as in the v2 docs' listings.
    pub enabled: bool,
    pub created: OffsetDateTime,
    pub edited: OffsetDateTime,
    pub activated: Option<OffsetDateTime>,
    pub deleted: Option<OffsetDateTime>,
    pub rec_id: Option<u64>,
    pub rec_name: Option<String>,
    pub ranges: Vec<String>,
}

/// The connection of a zone to a Railgun.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub id: u64,
    pub railgun_id: u64,
    pub enabled: bool,
    pub created: OffsetDateTime,
    pub modified: OffsetDateTime,
}

/// A copy of the whole state, for checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Railguns by id: owner and status.
    pub railguns: BTreeMap<u64, (Owner, &'static str)>,
    /// Connections by zone: Railgun id and whether enabled.
    pub connections: BTreeMap<String, (u64, bool)>,
    /// Zones a Railgun was suggested to, by zone: Railgun id.
    pub suggestions: BTreeMap<String, u64>,
    /// IP ranges by Railgun id.
    pub ranges: BTreeMap<u64, Vec<String>>,
    /// Names of live Railguns, by id.
    pub names: BTreeMap<u64, String>,
    /// Live Railguns that accept connections (v2 `railgun_mode: 1`, v4
    /// `enabled: true`).
    pub enabled: BTreeSet<u64>,
}

/// Deleted Railguns whose tokens are remembered.
pub const TOMBSTONES: usize = 10_000;

/// What a token names.
#[derive(Debug, Clone, Copy)]
enum Handle {
    Live(u64),
    Deleted { id: u64, owner: Owner },
}

#[derive(Debug, Default)]
struct Inner {
    /// Live Railguns by id, shared with listings under way.
    railguns: HashMap<u64, Arc<Railgun>>,
    /// Live Railgun ids per owner, in id order.
    by_owner: HashMap<Owner, BTreeSet<u64>>,
    by_rtkn: HashMap<String, Handle>,
    /// Tokens of deleted Railguns, oldest first.
    tombstones: VecDeque<String>,
    connections: HashMap<String, Connection>,
    suggestions: HashMap<String, u64>,
    /// Zones connected to or suggested to each Railgun.
    zones: HashMap<u64, HashSet<String>>,
    /// Live Railgun ids by tag (their v4 `id`).
    by_tag: HashMap<String, u64>,
    /// The zone of each connection, by connection id.
    by_connection: HashMap<u64, String>,
    /// Zones known to the emulator (configured, or linked to a Railgun
    /// once), by name.
    directory: HashMap<String, KnownZone>,
    /// Names of known zones, by their v4 id.
    zone_names: HashMap<String, String>,
    next_railgun: u64,
    next_connection: u64,
    next_record: u64,
    /// Tokens and generated names: the workspace's one PRNG (fastrand's,
    /// also the client's retry jitter), seeded.
    rng: fastrand::Rng,
}

/// The emulated service's data.
#[derive(Debug)]
pub struct State {
    inner: Mutex<Inner>,
}

/// A zone the emulator knows: v4 names zones by id, v2 by name.
#[derive(Debug, Clone)]
struct KnownZone {
    id: String,
    created: OffsetDateTime,
}

/// The daemon's version reported by an activated Railgun: build, number
/// (version) and revision.
pub const DAEMON_BUILD: (&str, &str, &str) = ("2012-10-27-1257", "2.6.0", "ff3f8f25f5238de327cf34059659de0738399176");

impl State {
    /// Empty state; `seed` makes tokens and names reproducible.
    pub fn new(seed: u64) -> State {
        State {
            inner: Mutex::new(Inner {
                next_railgun: 1,
                next_connection: 1,
                next_record: 100,
                rng: fastrand::Rng::with_seed(seed),
                ..Inner::default()
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-done change:
        // every operation checks everything before it changes anything.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `init`: a new Railgun in `INI`, owned by `owner`. Names need not be
    /// unique: the docs set no such rule.
    pub fn init(&self, owner: Owner, name: Option<&str>, pubname: Option<&str>) -> Arc<Railgun> {
        self.lock().create(owner, name, pubname)
    }

    /// Makes every zone of `names` known, as if a Railgun had been linked to
    /// it: v4 calls name zones by id, and find only known ones. Names are
    /// case-insensitive, as v2 calls take them.
    pub fn register_zones<'n>(&self, names: impl IntoIterator<Item = &'n str>) {
        let mut s = self.lock();
        for name in names {
            s.register(&name.to_ascii_lowercase());
        }
    }

    /// The daemon's activation: `INI` → `V`; the Railgun's id. Not part of
    /// the documented API.
    pub fn activate(&self, rtkn: &str) -> Result<u64, ApiError> {
        let mut s = self.lock();
        let id = s.find(rtkn, None)?;
        let record = s.next_record;
        let rec_name = format!("rg-{}.port2408.net", s.token(32));
        let railgun = Arc::make_mut(s.railguns.get_mut(&id).expect("indexed Railgun exists"));
        if railgun.status == Status::Initializing {
            let now = now();
            railgun.status = Status::Verified;
            railgun.enabled = true;
            railgun.activated = Some(now);
            railgun.edited = now;
            railgun.rec_id = Some(record);
            railgun.rec_name = Some(rec_name);
            s.next_record += 1;
        }
        Ok(id)
    }

    /// `delete`: its connections and suggestions gone, its record dropped,
    /// its token kept as a tombstone (`D`).
    pub fn delete(&self, owner: Owner, rtkn: &str) -> Result<u64, ApiError> {
        let mut s = self.lock();
        let id = s.find(rtkn, Some(owner))?;
        s.remove(id);
        Ok(id)
    }

    /// `user_get_all` / `host_get_all`: the caller's Railguns that are not
    /// deleted, in id order. The lock is held only to copy pointers; the
    /// answer is written from them once it is released.
    pub fn get_all(&self, owner: Owner) -> Vec<Arc<Railgun>> {
        let s = self.lock();
        let railguns = s.by_owner.get(&owner).map(|ids| ids.iter().map(|id| s.railguns[id].clone()).collect());
        railguns.unwrap_or_default()
    }

    /// `zone_conn_get_active`: the zone's connection and its Railgun's
    /// status, if it has one to one of the caller's own Railguns.
    pub fn zone_conn_get_active(&self, owner: Owner, zone: &str) -> Option<(Connection, Status)> {
        let s = self.lock();
        let conn = s.connections.get(zone)?;
        let railgun = s.railguns.get(&conn.railgun_id).filter(|r| r.owner == owner)?;
        Some((conn.clone(), railgun.status))
    }

    /// `suggestion_set`: expose a verified Railgun to a zone; with
    /// `auto_enabled`, also connect and enable it.
    pub fn suggestion_set(&self, owner: Owner, zone: &str, rtkn: &str, auto_enabled: bool) -> Result<u64, ApiError> {
        let mut s = self.lock();
        let id = s.find_verified(rtkn, owner)?;
        if let Some(other) = s.suggestions.get(zone).filter(|other| **other != id)
            && s.owner_of(*other) != Some(owner)
        {
            return Err(ApiError::new("E_ZONE_SUGGESTED", format!("{zone} has a suggestion from another account")));
        }
        if auto_enabled {
            s.connect(zone, id, true, owner)?;
        }
        if let Some(previous) = s.suggestions.insert(zone.to_owned(), id) {
            s.unlink(zone, previous);
        }
        s.zones.entry(id).or_default().insert(zone.to_owned());
        s.register(zone);
        Ok(id)
    }

    /// `conn_set`: connect a verified Railgun to a zone, in `mode`.
    pub fn conn_set(
        &self,
        owner: Owner,
        zone: &str,
        rtkn: &str,
        enabled: bool,
    ) -> Result<(u64, Connection, String), ApiError> {
        let mut s = self.lock();
        let id = s.find_verified(rtkn, owner)?;
        let conn = s.connect(zone, id, enabled, owner)?;
        let rec_name = s.railguns[&id].rec_name.clone().unwrap_or_default();
        Ok((id, conn, rec_name))
    }

    /// `conn_setmode_enabled` / `conn_setmode_disabled`.
    pub fn conn_setmode(&self, owner: Owner, zone: &str, rtkn: &str, enabled: bool) -> Result<u64, ApiError> {
        let mut s = self.lock();
        let id = s.find(rtkn, Some(owner))?;
        let conn = s.connection_of(zone, id, owner)?;
        conn.enabled = enabled;
        conn.modified = now();
        Ok(id)
    }

    /// `conn_delete`.
    pub fn conn_delete(&self, owner: Owner, zone: &str, rtkn: &str) -> Result<u64, ApiError> {
        let mut s = self.lock();
        let id = s.find(rtkn, Some(owner))?;
        s.connection_of(zone, id, owner)?;
        s.disconnect(zone);
        Ok(id)
    }

    /// `ipr_set`: replace the Railgun's IP ranges (checked, and written as
    /// the service answers them: a single host without its netmask).
    pub fn ipr_set(&self, owner: Owner, rtkn: &str, ranges: Vec<String>) -> Result<u64, ApiError> {
        let mut s = self.lock();
        let id = s.find(rtkn, Some(owner))?;
        let railgun = Arc::make_mut(s.railguns.get_mut(&id).expect("indexed Railgun exists"));
        railgun.ranges = ranges;
        railgun.edited = now();
        Ok(id)
    }

    /// Zones connected to, or suggested to, Railguns of `owner`, sorted.
    pub fn zones_of(&self, owner: Owner) -> Vec<String> {
        let s = self.lock();
        let ids = s.by_owner.get(&owner).into_iter().flatten();
        let zones: BTreeSet<&String> = ids.flat_map(|id| s.zones.get(id).into_iter().flatten()).collect();
        zones.into_iter().cloned().collect()
    }

    /// A copy of everything, for checks.
    pub fn snapshot(&self) -> Snapshot {
        let s = self.lock();
        Snapshot {
            railguns: s
                .railguns
                .values()
                .map(|r| (r.id, (r.owner, r.status.wire())))
                .chain(s.by_rtkn.values().filter_map(|h| match *h {
                    Handle::Deleted { id, owner } => Some((id, (owner, Status::Deleted.wire()))),
                    Handle::Live(_) => None,
                }))
                .collect(),
            connections: s.connections.iter().map(|(z, c)| (z.clone(), (c.railgun_id, c.enabled))).collect(),
            suggestions: s.suggestions.iter().map(|(z, id)| (z.clone(), *id)).collect(),
            ranges: s.railguns.values().filter(|r| !r.ranges.is_empty()).map(|r| (r.id, r.ranges.clone())).collect(),
            names: s.railguns.values().map(|r| (r.id, r.name.clone())).collect(),
            enabled: s.railguns.values().filter(|r| r.enabled).map(|r| r.id).collect(),
        }
    }
}

impl Inner {
    /// A new Railgun in `INI`, owned by `owner`.
    fn create(&mut self, owner: Owner, name: Option<&str>, pubname: Option<&str>) -> Arc<Railgun> {
        let id = self.next_railgun;
        self.next_railgun += 1;
        let rtkn = self.token(30);
        let name = match name {
            Some(name) => name.to_owned(),
            None => format!("RG_{}", self.token(24)),
        };
        let now = now();
        let railgun = Arc::new(Railgun {
            id,
            owner,
            name,
            pubname: pubname.map(str::to_owned),
            tag: self.token(28),
            rtkn: rtkn.clone(),
            status: Status::Initializing,
            enabled: false,
            created: now,
            edited: now,
            activated: None,
            deleted: None,
            rec_id: None,
            rec_name: None,
            ranges: Vec::new(),
        });
        self.by_rtkn.insert(rtkn, Handle::Live(id));
        self.by_tag.insert(railgun.tag.clone(), id);
        self.railguns.insert(id, railgun.clone());
        self.by_owner.entry(owner).or_default().insert(id);
        railgun
    }

    /// The Railgun with token `rtkn`, checked to be alive and, when `owner`
    /// is given, to belong to it.
    fn find(&self, rtkn: &str, owner: Option<Owner>) -> Result<u64, ApiError> {
        // Messages name the Railgun by id, never by its token, and never
        // name another account's Railgun at all.
        let handle =
            *self.by_rtkn.get(rtkn).ok_or_else(|| ApiError::new("E_UNKNOWN_RTKN", "no Railgun has this rtkn"))?;
        let (id, of) = match handle {
            Handle::Live(id) => (id, self.railguns[&id].owner),
            Handle::Deleted { id, owner } => (id, owner),
        };
        if owner.is_some_and(|o| o != of) {
            return Err(ApiError::new("E_FORBIDDEN", "this rtkn's Railgun belongs to another account"));
        }
        if matches!(handle, Handle::Deleted { .. }) {
            return Err(ApiError::new("E_RAILGUN_DELETED", format!("Railgun {id} has been deleted")));
        }
        Ok(id)
    }

    fn find_verified(&self, rtkn: &str, owner: Owner) -> Result<u64, ApiError> {
        let id = self.find(rtkn, Some(owner))?;
        if self.railguns[&id].status != Status::Verified {
            return Err(ApiError::new(
                "E_NOT_ACTIVE",
                format!("Railgun {id} has not been activated yet: start the daemon with its rtkn"),
            ));
        }
        Ok(id)
    }

    /// Connects `zone` to Railgun `id`, or changes the mode of the existing
    /// connection; a zone connected to another Railgun must be freed first.
    fn connect(&mut self, zone: &str, id: u64, enabled: bool, caller: Owner) -> Result<Connection, ApiError> {
        if let Some(existing) = self.connections.get(zone) {
            let other = existing.railgun_id;
            if other != id {
                let whose = self.name_for(other, caller);
                return Err(ApiError::new(
                    "E_ZONE_CONNECTED",
                    format!("{zone} is connected to {whose}: conn_delete it first"),
                ));
            }
            let existing = self.connections.get_mut(zone).expect("just found");
            existing.enabled = enabled;
            return Ok(existing.clone());
        }
        let now = now();
        let conn = Connection { id: self.next_connection, railgun_id: id, enabled, created: now, modified: now };
        self.next_connection += 1;
        self.connections.insert(zone.to_owned(), conn.clone());
        self.by_connection.insert(conn.id, zone.to_owned());
        self.zones.entry(id).or_default().insert(zone.to_owned());
        self.register(zone);
        Ok(conn)
    }

    /// Drops `zone`'s connection.
    fn disconnect(&mut self, zone: &str) {
        if let Some(conn) = self.connections.remove(zone) {
            self.by_connection.remove(&conn.id);
            self.unlink(zone, conn.railgun_id);
        }
    }

    /// Drops Railgun `id`: its connections and suggestions, its record, and
    /// its indexes; its token is kept as a tombstone.
    fn remove(&mut self, id: u64) {
        let Some(railgun) = self.railguns.remove(&id) else { return };
        for zone in self.zones.remove(&id).unwrap_or_default() {
            if self.connections.get(&zone).is_some_and(|c| c.railgun_id == id) {
                self.disconnect(&zone);
            }
            if self.suggestions.get(&zone) == Some(&id) {
                self.suggestions.remove(&zone);
            }
        }
        if let Some(ids) = self.by_owner.get_mut(&railgun.owner) {
            ids.remove(&id);
        }
        self.by_tag.remove(&railgun.tag);
        self.by_rtkn.insert(railgun.rtkn.clone(), Handle::Deleted { id, owner: railgun.owner });
        self.tombstones.push_back(railgun.rtkn.clone());
        if self.tombstones.len() > TOMBSTONES {
            let oldest = self.tombstones.pop_front().expect("not empty");
            self.by_rtkn.remove(&oldest);
        }
    }

    /// Remembers `zone` (its v4 id, and when it was first seen).
    fn register(&mut self, zone: &str) {
        if !self.directory.contains_key(zone) {
            let id = zone_id(zone);
            self.zone_names.insert(id.clone(), zone.to_owned());
            self.directory.insert(zone.to_owned(), KnownZone { id, created: now() });
        }
    }

    fn connection_of(&mut self, zone: &str, id: u64, caller: Owner) -> Result<&mut Connection, ApiError> {
        match self.connections.get(zone).map(|c| c.railgun_id) {
            Some(other) if other == id => Ok(self.connections.get_mut(zone).expect("just found")),
            Some(other) => {
                let whose = self.name_for(other, caller);
                Err(ApiError::new("E_NO_CONNECTION", format!("{zone} is connected to {whose}, not to Railgun {id}")))
            }
            None => Err(ApiError::new("E_NO_CONNECTION", format!("{zone} has no Railgun connection"))),
        }
    }

    fn owner_of(&self, id: u64) -> Option<Owner> {
        self.railguns.get(&id).map(|r| r.owner)
    }

    /// "Railgun 7" for the caller's own, "another account's Railgun" else.
    fn name_for(&self, id: u64, caller: Owner) -> String {
        if self.owner_of(id) == Some(caller) { format!("Railgun {id}") } else { "another account's Railgun".to_owned() }
    }

    /// Forgets that `zone` is linked to Railgun `id`, unless it still is
    /// (connected or suggested).
    fn unlink(&mut self, zone: &str, id: u64) {
        let linked =
            self.connections.get(zone).is_some_and(|c| c.railgun_id == id) || self.suggestions.get(zone) == Some(&id);
        if !linked && let Some(zones) = self.zones.get_mut(&id) {
            zones.remove(zone);
        }
    }

    /// `len` lowercase hex characters from the seeded sequence.
    fn token(&mut self, len: usize) -> String {
        (0..len).map(|_| char::from(b"0123456789abcdef"[self.rng.usize(..16)])).collect()
    }
}

/// The v4 id the emulator gives zone `name`: 32 hexadecimal characters,
/// the same on every run. The real service gave zones ids of this shape,
/// unrelated to their names. Names are case-insensitive: `Example.COM` has
/// the id of `example.com`.
pub fn zone_id(name: &str) -> String {
    hex_id(&name.to_ascii_lowercase())
}

/// The v4 account id the emulator gives the Client API user `email`: 32
/// hexadecimal characters, the same on every run.
pub fn account_id(email: &str) -> String {
    hex_id(&format!("account:{email}"))
}

/// Two FNV-1a hashes of `text`, as 32 hexadecimal characters.
fn hex_id(text: &str) -> String {
    let fnv = |basis: u64| text.bytes().fold(basis, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3));
    format!("{:016x}{:016x}", fnv(0xCBF2_9CE4_8422_2325), fnv(0x6C62_272E_07BB_0142))
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// A UTC time to the microsecond: date, `separator`, time, `zone`; each
/// API writes its timestamps with it.
pub(crate) fn utc(t: OffsetDateTime, separator: char, zone: &str) -> String {
    format!(
        "{:04}-{:02}-{:02}{separator}{:02}:{:02}:{:02}.{:06}{zone}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: Owner = Owner::Host(1);

    fn rtkn_of(railgun: Arc<Railgun>) -> String {
        railgun.rtkn.clone()
    }

    #[test]
    fn lifecycle_moves_through_ini_v_d() {
        let state = State::new(7);
        let made = state.init(HOST, Some("rg"), None);
        assert_eq!((made.id, made.status, made.name.as_str()), (1, Status::Initializing, "rg"));
        let rtkn = rtkn_of(made);
        assert_eq!(rtkn.len(), 30);
        assert_eq!(state.snapshot().railguns[&1], (HOST, "INI"));
        assert_eq!(state.conn_set(HOST, "example.com", &rtkn, true).unwrap_err().code, "E_NOT_ACTIVE");
        state.activate(&rtkn).unwrap();
        assert_eq!(state.snapshot().railguns[&1], (HOST, "V"));
        state.conn_set(HOST, "example.com", &rtkn, true).unwrap();
        state.delete(HOST, &rtkn).unwrap();
        let snap = state.snapshot();
        assert_eq!(snap.railguns[&1], (HOST, "D"));
        assert!(snap.connections.is_empty(), "deleting a Railgun drops its connections");
        assert_eq!(state.delete(HOST, &rtkn).unwrap_err().code, "E_RAILGUN_DELETED");
    }

    #[test]
    fn another_account_cannot_touch_a_railgun() {
        let state = State::new(1);
        let rtkn = rtkn_of(state.init(HOST, None, None));
        let other = Owner::User(1);
        let err = state.delete(other, &rtkn).unwrap_err();
        assert_eq!(err, ApiError::new("E_FORBIDDEN", "this rtkn's Railgun belongs to another account"));
        assert_eq!(state.snapshot().railguns[&1], (HOST, "INI"));
        assert_eq!(state.get_all(other).len(), 0);
    }

    #[test]
    fn a_zone_has_at_most_one_railgun() {
        let state = State::new(1);
        let a = rtkn_of(state.init(HOST, None, None));
        let b = rtkn_of(state.init(HOST, None, None));
        state.activate(&a).unwrap();
        state.activate(&b).unwrap();
        state.conn_set(HOST, "example.com", &a, false).unwrap();
        assert_eq!(state.conn_set(HOST, "example.com", &b, true).unwrap_err().code, "E_ZONE_CONNECTED");
        assert_eq!(state.conn_setmode(HOST, "example.com", &b, true).unwrap_err().code, "E_NO_CONNECTION");
        state.conn_delete(HOST, "example.com", &a).unwrap();
        state.conn_set(HOST, "example.com", &b, true).unwrap();
        assert_eq!(state.snapshot().connections["example.com"], (2, true));
    }

    #[test]
    fn names_need_not_be_unique() {
        let state = State::new(1);
        state.init(HOST, Some("edge"), None);
        state.init(HOST, Some("edge"), None);
        assert_eq!(state.get_all(HOST).len(), 2);
    }

    #[test]
    fn refusals_never_name_another_accounts_railgun() {
        let state = State::new(1);
        let theirs = rtkn_of(state.init(Owner::Host(2), None, None));
        let ours = rtkn_of(state.init(HOST, None, None));
        state.activate(&theirs).unwrap();
        state.activate(&ours).unwrap();
        state.suggestion_set(Owner::Host(2), "example.com", &theirs, true).unwrap();

        let err = state.conn_set(HOST, "example.com", &ours, true).unwrap_err();
        assert_eq!(err.msg, "example.com is connected to another account's Railgun: conn_delete it first");
        let err = state.conn_setmode(HOST, "example.com", &ours, false).unwrap_err();
        assert_eq!(err.msg, "example.com is connected to another account's Railgun, not to Railgun 2");
        // Nor can it replace the other account's suggestion.
        let err = state.suggestion_set(HOST, "example.com", &ours, false).unwrap_err();
        assert_eq!(err, ApiError::new("E_ZONE_SUGGESTED", "example.com has a suggestion from another account"));
        assert_eq!(state.snapshot().suggestions["example.com"], 1);
        assert_eq!(state.snapshot().connections["example.com"], (1, true));
        assert_eq!(state.zone_conn_get_active(HOST, "example.com"), None);

        // One's own other Railgun is named.
        let second = rtkn_of(state.init(HOST, None, None));
        state.activate(&second).unwrap();
        state.conn_set(HOST, "example.org", &ours, true).unwrap();
        let err = state.conn_set(HOST, "example.org", &second, true).unwrap_err();
        assert_eq!(err.msg, "example.org is connected to Railgun 2: conn_delete it first");
    }

    #[test]
    fn deleted_railguns_leave_only_a_bounded_tombstone() {
        let state = State::new(1);
        let first = rtkn_of(state.init(HOST, None, None));
        state.activate(&first).unwrap();
        state.suggestion_set(HOST, "example.com", &first, true).unwrap();
        state.delete(HOST, &first).unwrap();
        assert_eq!(state.zones_of(HOST), Vec::<String>::new());
        assert_eq!(state.delete(HOST, &first).unwrap_err().code, "E_RAILGUN_DELETED");
        {
            let s = state.lock();
            assert!(s.railguns.is_empty() && s.zones.is_empty() && s.by_owner[&HOST].is_empty());
        }
        for _ in 0..TOMBSTONES {
            let rtkn = rtkn_of(state.init(HOST, None, None));
            state.delete(HOST, &rtkn).unwrap();
        }
        // The oldest tombstone is gone: its token is now unknown.
        assert_eq!(state.delete(HOST, &first).unwrap_err().code, "E_UNKNOWN_RTKN");
        let s = state.lock();
        assert_eq!((s.by_rtkn.len(), s.tombstones.len(), s.railguns.len()), (TOMBSTONES, TOMBSTONES, 0));
    }
}
