//! [`Connections`] for the v2 clients, [`ClientApi`](crate::ClientApi) and
//! [`PartnerApi`](crate::PartnerApi): each role one call of the generated
//! method, so a spec change that breaks a role fails to compile here.
//!
//! Both families have the same actions for a zone's connection:
//! `zone_conn_get_active` reads it, `conn_set` connects the zone in a mode,
//! `conn_setmode_enabled` and `conn_setmode_disabled` set the mode, and
//! `conn_delete` removes it. Which Railgun a token names is read from the
//! account's list of Railguns (`user_get_all`, `host_get_all`), whose
//! `railgun_api_key` is each Railgun's token: Cloudflare's own cPanel
//! plugin offered those values to its users and sent the one they picked
//! back as `rtkn` (`cloudflare/Cloudflare-CPanel`, `cloudflare.js` before
//! commit a09c487).

use super::{Connections, FleetError, Link, RailgunId, Target};
use crate::types::{Mode, RailgunListResponse};

/// The id of the Railgun of `listed` whose token is `railgun`'s.
fn named_by(listed: RailgunListResponse, railgun: &Target) -> Option<RailgunId> {
    let mine = |r: &crate::types::Railgun| r.api_key.as_ref() == Some(&railgun.rtkn);
    listed.railguns.railguns.iter().find(|r| mine(r)).map(|r| RailgunId::Number(r.id))
}

macro_rules! v2_connections {
    ($client:ty, $list:ident) => {
        impl Connections for $client {
            type Railgun = Target;

            async fn active(&self, zone: &str, _railgun: Option<&Target>) -> Result<Option<Link>, FleetError> {
                let answer = self.zone_conn_get_active(zone).await?;
                Ok(answer.connection.active.map(|c| Link::new(c.railgun_id, c.enabled)))
            }

            async fn connect(&self, zone: &str, railgun: &Target, enabled: bool) -> Result<(), FleetError> {
                let mode = if enabled { Mode::Active } else { Mode::Inactive };
                self.conn_set(zone, &railgun.rtkn, mode).await?;
                Ok(())
            }

            async fn set_enabled(&self, zone: &str, railgun: &Target, enabled: bool) -> Result<(), FleetError> {
                if enabled {
                    self.conn_setmode_enabled(zone, &railgun.rtkn).await?;
                } else {
                    self.conn_setmode_disabled(zone, &railgun.rtkn).await?;
                }
                Ok(())
            }

            async fn disconnect(&self, zone: &str, railgun: &Target) -> Result<(), FleetError> {
                self.conn_delete(zone, &railgun.rtkn).await?;
                Ok(())
            }

            async fn identify(&self, railgun: &Target) -> Result<Option<RailgunId>, FleetError> {
                Ok(named_by(self.$list().await?, railgun))
            }
        }
    };
}

v2_connections!(crate::ClientApi, user_get_all);
v2_connections!(crate::PartnerApi, host_get_all);
