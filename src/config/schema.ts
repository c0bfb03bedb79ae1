/**
 * Every setting, declared once: type, default and what it means. Environment variables (DESIGN §6)
 * and helpline.config.yaml fill it; `helpline config` prints it back with secrets masked.
 */
import { z } from 'zod';
import { ACCESS_ROLES } from '../access/policy.ts';
import { validateCalendars } from '../sla/calendar-rules.ts';
import { withBuiltinCalendars } from '../sla/calendars/builtin.ts';
import { DEFAULT_SLA_POLICY, validatePolicy } from '../sla/policy.ts';
import type { BusinessCalendar, SlaPolicy } from '../sla/types.ts';
import { CATEGORIES } from '../triage/types.ts';

const secret = () => z.string().min(1).optional().meta({ secret: true });
const url = (what: string) =>
  z
    .string()
    .regex(/^[a-z][a-z0-9+.-]*:\/\//i, `${what} must be a URL such as http://host:port`)
    .optional();

export const configSchema = z.object({
  server: z
    .object({
      port: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port (PORT)'),
      opsPort: z.coerce
        .number()
        .int()
        .min(0)
        .max(65535)
        .optional()
        .describe(
          '`helpline worker` serves /healthz, /readyz and /metrics on this port (HELPLINE_OPS_PORT); unset: no HTTP',
        ),
      host: z
        .string()
        .default('127.0.0.1')
        .describe('interface to listen on (HELPLINE_HOST); 0.0.0.0 for all'),
      publicUrl: z
        .url({
          protocol: /^https?$/,
          error: 'HELPLINE_PUBLIC_URL must be the http(s) URL people open, e.g. https://helpline.example.com',
        })
        .optional()
        .describe(
          'the URL people reach (HELPLINE_PUBLIC_URL): sign-in redirects, links in cards; its host joins the Host allow-list',
        ),
      chromiumPath: z
        .string()
        .min(1)
        .optional()
        .describe(
          'a Chromium for the monthly report as PDF (HELPLINE_CHROMIUM); unset: /usr/bin/chromium and the like, else 503',
        ),
    })
    .prefault({}),
  kb: z
    .object({
      dir: z.string().default('./kb').describe('knowledge-base folder (HELPLINE_KB)'),
      maxFileMb: z.number().positive().default(5).describe('files larger than this are skipped'),
      chunkSize: z
        .number()
        .int()
        .min(100)
        .max(4000)
        .default(1000)
        .describe('target passage size in characters for long sections'),
    })
    .prefault({}),
  data: z
    .object({
      dir: z.string().default('./data').describe('embedded database and index cache (HELPLINE_DATA)'),
    })
    .prefault({}),
  retrieval: z
    .object({
      k: z.number().int().min(1).max(50).default(5).describe('passages returned by search'),
      minEvidence: z
        .number()
        .min(0)
        .optional()
        .describe(
          'answerability: least information (≈ 6–12 per specific word) the best passages must share with the question; higher declines more. Unset: learned from the KB per language at ingest',
        ),
      synonyms: z
        .array(z.array(z.string().min(1)).min(2))
        .default([])
        .describe('extra synonym groups, added to the built-in HR table'),
      userWords: z
        .array(z.string().min(1))
        .default([])
        .describe('extra words for the Chinese segmenter (product names, jargon)'),
      meaning: z
        .boolean()
        .default(true)
        .describe(
          'English questions are also matched by meaning, with the sentence encoder shipped in the install (Universal Sentence Encoder lite, in a worker thread; vectors cached in the data folder). Off: words only. Not used when an embedding model is configured',
        ),
    })
    .prefault({}),
  answers: z
    .object({
      mode: z
        .enum(['auto', 'extractive', 'generative'])
        .default('auto')
        .describe('auto: generative when an LLM endpoint is configured, else extractive'),
    })
    .prefault({}),
  sla: z
    .object({
      policy: z
        .partialRecord(
          z.enum(['P0', 'P1', 'P2', 'P3']),
          z.object({
            firstResponseMinutes: z.number().min(0),
            resolutionMinutes: z.number().min(0),
            firstResponseDays: z.number().min(0).optional(),
            resolutionDays: z.number().min(0).optional(),
            calendar: z.string().min(1),
          }),
        )
        .default({})
        .transform((p): SlaPolicy => ({ ...DEFAULT_SLA_POLICY, ...p }))
        .describe(
          'first-response and resolution budgets per severity; unset severities keep the DESIGN §3 defaults',
        ),
      calendars: z
        .array(z.looseObject({ id: z.string().min(1) }))
        .default([])
        .describe(
          'business calendars (working hours, weekdays, holidays, make-up workdays, time zone); built-in: 24x7, cn-business',
        ),
    })
    .prefault({}),
  incidents: z
    .object({
      windowMinutes: z
        .number()
        .positive()
        .default(30)
        .describe('reports this close to an open incident may join it'),
      minSimilarity: z
        .number()
        .min(0)
        .max(1)
        .default(0.3)
        .describe('how alike two reports must be to be the same incident'),
    })
    .prefault({}),
  handoff: z
    .object({
      routes: z
        .record(
          z.string(),
          z.object({
            platform: z.enum(['lark', 'slack']),
            chat: z.string().min(1).describe('Lark chat_id (oc_…) or Slack channel id (C…)'),
          }),
        )
        .default({})
        .describe('category (or "default") → the L2 triage group/channel its tickets are posted to'),
      lang: z
        .enum(['zh', 'en'])
        .optional()
        .describe("language of triage cards and notes; default: the employee's"),
    })
    .prefault({}),
  roles: z
    .record(
      z.string(),
      z.union([
        z.enum(ACCESS_ROLES),
        z.object({
          role: z.enum(ACCESS_ROLES),
          categories: z
            .array(z.enum(CATEGORIES))
            .optional()
            .describe('the categories routed to this l2/l3 engineer (they see those tickets)'),
        }),
      ]),
    )
    .default({})
    .describe(
      'user → role, by user key ("lark:ou_123", "slack:U123", a web id) or email ("li@example.com"): hr_admin, or {role: l2, categories: [attendance]}',
    ),
  access: z
    .object({
      sessionIdleMinutes: z
        .number()
        .positive()
        .default(480)
        .describe('a browser session ends after this long without a request'),
      sessionMaxHours: z.number().positive().default(168).describe('and this long after sign-in'),
      linkBy: z
        .enum(['email', 'subject'])
        .default('email')
        .describe(
          "one person, one user: link Lark, Slack and web sign-in by verified email, or by the identity provider's subject",
        ),
      messagesPerMinute: z
        .number()
        .int()
        .positive()
        .default(120)
        .describe('chat messages one signed-in user may send per minute (429 beyond)'),
      requestsPerMinute: z
        .number()
        .int()
        .positive()
        .default(600)
        .describe('API requests one user may make per minute'),
      addressRequestsPerMinute: z
        .number()
        .int()
        .positive()
        .default(12_000)
        .describe('requests per minute from one network address (a whole office may share one)'),
      streamsPerUser: z
        .number()
        .int()
        .positive()
        .default(20)
        .describe('live chat streams (SSE) one user may hold open at once'),
    })
    .prefault({}),
  oidc: z
    .object({
      roleClaim: z
        .string()
        .min(1)
        .default('groups')
        .describe('the ID-token claim listing the groups mapped by oidc.roles'),
      roles: z
        .record(z.string(), z.enum(ACCESS_ROLES))
        .default({})
        .describe('identity-provider group → role, e.g. {"hr-team": hr_admin, "it-support": l2}'),
      issuer: url('OIDC_ISSUER').describe(
        "the company's identity provider (OIDC_ISSUER), e.g. https://accounts.feishu.cn; required when bound beyond loopback",
      ),
      clientId: z
        .string()
        .min(1)
        .optional()
        .describe('OIDC_CLIENT_ID of the Helpline app at the identity provider'),
      clientSecret: secret().describe('OIDC_CLIENT_SECRET'),
    })
    .prefault({}),
  database: z.object({ url: url('DATABASE_URL').meta({ secret: true }) }).prefault({}),
  redis: z.object({ url: url('REDIS_URL').meta({ secret: true }) }).prefault({}),
  qdrant: z.object({ url: url('QDRANT_URL'), apiKey: secret() }).prefault({}),
  llm: z
    .object({
      baseUrl: url('OPENAI_BASE_URL'),
      apiKey: secret(),
      chatModel: z.string().default('gpt-4o-mini').describe('HELPLINE_CHAT_MODEL'),
      embeddingModel: z
        .string()
        .optional()
        .describe('HELPLINE_EMBEDDING_MODEL; dense retrieval is on when set with an endpoint'),
    })
    .prefault({}),
  slack: z
    .object({
      botToken: secret(),
      signingSecret: secret(),
      appToken: secret(),
      apiUrl: url('SLACK_API_URL').default('https://slack.com/api/'),
    })
    .prefault({}),
  lark: z
    .object({
      appId: z.string().min(1).optional(),
      appSecret: secret(),
      encryptKey: secret(),
      verificationToken: secret(),
      domain: url('LARK_DOMAIN').default('https://open.feishu.cn'),
      mode: z.enum(['ws', 'webhook']).default('ws'),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;

/** Checks that need more than one setting; returned as messages that say what to fix. */
export function crossCheck(c: Config): string[] {
  const problems: string[] = [];
  const calendars = withBuiltinCalendars(c.sla.calendars as unknown as BusinessCalendar[]);
  problems.push(...validateCalendars(Object.values(calendars)).map((p) => `sla.calendars: ${p}`));
  if (problems.length === 0)
    problems.push(...validatePolicy(c.sla.policy, calendars).map((p) => `sla.policy: ${p}`));
  if (c.slack.botToken && !c.slack.signingSecret && !c.slack.appToken) {
    problems.push(
      'SLACK_BOT_TOKEN is set but Slack events cannot reach Helpline: set SLACK_SIGNING_SECRET (HTTP events at POST /slack/events) or SLACK_APP_TOKEN (Socket Mode).',
    );
  }
  if (!c.slack.botToken && (c.slack.signingSecret || c.slack.appToken)) {
    problems.push(
      'Slack is half configured: set SLACK_BOT_TOKEN (xoxb-…) too, or unset the other SLACK_* variables.',
    );
  }
  if (Boolean(c.lark.appId) !== Boolean(c.lark.appSecret)) {
    problems.push(
      "Lark is half configured: set both LARK_APP_ID and LARK_APP_SECRET (from the app's Credentials page).",
    );
  }
  if (c.lark.appId && c.lark.mode === 'webhook' && !c.lark.verificationToken && !c.lark.encryptKey) {
    problems.push(
      'LARK_MODE=webhook needs LARK_VERIFICATION_TOKEN and LARK_ENCRYPT_KEY (Events & Callbacks → Encryption strategy) so requests can be verified.',
    );
  }
  for (const [key, route] of Object.entries(c.handoff.routes)) {
    if (key !== 'default' && !(CATEGORIES as readonly string[]).includes(key)) {
      problems.push(
        `handoff.routes.${key}: not a category; use one of ${CATEGORIES.join(', ')} or "default".`,
      );
    }
    if (route.platform === 'lark' && !(c.lark.appId && c.lark.appSecret)) {
      problems.push(
        `handoff.routes.${key} posts to Lark but Lark is not configured: set LARK_APP_ID and LARK_APP_SECRET.`,
      );
    }
    if (route.platform === 'slack' && !c.slack.botToken) {
      problems.push(`handoff.routes.${key} posts to Slack but Slack is not configured: set SLACK_BOT_TOKEN.`);
    }
  }
  const oidc = {
    OIDC_ISSUER: c.oidc.issuer,
    OIDC_CLIENT_ID: c.oidc.clientId,
    OIDC_CLIENT_SECRET: c.oidc.clientSecret,
  };
  const oidcMissing = Object.entries(oidc)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (oidcMissing.length > 0 && oidcMissing.length < 3) {
    problems.push(
      `Sign-in is half configured: set ${oidcMissing.join(' and ')} too, or unset the other OIDC_* variables.`,
    );
  }
  if (c.answers.mode === 'generative' && !llmEnabled(c)) {
    problems.push(
      'answers.mode is "generative" but no LLM endpoint is set: set OPENAI_BASE_URL or OPENAI_API_KEY, or use mode "auto".',
    );
  }
  return problems;
}

/** Environment variable → config path (DESIGN §6). */
export const ENV: Record<string, string> = {
  PORT: 'server.port',
  HELPLINE_OPS_PORT: 'server.opsPort',
  HELPLINE_HOST: 'server.host',
  HELPLINE_PUBLIC_URL: 'server.publicUrl',
  HELPLINE_CHROMIUM: 'server.chromiumPath',
  HELPLINE_KB: 'kb.dir',
  HELPLINE_DATA: 'data.dir',
  OIDC_ISSUER: 'oidc.issuer',
  OIDC_CLIENT_ID: 'oidc.clientId',
  OIDC_CLIENT_SECRET: 'oidc.clientSecret',
  DATABASE_URL: 'database.url',
  REDIS_URL: 'redis.url',
  QDRANT_URL: 'qdrant.url',
  QDRANT_API_KEY: 'qdrant.apiKey',
  OPENAI_BASE_URL: 'llm.baseUrl',
  OPENAI_API_KEY: 'llm.apiKey',
  HELPLINE_CHAT_MODEL: 'llm.chatModel',
  HELPLINE_EMBEDDING_MODEL: 'llm.embeddingModel',
  SLACK_BOT_TOKEN: 'slack.botToken',
  SLACK_SIGNING_SECRET: 'slack.signingSecret',
  SLACK_APP_TOKEN: 'slack.appToken',
  SLACK_API_URL: 'slack.apiUrl',
  LARK_APP_ID: 'lark.appId',
  LARK_APP_SECRET: 'lark.appSecret',
  LARK_ENCRYPT_KEY: 'lark.encryptKey',
  LARK_VERIFICATION_TOKEN: 'lark.verificationToken',
  LARK_DOMAIN: 'lark.domain',
  LARK_MODE: 'lark.mode',
};

export const oidcEnabled = (c: Config) => Boolean(c.oidc.issuer && c.oidc.clientId && c.oidc.clientSecret);
export const larkEnabled = (c: Config) => Boolean(c.lark.appId && c.lark.appSecret);
export const slackEnabled = (c: Config) => Boolean(c.slack.botToken);

/** Whether an LLM endpoint is configured (either variable is enough, per the issue). */
export function llmEnabled(c: Config): boolean {
  return Boolean(c.llm.baseUrl || c.llm.apiKey);
}
