-- One inbound pipeline for every channel: a message addressed to the bot is stored with the event it
-- came in (platform, chat, thread, sender), so the recovery sweep can queue it again on any
-- platform if its job was lost; and an HR admin's "escalate" is answered with the payroll form,
-- which takes the message's reply slot as 'prompted'.
ALTER TABLE messages ADD COLUMN inbound jsonb;
ALTER TABLE turn_outcomes DROP CONSTRAINT turn_outcomes_outcome_check;
ALTER TABLE turn_outcomes ADD CONSTRAINT turn_outcomes_outcome_check
  CHECK (outcome IN ('answered', 'declined', 'ticketed', 'greeted', 'fallback', 'relayed', 'prompted'));
