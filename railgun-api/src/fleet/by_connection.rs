//! Fleet operations over an API whose zone connections belong to the
//! Railgun (Cloudflare v4): a zone says which Railgun it is connected to,
//! but the connection's mode, and the id to change it by, are read and set
//! through the Railgun's connections.
//!
//! [`ByConnection`] reads a zone's active connection in two fresh calls
//! (the Railgun the zone is connected to, then that connection by its id),
//! and keeps the zone → connection id map of each Railgun it acted on, so
//! that only a zone missing from the map costs a listing of the Railgun's
//! connections (one listing shared by every zone that missed at once).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use super::{Connections, FleetError, Link, Railgun, RailgunId};
use crate::{Error, Secret};

/// A Railgun of a v4 account: what the account's connection endpoints
/// address, and optionally the key its daemon activates with, which a run
/// checks names the same Railgun ([`Connections::identify`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct AccountRailgun {
    /// The account's identifier tag.
    pub account: String,
    /// The Railgun's identifier tag.
    pub railgun: String,
    /// The Railgun's activation key (its v2 `rtkn`), when known.
    pub activation_key: Option<Secret>,
}

impl AccountRailgun {
    /// Railgun `railgun` of account `account`.
    pub fn new(account: impl Into<String>, railgun: impl Into<String>) -> AccountRailgun {
        AccountRailgun { account: account.into(), railgun: railgun.into(), activation_key: None }
    }

    /// The same Railgun, whose activation key is `key`: a run then checks
    /// that the account's Railgun with that key is this one.
    pub fn with_activation_key(mut self, key: impl Into<Secret>) -> AccountRailgun {
        self.activation_key = Some(key.into());
        self
    }
}

/// A Railgun of an account as [`ConnectionCalls::railguns`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RailgunKey {
    /// The Railgun's identifier tag.
    pub tag: String,
    /// The key its daemon activates with.
    pub activation_key: Secret,
}

impl RailgunKey {
    /// Railgun `tag`, whose activation key is `activation_key`.
    pub fn new(tag: impl Into<String>, activation_key: Secret) -> RailgunKey {
        RailgunKey { tag: tag.into(), activation_key }
    }
}

impl Railgun for AccountRailgun {
    fn id(&self) -> RailgunId {
        RailgunId::Tag(self.railgun.clone())
    }
}

/// A connection as the connection endpoints answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionState {
    /// The connection's identifier tag.
    pub id: String,
    /// The connected zone's identifier tag, when the answer gave it.
    pub zone: Option<String>,
    /// Whether the connection is enabled, when the answer said.
    pub enabled: Option<bool>,
}

impl ConnectionState {
    /// Connection `id` of zone `zone`.
    pub fn new(id: impl Into<String>, zone: Option<String>, enabled: Option<bool>) -> ConnectionState {
        ConnectionState { id: id.into(), zone, enabled }
    }
}

/// The calls [`ByConnection`] is made of. [`V4Api`](crate::v4::V4Api)
/// implements it; an implementation of your own works too.
pub trait ConnectionCalls: Clone + Send + Sync + 'static {
    /// The tag of the Railgun zone `zone` is connected to, `None` when it is
    /// connected to none this caller can see.
    fn connected_to(&self, zone: &str) -> impl Future<Output = Result<Option<String>, Error>> + Send;

    /// Every connection of `railgun`, every page.
    fn connections(&self, railgun: &AccountRailgun)
    -> impl Future<Output = Result<Vec<ConnectionState>, Error>> + Send;

    /// Connection `id` of `railgun`.
    fn connection(
        &self,
        railgun: &AccountRailgun,
        id: &str,
    ) -> impl Future<Output = Result<ConnectionState, Error>> + Send;

    /// Connects zone `zone` to `railgun`, enabled or not.
    fn create(
        &self,
        railgun: &AccountRailgun,
        zone: &str,
        enabled: bool,
    ) -> impl Future<Output = Result<ConnectionState, Error>> + Send;

    /// Enables or disables connection `id` of `railgun`.
    fn update(
        &self,
        railgun: &AccountRailgun,
        id: &str,
        enabled: bool,
    ) -> impl Future<Output = Result<(), Error>> + Send;

    /// Removes connection `id` of `railgun`.
    fn delete(&self, railgun: &AccountRailgun, id: &str) -> impl Future<Output = Result<(), Error>> + Send;

    /// Every Railgun of account `account`, every page.
    fn railguns(&self, account: &str) -> impl Future<Output = Result<Vec<RailgunKey>, Error>> + Send;
}

/// [`Connections`] over [`ConnectionCalls`]; see the module docs. Clones
/// share the connection ids they learnt.
#[derive(Debug, Clone)]
pub struct ByConnection<A> {
    api: A,
    ids: Arc<Ids>,
}

/// The zone → connection id maps, by Railgun. A listing replaces a map
/// whole; `listing` lets only one run at a time, and the zones that missed
/// meanwhile use its result instead of listing again.
#[derive(Debug, Default)]
struct Ids {
    maps: Mutex<HashMap<AccountRailgun, Listed>>,
    listing: tokio::sync::Mutex<()>,
}

#[derive(Debug, Default)]
struct Listed {
    /// How many listings made this map.
    generation: u64,
    zones: HashMap<String, String>,
}

impl Ids {
    fn with<T>(&self, railgun: &AccountRailgun, f: impl FnOnce(&mut Listed) -> T) -> T {
        let mut maps = self.maps.lock().unwrap_or_else(PoisonError::into_inner);
        f(maps.entry(railgun.clone()).or_default())
    }
}

impl<A: ConnectionCalls> ByConnection<A> {
    /// Fleet operations through `api`.
    pub fn new(api: A) -> ByConnection<A> {
        ByConnection { api, ids: Arc::default() }
    }

    /// The client calls go through.
    pub fn api(&self) -> &A {
        &self.api
    }

    /// The id of zone `zone`'s connection to `railgun`: from the map, else
    /// from a new listing of the Railgun's connections, unless one finished
    /// since the map was looked at.
    async fn id_of(&self, railgun: &AccountRailgun, zone: &str) -> Result<Option<String>, Error> {
        let (seen, found) = self.ids.with(railgun, |l| (l.generation, l.zones.get(zone).cloned()));
        if found.is_some() {
            return Ok(found);
        }
        let _one_at_a_time = self.ids.listing.lock().await;
        if self.ids.with(railgun, |l| l.generation) == seen {
            let listed = self.api.connections(railgun).await?;
            let zones = listed.into_iter().filter_map(|c| Some((c.zone?, c.id))).collect();
            self.ids.with(railgun, |l| *l = Listed { generation: seen + 1, zones });
        }
        Ok(self.ids.with(railgun, |l| l.zones.get(zone).cloned()))
    }

    fn forget(&self, railgun: &AccountRailgun, zone: &str) {
        self.ids.with(railgun, |l| l.zones.remove(zone));
    }

    /// The id of zone `zone`'s connection to `railgun`, or why it has none.
    async fn needed_id(&self, railgun: &AccountRailgun, zone: &str) -> Result<String, FleetError> {
        self.id_of(railgun, zone).await?.ok_or_else(|| FleetError::Unlisted { railgun_id: railgun.id() })
    }
}

impl<A: ConnectionCalls> Connections for ByConnection<A> {
    type Railgun = AccountRailgun;

    /// The Railgun the zone is connected to, read fresh; when that is
    /// `railgun`, the connection's mode, read fresh by its id. With no
    /// `railgun` (an audit), or for another Railgun, the mode is unknown.
    async fn active(&self, zone: &str, railgun: Option<&AccountRailgun>) -> Result<Option<Link>, FleetError> {
        let Some(tag) = self.api.connected_to(zone).await? else { return Ok(None) };
        let Some(railgun) = railgun.filter(|r| r.railgun == tag) else {
            return Ok(Some(Link::new(tag, None)));
        };
        // A connection id learnt earlier may be stale (removed and made
        // again elsewhere): one listing, then one more try.
        for _ in 0..2 {
            let Some(id) = self.id_of(railgun, zone).await? else { break };
            match self.api.connection(railgun, &id).await {
                Ok(c) if c.zone.as_deref().is_none_or(|z| z == zone) => return Ok(Some(Link::new(tag, c.enabled))),
                Ok(_) => {}
                Err(e) if e.status() == Some(railgun_runtime::reqwest::StatusCode::NOT_FOUND) => {}
                Err(e) => return Err(e.into()),
            }
            self.forget(railgun, zone);
        }
        Err(FleetError::Unlisted { railgun_id: railgun.id() })
    }

    async fn connect(&self, zone: &str, railgun: &AccountRailgun, enabled: bool) -> Result<(), FleetError> {
        let made = self.api.create(railgun, zone, enabled).await?;
        self.ids.with(railgun, |l| l.zones.insert(zone.to_owned(), made.id));
        Ok(())
    }

    async fn set_enabled(&self, zone: &str, railgun: &AccountRailgun, enabled: bool) -> Result<(), FleetError> {
        let id = self.needed_id(railgun, zone).await?;
        Ok(self.api.update(railgun, &id, enabled).await?)
    }

    async fn disconnect(&self, zone: &str, railgun: &AccountRailgun) -> Result<(), FleetError> {
        let id = self.needed_id(railgun, zone).await?;
        self.api.delete(railgun, &id).await?;
        self.forget(railgun, zone);
        Ok(())
    }

    /// The account's Railgun whose activation key is `railgun`'s when it
    /// has one, else the account's Railgun of that tag.
    async fn identify(&self, railgun: &AccountRailgun) -> Result<Option<RailgunId>, FleetError> {
        let listed = self.api.railguns(&railgun.account).await?;
        let found = match &railgun.activation_key {
            Some(key) => listed.into_iter().find(|r| r.activation_key == *key),
            None => listed.into_iter().find(|r| r.tag == railgun.railgun),
        };
        Ok(found.map(|r| RailgunId::Tag(r.tag)))
    }
}
