//! Any text as a message template: the lint and the template engine never panic, every
//! finding's span lies inside the source on character boundaries, and a template that compiles
//! renders (or refuses) for a lead without panicking.

#![no_main]

use libfuzzer_sys::fuzz_target;
use overture_core::profile_url::ProfileUrl;
use overture_core::{NewLead, Tier};
use overture_message::{Sender, Template, TextKind, Vars, check_lead, lint};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for kind in [TextKind::Invite, TextKind::EmailSubject] {
        let result = lint(text, kind, Tier::Free);
        assert!(result.score <= 100);
        for f in &result.findings {
            let (a, b) = f.span;
            assert!(a <= b && b <= text.len(), "{f:?}");
            assert!(text.is_char_boundary(a) && text.is_char_boundary(b), "{f:?}");
        }
    }
    if let Ok(template) = Template::new(text) {
        let url = ProfileUrl::parse("https://www.linkedin.com/in/fuzz").unwrap();
        let mut lead = NewLead::new(url);
        lead.first_name = Some("Ada".to_owned());
        let vars = Vars::new(&lead, &Sender::default());
        let _ = check_lead(&template, &vars, data.len() as u64, TextKind::Invite, Tier::Free);
    }
});
