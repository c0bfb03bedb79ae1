/**
 * Which triage channel a ticket goes to (DESIGN §2 flow 5: "configurable per category").
 */
import { HelplineError } from '../errors.ts';

export type TriagePlatform = 'slack' | 'lark' | 'web';

export interface TriageDestination {
  platform: TriagePlatform;
  /** Slack channel id, Lark chat id, web channel id. */
  chat: string;
}

export type TriageRouting = Record<string, TriageDestination>;

/**
 * The destination configured for `category`, else the one under `fallbackKey`. Throws
 * CONFIG_INVALID when neither is configured (a ticket must never be posted nowhere silently).
 */
export function routeFor(
  category: string,
  routing: TriageRouting,
  fallbackKey = 'default',
): TriageDestination {
  const own = Object.hasOwn(routing, category) ? routing[category] : undefined;
  const dest = own ?? (Object.hasOwn(routing, fallbackKey) ? routing[fallbackKey] : undefined);
  if (!dest?.chat) {
    throw new HelplineError(
      'CONFIG_INVALID',
      `No triage channel for category "${category}" and no "${fallbackKey}" entry; add one under handoff.routes in helpline.config.yaml (README: Handoff to L2 engineers); until then the ticket is in the web console only.`,
      { details: { category, fallbackKey } },
    );
  }
  return { platform: dest.platform, chat: dest.chat };
}
