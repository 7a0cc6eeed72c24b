"""The warehouse's own tables (`meta.*`): files, quarantine, contract results, scorecard configuration, the raw
tables' change journal (`warehouse.raw_custody`) and the build record. Raw tables are derived from the contracts
by `ingest.raw_tables`; models are dbt's."""

META_DDL = """
create schema if not exists meta;
create table if not exists meta.files (
  file_sha256 varchar primary key, file_name varchar, feed varchar, format varchar, encoding varchar,
  delimiter varchar, sheets varchar, size_bytes bigint, status varchar,
  rows_read integer, rows_loaded integer, rows_new integer, rows_unchanged integer,
  rows_quarantined integer, rows_non_data integer, unknown_headers varchar, header_map varchar,
  message_zh varchar, message_en varchar, archive_path varchar, ingested_at timestamp
);
-- exact copies of another row of the same file, kept once (read = loaded + quarantined + non-data + duplicate)
alter table meta.files add column if not exists rows_duplicate integer;
create table if not exists meta.quarantine (
  file_sha256 varchar, file_name varchar, feed varchar, sheet varchar, row_number integer,
  column_name varchar, rule_id varchar, message_zh varchar, message_en varchar, value_masked varchar,
  unit_name varchar
);
create table if not exists meta.contract_results (
  file_sha256 varchar, file_name varchar, feed varchar, rule_id varchar, field varchar, severity varchar,
  unit_name varchar, element_count integer, unexpected_count integer, failed_rows varchar,
  message_zh varchar, message_en varchar
);
create table if not exists meta.scorecard_config (
  region_code varchar, config_name varchar, config_version varchar, config_source varchar,
  config_fingerprint varchar, indicator_code varchar, indicator_block varchar, indicator_name varchar,
  sort_order integer, points double, scoring_method varchar, target double, zero_points_at double
);
-- the parts of the raw tables each ingest changed, for the PII gate (warehouse.raw_custody)
create sequence if not exists meta.raw_change_seq;
create table if not exists meta.raw_changes (seq bigint, table_name varchar, part_column varchar, part varchar);
"""
