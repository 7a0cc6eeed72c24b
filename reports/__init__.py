"""Documents an office edits and sends: the annual and monthly 通报 (Word and PDF) and the 工作提示函 drafts,
written from the marts of one region (a city with its counties once the region hierarchy lands)."""
