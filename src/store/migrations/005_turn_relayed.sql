-- A message in a thread bridged to an engineer is relayed, not answered by the assistant: its reply
-- slot is taken with the outcome 'relayed' so the watchdog and the recovery sweep leave it alone.
ALTER TABLE turn_outcomes DROP CONSTRAINT turn_outcomes_outcome_check;
ALTER TABLE turn_outcomes ADD CONSTRAINT turn_outcomes_outcome_check
  CHECK (outcome IN ('answered', 'declined', 'ticketed', 'greeted', 'fallback', 'relayed'));
