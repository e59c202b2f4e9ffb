//! Which addresses the provider can reach: the public internet only. Every other kind is
//! named, so a report says why (loopback, private, CGNAT...), not just "not public".

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What kind of address an IP is, when it is not a public one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotPublic {
    Loopback,
    Private,
    LinkLocal,
    SharedCgnat,
    UniqueLocal,
    Unspecified,
    /// Documentation, benchmarking, multicast, broadcast and reserved ranges: never a host on
    /// the internet.
    Reserved,
}

impl NotPublic {
    pub fn describe(self) -> &'static str {
        match self {
            NotPublic::Loopback => "loopback: this machine only",
            NotPublic::Private => "private: a local network (RFC 1918)",
            NotPublic::LinkLocal => "link-local: this network segment only",
            NotPublic::SharedCgnat => "carrier-grade NAT (100.64.0.0/10): inside an ISP only",
            NotPublic::UniqueLocal => "unique-local IPv6 (fc00::/7): a local network",
            NotPublic::Unspecified => "unspecified: no host at all",
            NotPublic::Reserved => "reserved (documentation, multicast or unassigned)",
        }
    }
}

/// `None` for an address the internet routes to; else its kind.
pub fn classify(ip: IpAddr) -> Option<NotPublic> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<NotPublic> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, ..) => NotPublic::Unspecified,
        (127, ..) => NotPublic::Loopback,
        (10, ..) | (172, 16..=31, _) | (192, 168, _) => NotPublic::Private,
        (169, 254, _) => NotPublic::LinkLocal,
        (100, 64..=127, _) => NotPublic::SharedCgnat,
        // 192.0.0/24 (protocol assignments), 192.0.2/24, 198.51.100/24, 203.0.113/24
        // (documentation), 198.18/15 (benchmarking), 224/4 multicast, 240/4 reserved and the
        // broadcast address.
        (192, 0, 0 | 2) | (198, 51, 100) | (203, 0, 113) | (198, 18..=19, _) | (224.., ..) => {
            NotPublic::Reserved
        }
        _ => return None,
    })
}

fn classify_v6(ip: Ipv6Addr) -> Option<NotPublic> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let seg = ip.segments();
    Some(if ip.is_unspecified() {
        NotPublic::Unspecified
    } else if ip.is_loopback() {
        NotPublic::Loopback
    } else if seg[0] & 0xfe00 == 0xfc00 {
        NotPublic::UniqueLocal
    } else if seg[0] & 0xffc0 == 0xfe80 {
        NotPublic::LinkLocal
    } else if seg[0] & 0xff00 == 0xff00 || (seg[0] == 0x2001 && seg[1] == 0x0db8) {
        NotPublic::Reserved
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> Option<NotPublic> {
        classify(s.parse().expect("an address"))
    }

    #[test]
    fn every_range_the_issue_names_is_not_public() {
        for (ip, want) in [
            ("127.0.0.1", NotPublic::Loopback),
            ("127.8.9.10", NotPublic::Loopback),
            ("::1", NotPublic::Loopback),
            ("10.0.0.5", NotPublic::Private),
            ("172.16.0.1", NotPublic::Private),
            ("172.31.255.254", NotPublic::Private),
            ("192.168.1.20", NotPublic::Private),
            ("169.254.169.254", NotPublic::LinkLocal),
            ("fe80::1", NotPublic::LinkLocal),
            ("100.64.0.1", NotPublic::SharedCgnat),
            ("100.127.255.255", NotPublic::SharedCgnat),
            ("fd12:3456::1", NotPublic::UniqueLocal),
            ("0.0.0.0", NotPublic::Unspecified),
            ("::", NotPublic::Unspecified),
            ("::ffff:10.1.2.3", NotPublic::Private),
            ("192.0.2.7", NotPublic::Reserved),
            ("2001:db8::1", NotPublic::Reserved),
            ("255.255.255.255", NotPublic::Reserved),
        ] {
            assert_eq!(kind(ip), Some(want), "{ip}");
        }
    }

    #[test]
    fn the_edges_of_the_ranges_are_public() {
        for ip in [
            "172.15.255.255",
            "172.32.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "192.169.0.1",
            "8.8.8.8",
            "2606:4700::1111",
        ] {
            assert_eq!(kind(ip), None, "{ip}");
        }
    }
}
