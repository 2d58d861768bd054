//! The API's list statements read their page from an index in id order: no full scan of a
//! table and no sort of every row of the workspace, whatever filters are given. Checked on
//! SQLite's own plan (`EXPLAIN QUERY PLAN`) over the migrated schema, as a large database
//! without statistics would plan them.

use overture_core::{AccountId, InvitationId, InvitationState};
use overture_store::InvitationQuery;
use rusqlite::Connection;

use crate::events::EVENTS_PAGE;
use crate::invitations::list_sql;
use crate::leads::{LEADS_PAGE, LIST_PAGE};
use crate::sqlite_store::migrations;

fn schema() -> Connection {
    let mut conn = Connection::open_in_memory().expect("an in-memory database opens");
    migrations()
        .to_latest(&mut conn)
        .expect("the migrations apply");
    conn
}

/// The plan's lines, one string.
fn plan(conn: &Connection, sql: &str) -> String {
    let mut statement = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    // The plan does not depend on the values: NULL for every parameter.
    let nulls = vec![rusqlite::types::Null; statement.parameter_count()];
    let lines = statement
        .query_map(rusqlite::params_from_iter(nulls), |row| {
            row.get::<_, String>("detail")
        })
        .expect("the plan runs")
        .collect::<Result<Vec<_>, _>>()
        .expect("the plan reads");
    lines.join("\n")
}

/// Fails unless the plan pages through an index in order.
fn check(conn: &Connection, sql: &str) {
    let plan = plan(conn, sql);
    // Scanning the kinds asked for (a JSON array of a few items) is no scan of a table.
    let scans_a_table = plan
        .lines()
        .any(|line| line.starts_with("SCAN ") && !line.contains("json_each"));
    assert!(
        !plan.contains("TEMP B-TREE") && !scans_a_table,
        "{sql}\nplans as\n{plan}"
    );
    assert!(plan.contains("SEARCH "), "{sql}\nplans as\n{plan}");
}

#[test]
fn every_filter_combination_of_the_invitations_list_pages_through_an_index() {
    let conn = schema();
    for mask in 0..16u8 {
        let query = InvitationQuery {
            account: (mask & 1 != 0).then_some(AccountId::from(3)),
            state: (mask & 2 != 0).then_some(InvitationState::Pending),
            sent_before: (mask & 4 != 0).then_some(jiff::Timestamp::UNIX_EPOCH),
            after: (mask & 8 != 0).then_some(InvitationId::from(10)),
            limit: 51,
        };
        check(&conn, &list_sql(&query));
    }
}

#[test]
fn the_leads_and_events_lists_page_through_an_index() {
    let conn = schema();
    check(&conn, LEADS_PAGE);
    check(&conn, LIST_PAGE);
    check(&conn, EVENTS_PAGE);
}
