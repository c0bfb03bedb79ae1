/**
 * Handlers by queue and name. Both runners carry jobs as data (name + payload), so the handler is
 * looked up when the job runs — possibly in another process than the one that added it.
 */
import { HelplineError } from '../errors.ts';
import { type JobHandler, PermanentFailure, QUEUES, type QueueName } from './types.ts';

export class HandlerRegistry {
  readonly #handlers = new Map<string, JobHandler<unknown>>();

  register(queue: QueueName, name: string, handler: JobHandler<never>): void {
    if (!QUEUES.includes(queue)) {
      throw new HelplineError('JOB_INVALID', `unknown queue "${queue}"; use one of ${QUEUES.join(', ')}`);
    }
    const key = `${queue}/${name}`;
    if (this.#handlers.has(key)) {
      throw new HelplineError(
        'JOB_INVALID',
        `a handler for job "${name}" on queue ${queue} is already registered`,
      );
    }
    this.#handlers.set(key, handler as JobHandler<unknown>);
  }

  /**
   * The handler for a job. A job nobody handles cannot succeed by retrying in this process, so it
   * fails permanently (dead letter) rather than looping.
   */
  get(queue: QueueName, name: string): JobHandler<unknown> {
    const handler = this.#handlers.get(`${queue}/${name}`);
    if (!handler) {
      return async () => {
        throw new PermanentFailure(`no handler registered for job "${name}" on queue ${queue}`);
      };
    }
    return handler;
  }
}
