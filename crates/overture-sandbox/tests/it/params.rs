//! The example world files parse.

use overture_sandbox::WorldParams;

#[test]
fn the_example_worlds_parse_and_the_default_one_is_the_default() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/worlds");
    let default = std::fs::read_to_string(format!("{dir}/default.toml")).unwrap();
    assert_eq!(
        WorldParams::from_toml_str(&default).unwrap(),
        WorldParams::default()
    );
    let slow = std::fs::read_to_string(format!("{dir}/slow-acceptance.toml")).unwrap();
    let slow = WorldParams::from_toml_str(&slow).unwrap();
    assert_ne!(slow, WorldParams::default());
}
