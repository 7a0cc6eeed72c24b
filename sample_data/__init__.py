"""Deterministic sample deliveries for the five seed jurisdictions, with a manifest of known answers.

`generate_sample(out_dir, seed)` writes R1/F1/F2/F3 files the way agencies deliver them (xlsx with title
rows and 合计 rows, csv in GB18030 / UTF-8 with BOM / `;`), including ~1.5 % bad rows, one file missing a
required column, and a correction file. Same seed → byte-identical files.

Manifest `expected.json` (version 1)::

    {
      "generator": "sample_data", "manifest_version": 1, "seed": 2024,
      "as_of": "2025-12-31",              # every expected status is evaluated on this date
      "years": [2024, 2025], "regions": [{"code": "410108", "name": "郑州市惠济区"}, ...],
      "files": [{
        "path": "410108_区市场监管局_2024年行政处罚台账.xlsx",   # relative to out_dir
        "feed": "penalty_ledger | supervision_ledger | hotline_exchange | member_units | task_list",
        "region_code": "410108", "unit_name": "...", "unit_uscc": "...",
        "format": "xlsx | csv", "encoding": "gb18030 | utf-8-sig | utf-8 | null", "delimiter": ", | ; | null",
        "sheets": [{"name": "Sheet1" | null, "title_row": 1 | null, "header_row": 2, "first_data_row": 3,
                    "last_data_row": 59, "data_rows": 57, "blank_row": 60 | null, "total_row": 61 | null}],
        "data_rows": 57,                    # data rows only (no title, header, blank or 合计 rows)
        "bad_rows": 1, "bad": [{"sheet": ..., "row": 14, "reason": "uscc_check", "field": "party_uscc",
                                "value": "..."}],
        "missing_columns": [],              # required headers absent → the whole file must be rejected
        "expect": "loaded | partial | rejected",
        "columns": {"decision_no": "处罚决定书文号", ...},  # field → header as written (序号 not listed)
        "header_style": "national | synonyms | brackets",   # F1 only
        "correction": false,                                 # F1 only
        "channel": "12345 | 12309"                           # F3 only
      }],
      "planted": [{
        "id": "text_sales_6.8wan", "feed": "penalty_ledger", "kind": "threshold | repeat | transfer |
               entry_timeliness | correction | supervision_reply | hotline",
        "description": "...", "region_code": "620900",
        "file": ..., "sheet": ..., "row": ...,              # location of the first record
        # penalty: agency_uscc, agency_name, decision_no, case_no, decision_date, entry_date, party_category,
        #          party_uscc; supervision: procuratorate, document_no, supervision_type, target_unit_name,
        #          related_decision_no; hotline: channel, ticket_no, counterpart_ticket_no
        "records": [{...same keys, one per record of the case (repeat offences, pairs, corrections)}],
        "expect": {...}                     # see below
      }],
      "pii": {"id_numbers": [...], "legacy_id_numbers": [...], "phones": [...], "names": [...]},
      "totals": {"files", "member_units", "penalty_files", "penalty_rows", "penalty_bad_rows",
                 "penalty_rows_in_rejected_files", "penalty_correction_rows", "penalty_keys_expected",
                 "supervision_rows", "supervision_bad_rows", "hotline_rows", "hotline_12345_rows",
                 "hotline_12309_rows", "hotline_bad_rows", "task_list_files", "task_list_rows", "expected_clues",
                 "expected_should_transfer"}
    }

`expect` keys by kind:
- threshold / repeat / transfer (F1): should_transfer, clue (应移未移 as of as_of), clue_status (未处理 /
  已监督 / null), rule (threshold | repeat | agency_flag | null), rule_offence (DOMAIN.md §3 name), measure
  (case_value | quantity | deaths), measured_value (元 for amounts), unit, threshold, value_source (column |
  text), evidence (matched text span), prior_penalties, transferred, proactive_transfer, police_review_due,
  police_review_status, police_decision.
- entry_timeliness: publication_due, entry_date, entry_timely.
- correction: versions (2), replaced {field: old}, final {field: new, entry_date}.
- supervision_reply: reply_due, status (按期 / 逾期回复 / 逾期未回复 / 未到期, null when no reply duty),
  reply_duty, start_date, flags ([served_date_missing]), due_rule.
- hotline: due_date + status (12345), procedural_reply_due + procedural_reply_status (12309), pushed,
  has_feedback, feedback_result, pair_linked.

Background rows never cross a threshold, never repeat a party and are never flagged as suspected crimes,
so `totals.expected_clues` is the complete list of clues in the sample.
"""

from sample_data.generator import generate_sample

__all__ = ["generate_sample"]
