"""Personal data in one place: pseudonyms, masking of free text, and the PII audit (the publish gate).

Callers use this API; the modules behind it are details:
- `protect_row` / `protect_rows` / `masked_value` — validated rows as stored (ingest; the batch form works per
  distinct value), a cell as shown in the quarantine;
- `mask_text` / `find_personal_data` — the one detector, shared by ingest masking and the audit;
- `pseudonym` — the keyed pseudonym of one identifier;
- `KnownNames` / `known_names` — natural persons' names from the party fields, as keyed hashes only;
- `audit` / `scan_files` / `AuditState` — the PII audit of the warehouse and published files.
"""

from privacy.mask import find_personal_data, mask_text
from privacy.names import KnownNames
from privacy.pii_audit import AuditState, PiiFinding, audit, findings_json, known_names, scan_files
from privacy.protect import masked_value, person_names, protect_row, protect_rows
from privacy.pseudonymise import is_pseudonym, pseudonym

__all__ = ["AuditState", "KnownNames", "PiiFinding", "audit", "find_personal_data", "findings_json",
           "is_pseudonym", "known_names", "mask_text", "masked_value", "person_names", "protect_row", "protect_rows",
           "pseudonym", "scan_files"]
