//! One regression test per bug found when the landed code was tried as a
//! hostile client or a busy service would (issue "Hardening"), named after
//! the bug. Each body runs on every connector where the bug applies.
//!
//! Run: `cargo test --all-features --test regression` (PostgreSQL and
//! MariaDB bodies skip, saying so, when the servers are not there; with
//! `CI` set they fail instead).

// Test bodies fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;
mod models;

mod automigrate_of_referenced_table_is_refused;
mod create_all_late_chunk_failure_stores_nothing;
mod memory_file_that_is_not_a_store_is_refused;
mod memory_transaction_keeps_outside_writes;
mod memory_unique_inserts_are_not_quadratic;
mod save_of_instance_read_with_fields_keeps_unread_columns;
mod upsert_of_new_id_with_taken_unique_value_changes_nothing;

mod connection_errors_hide_the_password;
mod data_type_from_model_json_cannot_inject_sql;
mod default_scope_may_use_hidden_property;
mod hidden_property_in_bare_json_where_is_refused;
mod runaway_regexp_is_stopped_by_statement_timeout;

mod closed_port_fails_fast_with_its_cause;
mod frozen_server_times_out;
mod killed_connections_are_replaced;

mod dynamic_is_valid_and_replace_or_create;
mod dynamic_upsert_keeps_unnamed_properties;
mod find_or_create_is_atomic;
mod identifiers_longer_than_the_database_allows;
mod ilike_folds_non_ascii_case;
mod limit_and_skip_beyond_the_database_are_invalid_filters;
mod limit_zero_means_no_limit;
mod long_or_chain_runs_everywhere;
mod loopback_number_id_reads_back;
mod mysql_create_all_stays_under_max_allowed_packet;
mod nul_byte_in_text_names_the_property;
mod order_by_property_with_a_space;
mod sqlite_concurrent_write_transactions_wait;
mod string_id_reads_as_the_number_it_spells;
mod upsert_respects_force_id;
