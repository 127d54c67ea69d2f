//! [`Connections`] for the v2 clients, [`ClientApi`](crate::ClientApi) and
//! [`PartnerApi`](crate::PartnerApi): each role one call of the generated
//! method, so a spec change that breaks a role fails to compile here.
//!
//! Both families have the same actions for a zone's connection:
//! `zone_conn_get_active` reads it, `conn_set` connects the zone in a mode,
//! `conn_setmode_enabled` and `conn_setmode_disabled` set the mode, and
//! `conn_delete` removes it.

use super::{Connections, FleetError, Link, Target};
use crate::types::Mode;

macro_rules! v2_connections {
    ($client:ty) => {
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
        }
    };
}

v2_connections!(crate::ClientApi);
v2_connections!(crate::PartnerApi);
