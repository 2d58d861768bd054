//! Any text through the spintax parser, then every way of rendering it: nothing may panic, a
//! rendering is never longer than the longest spelling, and the same seed renders the same text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use overture_core::spintax::Spintax;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(spintax) = Spintax::parse(text) else {
        return;
    };
    let longest = spintax.longest().chars().count();
    let _ = spintax.spellings();
    for seed in [0, 1, u64::MAX, data.len() as u64] {
        let rendered = spintax.render(seed);
        assert!(rendered.chars().count() <= longest);
        assert_eq!(rendered, spintax.render(seed));
    }
});
