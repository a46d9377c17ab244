-- Survey-platform metadata of a story's record (response id, IP address, location, durations,
-- start/end times, distribution channel...): JSON, kept as provenance, never shown as answers.
ALTER TABLE stories ADD COLUMN source_meta TEXT;
