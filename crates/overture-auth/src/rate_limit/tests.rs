use std::net::{IpAddr, Ipv4Addr};

use jiff::{SignedDuration, Timestamp};

use super::{LockedOut, LoginKey, LoginLimiter, LoginPolicy};

/// A manual clock: `minute` minutes after a fixed instant.
fn at(minute: i64) -> Timestamp {
    Timestamp::from_second(1_788_220_800).expect("in range") + SignedDuration::from_mins(minute)
}

fn key(name: &str, last: u8) -> LoginKey {
    LoginKey::new(name, IpAddr::V4(Ipv4Addr::new(192, 0, 2, last)))
}

fn fail(limiter: &mut LoginLimiter, key: &LoginKey, minute: i64) -> Result<(), LockedOut> {
    limiter.record_failure(key, at(minute))
}

#[test]
fn five_failures_in_fifteen_minutes_lock_out() {
    let mut l = LoginLimiter::new(LoginPolicy::default());
    let k = key("ana@example.com", 10);
    for minute in 0..4 {
        assert_eq!(fail(&mut l, &k, minute), Ok(()));
        assert_eq!(l.check(&k, at(minute)), Ok(()));
    }
    assert_eq!(fail(&mut l, &k, 4), Err(LockedOut { until: at(19) }));
    assert_eq!(l.check(&k, at(18)), Err(LockedOut { until: at(19) }));
    assert_eq!(
        fail(&mut l, &k, 18),
        Err(LockedOut { until: at(19) }),
        "no extension"
    );
    assert_eq!(l.check(&k, at(19)), Ok(()));
}

#[test]
fn failures_slide_out_of_the_window() {
    let mut l = LoginLimiter::new(LoginPolicy::default());
    let k = key("ana@example.com", 10);
    for minute in [0, 5, 10, 14] {
        assert_eq!(fail(&mut l, &k, minute), Ok(()));
    }
    // The failure at minute 0 is 15 minutes old at minute 15: four in the window again.
    assert_eq!(fail(&mut l, &k, 15), Ok(()));
    assert!(fail(&mut l, &k, 16).is_err());
}

#[test]
fn lockouts_double_up_to_a_day_and_reset_after_a_quiet_day() {
    let mut l = LoginLimiter::new(LoginPolicy::default());
    let k = key("ana@example.com", 10);
    let mut now = 0;
    let mut lengths = Vec::new();
    for _ in 0..9 {
        let mut locked = None;
        for _ in 0..5 {
            if let Err(LockedOut { until }) = fail(&mut l, &k, now) {
                locked = Some(until);
            }
        }
        let until = locked.expect("the fifth failure locks out");
        lengths.push((until - at(now)).as_mins());
        now = (until - at(0)).as_mins();
    }
    assert_eq!(lengths, [15, 30, 60, 120, 240, 480, 960, 1440, 1440]);
    // A day without failures after the lockout ended: back to 15 minutes.
    now += 24 * 60;
    for _ in 0..4 {
        assert_eq!(fail(&mut l, &k, now), Ok(()));
    }
    assert_eq!(
        fail(&mut l, &k, now),
        Err(LockedOut {
            until: at(now + 15)
        })
    );
}

#[test]
fn keys_are_per_name_and_address_and_success_forgets() {
    let mut l = LoginLimiter::new(LoginPolicy::default());
    let k = key("Ana@Example.com ", 10);
    for minute in 0..5 {
        let _ = fail(&mut l, &k, minute);
    }
    assert!(
        l.check(&key("ana@example.com", 10), at(5)).is_err(),
        "same name, any case"
    );
    assert_eq!(
        l.check(&key("ana@example.com", 11), at(5)),
        Ok(()),
        "another address"
    );
    assert_eq!(
        l.check(&key("ben@example.com", 10), at(5)),
        Ok(()),
        "another name"
    );

    let other = key("ben@example.com", 10);
    for minute in 0..4 {
        assert_eq!(fail(&mut l, &other, minute), Ok(()));
    }
    l.record_success(&other);
    for minute in 4..8 {
        assert_eq!(
            fail(&mut l, &other, minute),
            Ok(()),
            "counting starts again"
        );
    }
}

#[test]
fn stale_keys_are_forgotten() {
    let mut l = LoginLimiter::new(LoginPolicy::default());
    let _ = fail(&mut l, &key("ana@example.com", 1), 0);
    for minute in 0..5 {
        let _ = fail(&mut l, &key("ben@example.com", 2), minute);
    }
    l.forget_stale(at(14));
    assert_eq!(l.len(), 2);
    l.forget_stale(at(15));
    assert_eq!(
        l.len(),
        1,
        "one failure 15 minutes ago is forgotten, a lockout is not"
    );
    l.forget_stale(at(19 + 24 * 60));
    assert!(l.is_empty());
}
