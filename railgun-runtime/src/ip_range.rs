//! [`IpRange`]: an address with an optional netmask, within the bounds a
//! spec declares.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// An IPv4 or IPv6 address with the number of bits of its netmask, which
/// must lie between `V4_MIN` and `V4_MAX` bits for IPv4 and between `V6_MIN`
/// and `V6_MAX` bits for IPv6, bounds included.
///
/// The bounds are not this crate's: a spec declares them on an `ip_range`
/// type, and the generated code names this type with them, e.g.
/// `pub type IpRange = railgun_runtime::IpRange<8, 32, 112, 128>;`.
///
/// Written `address/bits`; without `/bits` it is a single host (32 bits for
/// IPv4, 128 for IPv6) and displays without the suffix, as the service does.
/// Netmasks outside the bounds are refused when parsing, before anything is
/// sent.
///
/// ```
/// type Range = railgun_runtime::IpRange<8, 32, 112, 128>;
/// let range: Range = "203.0.0.0/8".parse().unwrap();
/// assert_eq!(range.prefix_len(), 8);
/// assert_eq!("207.0.0.7".parse::<Range>().unwrap().to_string(), "207.0.0.7");
/// assert!("10.0.0.0/4".parse::<Range>().is_err());
/// assert_eq!(Range::IPV6_PREFIX, (112, 128));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpRange<const V4_MIN: u8, const V4_MAX: u8, const V6_MIN: u8, const V6_MAX: u8> {
    addr: IpAddr,
    prefix_len: u8,
}

/// Why a text is not an [`IpRange`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid IP range '{input}': {problem}")]
pub struct ParseIpRangeError {
    input: String,
    problem: IpRangeProblem,
}

/// What is wrong with a text that is not an [`IpRange`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IpRangeProblem {
    /// The part before `/` is no IPv4 or IPv6 address.
    #[error("not an IPv4 or IPv6 address")]
    NotAnAddress,
    /// The part after `/` is no number of bits.
    #[error("the netmask must be a number of bits")]
    NetmaskNotANumber,
    /// The netmask is outside the bounds for the address's family.
    #[error("{family} netmasks must be between {shortest} and {longest} bits")]
    NetmaskOutOfBounds {
        /// `IPv4` or `IPv6`.
        family: &'static str,
        /// The shortest netmask allowed.
        shortest: u8,
        /// The longest netmask allowed.
        longest: u8,
    },
}

impl ParseIpRangeError {
    /// The text that was refused.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// What is wrong with it.
    pub fn problem(&self) -> IpRangeProblem {
        self.problem
    }
}

impl<const V4_MIN: u8, const V4_MAX: u8, const V6_MIN: u8, const V6_MAX: u8> IpRange<V4_MIN, V4_MAX, V6_MIN, V6_MAX> {
    /// Shortest and longest netmask accepted for IPv4.
    pub const IPV4_PREFIX: (u8, u8) = (V4_MIN, V4_MAX);
    /// Shortest and longest netmask accepted for IPv6.
    pub const IPV6_PREFIX: (u8, u8) = (V6_MIN, V6_MAX);

    /// A range from an address and a netmask length, checked against the
    /// bounds.
    pub fn new(addr: IpAddr, prefix_len: u8) -> Result<Self, ParseIpRangeError> {
        check_bounds(addr, prefix_len, Self::IPV4_PREFIX, Self::IPV6_PREFIX)
            .map_err(|problem| ParseIpRangeError { input: format!("{addr}/{prefix_len}"), problem })?;
        Ok(IpRange { addr, prefix_len })
    }

    /// The address.
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The number of bits in the netmask.
    pub fn prefix_len(&self) -> u8 {
        self.prefix_len
    }
}

impl<const V4_MIN: u8, const V4_MAX: u8, const V6_MIN: u8, const V6_MAX: u8> FromStr
    for IpRange<V4_MIN, V4_MAX, V6_MIN, V6_MAX>
{
    type Err = ParseIpRangeError;

    fn from_str(text: &str) -> Result<Self, ParseIpRangeError> {
        let (addr, prefix_len) = parse(text, Self::IPV4_PREFIX, Self::IPV6_PREFIX)?;
        Ok(IpRange { addr, prefix_len })
    }
}

/// Reads `address[/bits]` against netmask bounds known only when the
/// program runs (a tool that reads a spec, where generated code would
/// name an [`IpRange`] type with them), with the same rules and messages as
/// [`IpRange`]'s `FromStr`, and gives it back as it is sent: without
/// `/bits` for a single host.
///
/// ```
/// use railgun_runtime::normalize_ip_range;
/// assert_eq!(normalize_ip_range("203.0.0.0/8", (8, 32), (112, 128)).unwrap(), "203.0.0.0/8");
/// assert_eq!(normalize_ip_range("10.0.0.1/32", (8, 32), (112, 128)).unwrap(), "10.0.0.1");
/// assert_eq!(
///     normalize_ip_range("10.0.0.0/7", (8, 32), (112, 128)).unwrap_err().to_string(),
///     "invalid IP range '10.0.0.0/7': IPv4 netmasks must be between 8 and 32 bits"
/// );
/// ```
pub fn normalize_ip_range(text: &str, ipv4: (u8, u8), ipv6: (u8, u8)) -> Result<String, ParseIpRangeError> {
    let (addr, prefix_len) = parse(text, ipv4, ipv6)?;
    Ok(shown(addr, prefix_len))
}

fn parse(text: &str, ipv4: (u8, u8), ipv6: (u8, u8)) -> Result<(IpAddr, u8), ParseIpRangeError> {
    let fail = |problem: IpRangeProblem| ParseIpRangeError { input: text.to_owned(), problem };
    let (addr, bits) = match text.trim().split_once('/') {
        Some((addr, bits)) => (addr, Some(bits)),
        None => (text.trim(), None),
    };
    let addr: IpAddr = addr.parse().map_err(|_| fail(IpRangeProblem::NotAnAddress))?;
    let prefix_len = match bits {
        Some(bits) => bits.parse().map_err(|_| fail(IpRangeProblem::NetmaskNotANumber))?,
        None => host_len(addr),
    };
    check_bounds(addr, prefix_len, ipv4, ipv6).map_err(fail)?;
    Ok((addr, prefix_len))
}

/// Why `prefix_len` is outside the bounds for `addr`'s family, if it is.
fn check_bounds(addr: IpAddr, prefix_len: u8, ipv4: (u8, u8), ipv6: (u8, u8)) -> Result<(), IpRangeProblem> {
    let ((shortest, longest), family) = if addr.is_ipv4() { (ipv4, "IPv4") } else { (ipv6, "IPv6") };
    if (shortest..=longest).contains(&prefix_len) {
        Ok(())
    } else {
        Err(IpRangeProblem::NetmaskOutOfBounds { family, shortest, longest })
    }
}

fn host_len(addr: IpAddr) -> u8 {
    if addr.is_ipv4() { 32 } else { 128 }
}

/// `addr/bits`, or `addr` alone for a single host, as the service takes it.
fn shown(addr: IpAddr, prefix_len: u8) -> String {
    if prefix_len == host_len(addr) { addr.to_string() } else { format!("{addr}/{prefix_len}") }
}

impl<const V4_MIN: u8, const V4_MAX: u8, const V6_MIN: u8, const V6_MAX: u8> fmt::Display
    for IpRange<V4_MIN, V4_MAX, V6_MIN, V6_MAX>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&shown(self.addr, self.prefix_len))
    }
}

#[cfg(test)]
mod tests {
    /// Bounds a spec may declare (these are those of `railgun-api`'s `ipr_set`).
    type IpRange = super::IpRange<8, 32, 112, 128>;

    #[test]
    fn reads_the_documented_example() {
        let shown: Vec<String> = ["203.0.0.0/8", "208.0.0.0/8", "207.0.0.7", "BE81::02C3:B44F:FE1E:8329/112"]
            .iter()
            .map(|t| t.parse::<IpRange>().unwrap().to_string())
            .collect();
        assert_eq!(shown, ["203.0.0.0/8", "208.0.0.0/8", "207.0.0.7", "be81::2c3:b44f:fe1e:8329/112"]);
    }

    #[test]
    fn single_hosts_display_without_a_netmask() {
        assert_eq!("207.0.0.7/32".parse::<IpRange>().unwrap().to_string(), "207.0.0.7");
        assert_eq!("::1/128".parse::<IpRange>().unwrap().to_string(), "::1");
    }

    #[test]
    fn netmasks_outside_the_bounds_are_refused() {
        let err = |t: &str| t.parse::<IpRange>().unwrap_err().to_string();
        assert_eq!(err("10.0.0.0/7"), "invalid IP range '10.0.0.0/7': IPv4 netmasks must be between 8 and 32 bits");
        assert_eq!(err("10.0.0.0/33"), "invalid IP range '10.0.0.0/33': IPv4 netmasks must be between 8 and 32 bits");
        assert_eq!(err("::/64"), "invalid IP range '::/64': IPv6 netmasks must be between 112 and 128 bits");
        assert_eq!(err("example.com"), "invalid IP range 'example.com': not an IPv4 or IPv6 address");
        assert_eq!(err("1.2.3.4/x"), "invalid IP range '1.2.3.4/x': the netmask must be a number of bits");
    }

    #[test]
    fn other_bounds_are_other_types() {
        type Wide = super::IpRange<0, 32, 0, 128>;
        assert_eq!("10.0.0.0/4".parse::<Wide>().unwrap().prefix_len(), 4);
        assert!("10.0.0.0/4".parse::<IpRange>().is_err());
        assert_eq!(
            super::IpRange::<16, 24, 120, 124>::new("10.0.0.0".parse().unwrap(), 25).unwrap_err().to_string(),
            "invalid IP range '10.0.0.0/25': IPv4 netmasks must be between 16 and 24 bits"
        );
    }
}
