//! [`ConnectionCalls`] for the v4 client, [`V4Api`]: each role one call of
//! the generated method, so a spec change that breaks a role fails to
//! compile here.
//!
//! `list_zone_railguns` says which Railgun a zone is connected to; the
//! Railgun's connections are listed (`list_connections`), read
//! (`connection_details`), made (`create_connection`), switched
//! (`update_connection`) and removed (`delete_connection`) through its
//! account, whose Railguns `list_account_railguns` lists with their
//! activation keys.

use futures_util::TryStreamExt;

use super::{AccountRailgun, ConnectionCalls, ConnectionState, RailgunKey};
use crate::Error;
use crate::v4::V4Api;
use crate::v4::types::Connection;

/// What the fleet needs of a connection.
fn state(c: Connection) -> ConnectionState {
    ConnectionState::new(c.id, c.zone.id, Some(c.enabled))
}

impl ConnectionCalls for V4Api {
    async fn connected_to(&self, zone: &str) -> Result<Option<String>, Error> {
        let listed = self.list_zone_railguns(zone).await?;
        Ok(listed.into_iter().find(|r| r.connected).map(|r| r.id))
    }

    async fn connections(&self, railgun: &AccountRailgun) -> Result<Vec<ConnectionState>, Error> {
        self.list_connections_stream(&railgun.account, &railgun.railgun, None, None).map_ok(state).try_collect().await
    }

    async fn connection(&self, railgun: &AccountRailgun, id: &str) -> Result<ConnectionState, Error> {
        self.connection_details(&railgun.account, &railgun.railgun, id).await.map(state)
    }

    async fn create(&self, railgun: &AccountRailgun, zone: &str, enabled: bool) -> Result<ConnectionState, Error> {
        self.create_connection(&railgun.account, &railgun.railgun, zone, Some(enabled)).await.map(state)
    }

    async fn update(&self, railgun: &AccountRailgun, id: &str, enabled: bool) -> Result<(), Error> {
        self.update_connection(&railgun.account, &railgun.railgun, id, enabled).await?;
        Ok(())
    }

    async fn delete(&self, railgun: &AccountRailgun, id: &str) -> Result<(), Error> {
        self.delete_connection(&railgun.account, &railgun.railgun, id).await?;
        Ok(())
    }

    async fn railguns(&self, account: &str) -> Result<Vec<RailgunKey>, Error> {
        let key = |r: crate::v4::types::Railgun| RailgunKey::new(r.id, r.activation_key);
        self.list_account_railguns_stream(account, None, None).map_ok(key).try_collect().await
    }
}
