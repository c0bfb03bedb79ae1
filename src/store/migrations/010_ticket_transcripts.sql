-- A ticket opened in a thread that already had a ticket kept the thread's earlier lines in its own
-- transcript: another ticket's words, a sensitive one's too, quoted by the console and the triage
-- card under a ticket other people may read. Tickets are now opened with their own part of the
-- thread only (src/tickets/thread-parts.ts); this trims the transcripts stored before. A line stays
-- when it was said after every earlier ticket of the thread had been closed; the ticket's last line
-- (the message that opened it) always stays. Times are compared as the ISO text the lines hold.
UPDATE tickets t SET transcript = (
  SELECT coalesce(jsonb_agg(l.line ORDER BY l.ord), '[]'::jsonb)
  FROM jsonb_array_elements(t.transcript) WITH ORDINALITY AS l(line, ord)
  WHERE l.ord = jsonb_array_length(t.transcript)
     OR NOT EXISTS (
       SELECT 1 FROM tickets p
        WHERE p.thread_id = t.thread_id AND p.id <> t.id AND p.created_at < t.created_at
          AND (p.closed_at IS NULL
               OR coalesce(l.line->>'at', '')
                  <= to_char(p.closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
     )
)
WHERE jsonb_typeof(t.transcript) = 'array'
  AND jsonb_array_length(t.transcript) > 1
  AND EXISTS (
    SELECT 1 FROM tickets p WHERE p.thread_id = t.thread_id AND p.id <> t.id AND p.created_at < t.created_at
  );
