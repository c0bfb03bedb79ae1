/**
 * A ticket that changes while the queue is away (Redis restarting, a worker's queue connection still
 * reconnecting) gets its timers as soon as the queue is back, from the ticket as it is then, instead
 * of waiting for the sweep. The queue's outage is injected around a recording runner; the tickets
 * are in a real database.
 */
import { expect, it } from 'vitest';
import { HelplineError } from '../../src/errors.ts';
import { createRequeue } from '../../src/jobs/requeue.ts';
import type { JobSpec, QueueName } from '../../src/jobs/types.ts';
import { slaOps } from '../../src/sla/ops.ts';
import { createSlaTimers } from '../../src/sla-timers/index.ts';
import { timerId } from '../../src/sla-timers/schedule.ts';
import { createTicketService } from '../../src/tickets/ticket-service.ts';
import { eachBackend } from '../store/backends.ts';
import { openInput } from '../tickets/helpers.ts';
import { CALENDARS, POLICY, RecordingRunner, waitFor } from './helpers.ts';

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

eachBackend('SLA timers set while the queue is away', (ctx) => {
  const freshTickets = async () =>
    createTicketService({ db: await ctx.fresh(), now: () => new Date(), sla: slaOps(POLICY, CALENDARS) });

  it('are set once it is back, for the ticket as it is then; the failure is reported, not thrown', async () => {
    const tickets = await freshTickets();
    const runner = new FlakyRunner();
    const requeue = createRequeue({ everyMs: 50 });
    const errors: string[] = [];
    const timers = createSlaTimers({
      runner,
      tickets,
      calendars: CALENDARS,
      notify: () => {},
      onError: (_err, context) => errors.push(context),
      requeue,
    });
    const listenerErrors: unknown[] = [];
    tickets.onChange(({ ticket }) => timers.afterChange(ticket).catch((err) => listenerErrors.push(err)));
    try {
      runner.down = true;
      const opened = await tickets.open(openInput({ severity: 'P0' }));
      // Claimed while still away: the first-response clock stops, so its timers must not come back.
      await tickets.claim(opened.id, 'eng-1');
      expect(listenerErrors).toEqual([]);
      expect(errors).toEqual([
        `SLA timers of ${opened.number} not set; set again when the queue is back`,
        `SLA timers of ${opened.number} not set; set again when the queue is back`,
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

  it('without a requeue, the failure is the caller’s (the sweep sets the timers later)', async () => {
    const tickets = await freshTickets();
    const runner = new FlakyRunner();
    const timers = createSlaTimers({ runner, tickets, calendars: CALENDARS, notify: () => {} });
    const opened = await tickets.open(openInput({ severity: 'P1' }));
    runner.down = true;
    await expect(timers.afterChange(opened)).rejects.toMatchObject({ code: 'REDIS_UNAVAILABLE' });
  });
});
