/**
 * What the Bolt app listens to, for HTTP and Socket Mode alike (one function registers them on
 * either app). Every listener runs our pure `parseSlack` on the raw body and hands the normalized
 * event to `accept`; it acks only after `accept` resolved (the receivers send that ack after the
 * listener returns, deferred-ack.ts). Two interactions are answered right here because their
 * trigger id lasts three seconds: `/helpline escalate` and the form button open the form modal.
 */
import type { AllMiddlewareArgs, App } from '@slack/bolt';
import type { Logger } from 'pino';
import { formById, payrollForm } from '../../src/inbound/forms.ts';
import type { AcceptResult, ChannelDeps, InboundEvent } from '../../src/inbound/ports.ts';
import { FORM_CALLBACK_ID, type FormModalMeta, formLang, formModal } from './modal.ts';
import { parseSlack, type SlackParseOptions, type SlackParseResult } from './parse.ts';
import { commandEvent } from './parse-command.ts';
import { ESCALATE_SHORTCUT } from './parse-interaction.ts';
import { OPEN_FORM_ACTION } from './render.ts';

export interface SlackInboundContext {
  accept(event: InboundEvent): Promise<AcceptResult>;
  logger: Logger;
  metrics: ChannelDeps['metrics'];
  now: () => number;
  /** Our bot's ids, known once `auth.test` answered at start. */
  parseOptions: () => SlackParseOptions;
}

type WebClient = AllMiddlewareArgs['client'];

const T = {
  formFailed: {
    en: 'Sorry, the form could not be opened. Please run the command again.',
    zh: '抱歉，表单未能打开，请重新输入命令。',
  },
} as const;

export function registerSlackListeners(app: App, ctx: SlackInboundContext): void {
  const command = ctx.parseOptions().command ?? '/helpline';

  /** Parses and accepts; resolves when the event is queued (or was a duplicate, or not for us). */
  const take = async (body: unknown, retryNum?: number): Promise<SlackParseResult> => {
    const parsed = parseSlack(body, ctx.now(), ctx.parseOptions());
    if ('ok' in parsed && parsed.ok) await acceptEvent(ctx, parsed.event, retryNum);
    else reportNotTaken(ctx, parsed);
    return parsed;
  };

  const onEvent = async ({ body, context }: { body: unknown; context: { retryNum?: number } }) => {
    await take(body, context.retryNum);
  };
  app.event('app_mention', onEvent);
  // DMs and thread replies; channel chatter and other bots are sorted out by parseSlack.
  app.event('message', onEvent);

  app.action(/.*/, async ({ body, ack, client }) => {
    const parsed = parseSlack(body, ctx.now(), ctx.parseOptions());
    if ('ok' in parsed && parsed.ok && parsed.event.action?.id === OPEN_FORM_ACTION) {
      const e = parsed.event;
      const lang = e.action?.value?.lang === 'zh' ? 'zh' : 'en';
      const spec = formById(e.action?.value?.form ?? e.action?.value?.value ?? '', lang);
      const triggerId = (body as { trigger_id?: string }).trigger_id;
      if (spec && triggerId) {
        const meta: FormModalMeta = { form: spec.id, channel: e.chat, user: e.user, lang };
        if (e.thread) meta.thread = e.thread;
        await openForm(client, triggerId, formModal(spec, meta), ctx.logger);
      } else ctx.logger.warn({ platform: 'slack', value: e.action?.value }, 'open_form without a known form');
      await ack();
      return;
    }
    if ('ok' in parsed && parsed.ok) await acceptEvent(ctx, parsed.event);
    else reportNotTaken(ctx, parsed);
    await ack();
  });

  app.view(FORM_CALLBACK_ID, async ({ body, ack }) => {
    await take(body);
    await ack();
  });

  app.shortcut(ESCALATE_SHORTCUT, async ({ body, ack }) => {
    await take(body);
    await ack();
  });

  app.command(command, async ({ body, ack, client }) => {
    const parsed = parseSlack(body, ctx.now(), ctx.parseOptions());
    if (!('command' in parsed)) {
      reportNotTaken(ctx, parsed);
      await ack();
      return;
    }
    const cmd = parsed.command;
    if (cmd.name === 'escalate') {
      const lang = formLang(cmd.args);
      const spec = payrollForm(lang);
      const opened = await openForm(
        client,
        cmd.triggerId,
        formModal(spec, { form: spec.id, channel: cmd.chat, user: cmd.user, lang }),
        ctx.logger,
      );
      // An ack with text is shown to the user alone (ephemeral).
      await ack(opened ? undefined : T.formFailed[lang]);
      return;
    }
    await acceptEvent(ctx, commandEvent(cmd, ctx.now()));
    await ack();
  });
}

async function acceptEvent(ctx: SlackInboundContext, event: InboundEvent, retryNum?: number): Promise<void> {
  // A rejection propagates: no ack, and Slack redelivers.
  const result = await ctx.accept(event);
  if (result === 'duplicate') {
    ctx.metrics.eventsDeduplicated.inc({ platform: 'slack' });
    ctx.logger.debug({ platform: 'slack', eventId: event.eventId, retryNum }, 'Slack redelivery dropped');
  }
}

/** Not an event for us: ignored (debug) or malformed (warn, counted); acked either way. */
export function reportNotTaken(
  ctx: Pick<SlackInboundContext, 'logger' | 'metrics'>,
  parsed: SlackParseResult,
): void {
  if ('ok' in parsed && !parsed.ok) {
    if (parsed.ignore)
      ctx.logger.debug({ platform: 'slack', reason: parsed.reason }, 'Slack payload ignored');
    else {
      ctx.metrics.webhookRejected.inc({ platform: 'slack', reason: 'malformed' });
      ctx.logger.warn(
        { platform: 'slack', reason: parsed.reason },
        'Malformed Slack payload acked and dropped',
      );
    }
  } else if ('command' in parsed) {
    ctx.logger.debug({ platform: 'slack', command: parsed.command.name }, 'Slack command not handled here');
  }
}

/** A payload no listener took: explained with parseSlack's verdict. */
export function reportUnhandled(
  ctx: Pick<SlackInboundContext, 'logger' | 'metrics' | 'now'>,
  body: unknown,
): void {
  const parsed = parseSlack(body, ctx.now());
  if ('ok' in parsed && !parsed.ok) reportNotTaken(ctx, parsed);
  else
    ctx.logger.debug(
      { platform: 'slack', type: (body as { type?: unknown })?.type },
      'Slack payload not handled',
    );
}

async function openForm(
  client: WebClient,
  triggerId: string,
  view: Record<string, unknown>,
  logger: Logger,
): Promise<boolean> {
  try {
    // biome-ignore lint/suspicious/noExplicitAny: built by modal.ts; the SDK's View union is not worth mirroring
    await client.views.open({ trigger_id: triggerId, view: view as any });
    return true;
  } catch (err) {
    logger.warn({ err, platform: 'slack' }, 'Slack views.open failed; the form was not shown');
    return false;
  }
}
