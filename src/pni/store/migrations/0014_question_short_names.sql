-- A question's short name, as its source gave it (NarraFirma's "short name", a form's `short`):
-- what observations call the question ("belonging" for "In this story, how much did you feel
-- you belonged?"). NULL: pni derives one from the text (`pni.explore.labels`).
ALTER TABLE questions ADD COLUMN short TEXT;
