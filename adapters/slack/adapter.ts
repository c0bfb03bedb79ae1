/**
 * Slack as a plain ChatAdapter (adapters/types.ts): verify, parse and render without the SDK, for
 * the contract suite every platform runs. The url_verification challenge and `/helpline escalate`
 * (which opens a modal) are transport business, so `parse` reports them as ignored here.
 */
import type { ChatAdapter, ParseResult } from '../types.ts';
import { parseSlack, type SlackParseOptions } from './parse.ts';
import { commandEvent } from './parse-command.ts';
import { renderSlackBlocks, type SlackMessage } from './render.ts';
import { verifySlack } from './verify.ts';

export interface SlackAdapterOptions {
  signingSecret: string;
  /** @defaultValue 300_000 */
  toleranceMs?: number;
  parse?: SlackParseOptions;
}

export function slackAdapter(opts: SlackAdapterOptions): ChatAdapter<SlackMessage> {
  const verifyOptions = { signingSecret: opts.signingSecret, toleranceMs: opts.toleranceMs ?? 300_000 };
  return {
    platform: 'slack',
    verify: (input) => verifySlack(input, verifyOptions),
    parse(body, nowMs): ParseResult {
      const r = parseSlack(body, nowMs, opts.parse);
      if ('challenge' in r) return { ok: false, ignore: true, reason: 'url_verification challenge' };
      if ('command' in r) {
        if (r.command.name === 'escalate')
          return { ok: false, ignore: true, reason: 'escalate opens a modal in the handler' };
        return { ok: true, event: commandEvent(r.command, nowMs) };
      }
      return r;
    },
    render: renderSlackBlocks,
  };
}
