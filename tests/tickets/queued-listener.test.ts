/**
 * Ticket listeners whose work is queueing jobs (SLA timers, triage cards) when the queue is away
 * (Redis restarting, a worker's queue connection still reconnecting): run again as soon as it is
 * back, for the ticket as it is then, instead of waiting for the sweep (timers) or never (a card).
 * The queue's outage is injected around a recording runner; the tickets are in a real database.
 */
import { expect, it } from 'vitest';
import { HelplineError } from '../../src/errors.ts';
import { triageCards } from '../../src/handoff/handoff-jobs.ts';
import { createRequeue } from '../../src/jobs/requeue.ts';
import type { JobSpec, QueueName } from '../../src/jobs/types.ts';
import { slaOps } from '../../src/sla/ops.ts';
import { createSlaTimers } from '../../src/sla-timers/index.ts';
import { timerId } from '../../src/sla-timers/schedule.ts';
import { queuedListener } from '../../src/tickets/queued-listener.ts';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.ts';
import { CALENDARS, POLICY, RecordingRunner, waitFor } from '../sla-timers/helpers.ts';
import { eachBackend } from '../store/backends.ts';
import { openInput } from './helpers.ts';

/** A runner whose queue can be taken away: every add and remove then fails as Redis's would. */
class FlakyRunner extends RecordingRunner {
  down = false;
  #check(): void {
    if (this.down) throw new HelplineError('REDIS_UNAVAILABLE', 'Redis is not reachable (test)');
  }
  override async add<T>(queue: QueueName, job: JobSpec<T>) {
    this.#check();
    return super.add(queue, job);
  }
  override async remove(queue: QueueName, id: string) {
    this.#check();
    return super.remove(queue, id);
  }
}

eachBackend('ticket listeners that queue jobs, while the queue is away', (ctx) => {
  const freshTickets = async () =>
    createTicketService({ db: await ctx.fresh(), now: () => new Date(), sla: slaOps(POLICY, CALENDARS) });

  it('are set once it is back, for the ticket as it is then; the failure is reported, not thrown', async () => {
    const tickets = await freshTickets();
    const runner = new FlakyRunner();
    const requeue = createRequeue({ everyMs: 50 });
    const errors: string[] = [];
    const timers = createSlaTimers({ runner, tickets, calendars: CALENDARS, notify: () => {} });
    const listenerErrors: unknown[] = [];
    const queued = {
      requeue,
      tickets,
      onRetry: (_err: unknown, name: string, change: { ticket: { number: string } }) =>
        errors.push(`${name} of ${change.ticket.number} not queued; queued again when the queue is back`),
    };
    const listener = queuedListener(queued, 'sla-timers', ({ ticket }) => timers.afterChange(ticket));
    tickets.onChange((change) => Promise.resolve(listener(change)).catch((err) => listenerErrors.push(err)));
    try {
      runner.down = true;
      const opened = await tickets.open(openInput({ severity: 'P0' }));
      // Claimed while still away: the first-response clock stops, so its timers must not come back.
      await tickets.claim(opened.id, 'eng-1');
      expect(listenerErrors).toEqual([]);
      expect(errors).toEqual([
        `sla-timers of ${opened.number} not queued; queued again when the queue is back`,
        `sla-timers of ${opened.number} not queued; queued again when the queue is back`,
      ]);
      expect(runner.jobs.size).toBe(0);
      expect(requeue.waiting()).toBe(1); // one entry per ticket, however often it changed

      runner.down = false;
      await waitFor(() => requeue.waiting() === 0, 3000, 'timers set');
      expect(Object.keys(runner.delays()).sort()).toEqual(
        [timerId(opened.id, 'resolution', 'breach'), timerId(opened.id, 'resolution', 'warn')].sort(),
      );
    } finally {
      requeue.stop();
    }
  });

  it('a triage card that could not be queued when its ticket opened is posted once the queue is back', async () => {
    const tickets: TicketService = await freshTickets();
    const runner = new FlakyRunner();
    const requeue = createRequeue({ everyMs: 50 });
    tickets.onChange(
      queuedListener({ requeue, tickets }, 'triage-card', triageCards(runner, tickets), { byAction: true }),
    );
    try {
      runner.down = true;
      const opened = await tickets.open(openInput({ severity: 'P1' }));
      expect(runner.jobs.size).toBe(0);
      runner.down = false;
      await waitFor(() => requeue.waiting() === 0, 3000, 'card queued');
      expect([...runner.jobs.keys()]).toEqual([`inbound/handoff-post:${opened.id}`]);
    } finally {
      requeue.stop();
    }
  });

  it('without the wrapper, the failure is the caller’s (the sweep sets the timers later)', async () => {
    const tickets = await freshTickets();
    const runner = new FlakyRunner();
    const timers = createSlaTimers({ runner, tickets, calendars: CALENDARS, notify: () => {} });
    const opened = await tickets.open(openInput({ severity: 'P1' }));
    runner.down = true;
    await expect(timers.afterChange(opened)).rejects.toMatchObject({ code: 'REDIS_UNAVAILABLE' });
  });
});
