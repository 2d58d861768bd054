use std::net::IpAddr;

use super::*;

#[track_caller]
fn check(ip: &str, refused: bool) {
    let parsed: IpAddr = ip.parse().expect("a test address");
    assert_eq!(
        forbidden(parsed).is_some(),
        refused,
        "{ip}: {:?}",
        forbidden(parsed)
    );
}

#[test]
fn private_and_special_addresses_are_refused() {
    for ip in [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "10.255.255.255",
        "172.16.0.1",
        "172.31.255.254",
        "192.168.1.1",
        "169.254.169.254",
        "169.254.0.1",
        "0.0.0.0",
        "0.1.2.3",
        "224.0.0.1",
        "239.255.255.250",
        "255.255.255.255",
        "100.64.0.1",
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "febf::1",
        "fc00::1",
        "fd12:3456::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.1.2.3",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",
    ] {
        check(ip, true);
    }
}

#[test]
fn public_addresses_pass() {
    for ip in [
        "93.184.215.14",
        "8.8.8.8",
        "172.15.255.255",
        "172.32.0.1",
        "192.169.0.1",
        "100.63.255.255",
        "100.128.0.1",
        "169.253.255.255",
        "2606:2800:220:1::1",
        "2001:db8::1",
        "::ffff:93.184.215.14",
        "64:ff9b::808:808",
    ] {
        check(ip, false);
    }
}

#[test]
fn the_metadata_address_is_named() {
    let ip: IpAddr = "169.254.169.254".parse().expect("an address");
    assert_eq!(forbidden(ip), Some("the cloud metadata address"));
}

#[test]
fn urls_must_be_http_with_a_host_and_no_credentials() {
    assert!(parse_url("https://hooks.example.com/overture").is_ok());
    assert!(parse_url("http://hooks.example.com:8080/x?y=1").is_ok());
    for bad in [
        "ftp://hooks.example.com/",
        "hooks.example.com/overture",
        "https://user:pass@hooks.example.com/",
        "file:///etc/passwd",
        "",
    ] {
        assert!(
            matches!(parse_url(bad), Err(TargetError::InvalidUrl { .. })),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn literal_private_hosts_are_refused_unless_allowed() {
    for url in [
        "http://127.0.0.1:9/",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://localhost:9/",
    ] {
        let parsed = parse_url(url).expect("a URL");
        assert!(
            matches!(
                check_url(&parsed, false).await,
                Err(TargetError::Forbidden { .. })
            ),
            "{url}"
        );
        assert!(check_url(&parsed, true).await.is_ok(), "{url}");
    }
}
