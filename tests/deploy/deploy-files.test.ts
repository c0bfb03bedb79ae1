/**
 * The deployment files are checked like code: the Kubernetes manifests by the Kubernetes API's
 * own schemas (kubernetes-models), the compose file by the Compose Specification's schema (as
 * bundled by dclint), then what a schema cannot know — probes on the right paths and ports,
 * selectors that select, the autoscaler's metric wired to one that exists, and no environment
 * variable or metric name that Helpline does not have. Prometheus rules are checked by
 * `promtool` in .ci/run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ENV } from '../../src/config/schema.ts';
import { createMetrics } from '../../src/ops/metrics.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: manifests are checked by schema, then read freely.
type Doc = any;

/** Environment variables Helpline reads: the config's (DESIGN §6) plus the logger's level. */
const HELPLINE_ENV = new Set([...Object.keys(ENV), 'LOG_LEVEL', 'NODE_ENV']);

const MODEL_OF: Record<string, new (data: Doc) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

function k8sDocs(file: string): Doc[] {
  return parseAllDocuments(read(`deploy/k8s/${file}`)).map((d) => {
    expect(d.errors, file).toEqual([]);
    return d.toJS();
  });
}

const MANIFESTS = ['config.yaml', 'web.yaml', 'worker.yaml', 'secret.example.yaml'];
const all = MANIFESTS.flatMap((f) => k8sDocs(f).map((doc) => ({ file: f, doc })));
const ofKind = (kind: string) => all.filter((m) => m.doc.kind === kind).map((m) => m.doc);
const deployment = (name: string) => ofKind('Deployment').find((d) => d.metadata.name === name);

/** Every metric name Helpline exposes (histograms also as _bucket, _count, _sum). */
async function metricNames(): Promise<Set<string>> {
  const text = await createMetrics({ processMetrics: false }).render();
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_count', '_sum']) names.add(name + s);
  }
  return names;
}

function usedMetrics(text: string): string[] {
  return [...new Set([...text.matchAll(/\bhelpline_[a-z_]+\b/g)].map((m) => m[0]))];
}

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('every object passes the Kubernetes API schema of its kind', () => {
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const { file, doc } of all) {
      const Model = MODEL_OF[`${doc.apiVersion}/${doc.kind}`];
      expect(Model, `${file}: ${doc.apiVersion} ${doc.kind} has no schema here`).toBeDefined();
      expect(() => new Model(doc).validate(), `${file}: ${doc.kind} ${doc.metadata?.name}`).not.toThrow();
    }
  });

  it('the schema check catches a broken manifest', () => {
    const broken = structuredClone(deployment('helpline-web'));
    broken.spec.replicas = 'two';
    expect(() => new Deployment(broken).validate()).toThrow(/replicas/);
  });

  it('kustomization lists every manifest but the example Secret', () => {
    const k = parse(read('deploy/k8s/kustomization.yaml'));
    expect(k.kind).toBe('Kustomization');
    expect([...k.resources].sort()).toEqual(MANIFESTS.filter((f) => !f.includes('example')).sort());
    const files = readdirSync(join(ROOT, 'deploy/k8s'));
    for (const r of k.resources) expect(files).toContain(r);
  });

  it('web and worker: non-root, read-only root, probes /readyz and /healthz on a declared port', () => {
    for (const name of ['helpline-web', 'helpline-worker']) {
      const d = deployment(name);
      expect(d, name).toBeDefined();
      expect(d.spec.replicas).toBeGreaterThanOrEqual(2);
      expect(d.spec.selector.matchLabels).toEqual(
        Object.fromEntries(
          Object.keys(d.spec.selector.matchLabels).map((k) => [k, d.spec.template.metadata.labels[k]]),
        ),
      );
      const pod = d.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      const [c] = pod.containers;
      expect(c.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      const ports = c.ports.map((p: Doc) => p.name);
      expect(c.readinessProbe.httpGet.path).toBe('/readyz');
      expect(c.livenessProbe.httpGet.path).toBe('/healthz');
      for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe])
        expect(ports).toContain(probe.httpGet.port);
      // Prometheus scrapes the port the metrics are on.
      const scrapePort = Number(d.spec.template.metadata.annotations['prometheus.io/port']);
      expect(c.ports.map((p: Doc) => p.containerPort)).toContain(scrapePort);
      // Writable places are volumes: /data (index cache) and /tmp.
      expect(c.volumeMounts.map((m: Doc) => m.mountPath).sort()).toEqual(['/data', '/tmp']);
    }
    expect(deployment('helpline-web').spec.template.spec.containers[0].args).toEqual(['serve']);
    expect(deployment('helpline-worker').spec.template.spec.containers[0].args).toEqual(['worker']);
  });

  it('the worker listens for probes where HELPLINE_OPS_PORT says, the web where PORT says', () => {
    const config = ofKind('ConfigMap').find((c) => c.metadata.name === 'helpline-config');
    const port = (name: string, portName: string) =>
      deployment(name).spec.template.spec.containers[0].ports.find((p: Doc) => p.name === portName)
        .containerPort;
    expect(port('helpline-worker', 'ops')).toBe(Number(config.data.HELPLINE_OPS_PORT));
    expect(port('helpline-web', 'http')).toBe(Number(config.data.PORT));
  });

  it('the Service and both PodDisruptionBudgets select pods of a Deployment', () => {
    const selects = (selector: Record<string, string>) =>
      ofKind('Deployment').filter((d) =>
        Object.entries(selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
      );
    const [svc] = ofKind('Service');
    expect(selects(svc.spec.selector).map((d) => d.metadata.name)).toEqual(['helpline-web']);
    expect(svc.spec.ports[0].targetPort).toBe('http');
    const pdbs = ofKind('PodDisruptionBudget');
    expect(pdbs.map((p) => selects(p.spec.selector.matchLabels).map((d) => d.metadata.name))).toEqual([
      ['helpline-web'],
      ['helpline-worker'],
    ]);
  });

  it('the autoscaler scales workers on the queue depth Helpline exports, through prometheus-adapter', async () => {
    const [hpa] = ofKind('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'helpline-worker',
    });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    const [metric] = hpa.spec.metrics;
    const adapter = parse(read('deploy/k8s/prometheus-adapter-values.yaml'));
    const rule = adapter.rules.external.find((r: Doc) => r.name.as === metric.external.metric.name);
    expect(rule, `an adapter rule serving ${metric.external.metric.name}`).toBeDefined();
    const names = await metricNames();
    for (const m of usedMetrics(`${rule.seriesQuery} ${rule.metricsQuery}`)) expect(names).toContain(m);
    expect(rule.metricsQuery).toContain('state="waiting"');
  });

  it('ConfigMap and Secret keys are environment variables Helpline reads', () => {
    for (const doc of [...ofKind('ConfigMap'), ...ofKind('Secret')]) {
      for (const key of Object.keys(doc.data ?? doc.stringData)) expect(HELPLINE_ENV, key).toContain(key);
    }
  });
});

describe('deploy/compose.yaml', () => {
  const compose = parse(read('deploy/compose.yaml'), { merge: true });

  it('passes the Compose Specification schema', () => {
    const schema = JSON.parse(read('node_modules/dclint/schemas/compose.schema.json'));
    delete schema.$schema;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(validate({ ...compose, services: { web: { ...compose.services.web, replicas: 2 } } })).toBe(false);
  });

  it('runs web ×2, worker ×2, PostgreSQL, Redis with AOF, and Qdrant', () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual(['postgres', 'prometheus', 'qdrant', 'redis', 'web', 'worker']);
    // Prometheus only with --profile monitoring, reading the rules CI checks with promtool.
    expect(s.prometheus.profiles).toEqual(['monitoring']);
    expect(s.prometheus.volumes).toContain('./monitoring:/etc/prometheus:ro');
    expect(s.web.deploy.replicas).toBe(2);
    expect(s.worker.deploy.replicas).toBe(2);
    expect(s.web.command).toEqual(['serve']);
    expect(s.worker.command).toEqual(['worker']);
    expect(s.redis.command.join(' ')).toMatch(/--appendonly yes/);
    expect(s.redis.command.join(' ')).toMatch(/--maxmemory-policy noeviction/);
    expect(s.qdrant.image).toMatch(/^qdrant\/qdrant:v\d/);
    for (const app of [s.web, s.worker]) {
      expect(app.environment).toMatchObject({
        REDIS_URL: 'redis://redis:6379',
        QDRANT_URL: 'http://qdrant:6333',
      });
      expect(app.environment.DATABASE_URL).toMatch(/^postgres:\/\/helpline:.*@postgres:5432\/helpline$/);
      for (const dep of ['postgres', 'redis', 'qdrant'])
        expect(app.depends_on[dep].condition).toBe('service_healthy');
      for (const key of Object.keys(app.environment)) expect(HELPLINE_ENV, key).toContain(key);
    }
    expect(s.worker.environment.HELPLINE_OPS_PORT).toBe('3001');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const lines = dockerfile.split('\n').filter((l) => !l.startsWith('#'));

  it('is multi-stage, runs as a non-root user, and checks /healthz', () => {
    expect(lines.filter((l) => /^FROM /.test(l)).length).toBeGreaterThanOrEqual(2);
    expect(lines.filter((l) => /^USER /.test(l)).at(-1)).toBe('USER node');
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/healthz/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('copies every folder the running code reads from', () => {
    for (const dir of ['bin', 'src', 'adapters', 'prompts', 'kb'])
      expect(lines).toContain(`COPY ${dir} ./${dir}`);
    const ignored = read('.dockerignore').split('\n');
    for (const dir of ['bin', 'src', 'adapters', 'prompts', 'kb']) expect(ignored).not.toContain(dir);
  });
});

describe('monitoring (deploy/monitoring)', () => {
  it('alerts and the dashboard use only metrics Helpline exports', async () => {
    const names = await metricNames();
    const alerts = read('deploy/monitoring/alerts.yml');
    const dashboard = JSON.parse(read('deploy/monitoring/grafana-dashboard.json'));
    const exprs = dashboard.panels.flatMap((p: Doc) => (p.targets ?? []).map((t: Doc) => t.expr)).join('\n');
    for (const m of [...usedMetrics(alerts), ...usedMetrics(exprs)]) expect(names, m).toContain(m);
  });

  it('watch readiness, queue depth and age, SLA warnings and breaches, dead letters, delivery failures, webhook 401s', () => {
    const rules = parse(read('deploy/monitoring/alerts.yml')).groups.flatMap((g: Doc) => g.rules);
    const expr = (alert: string) => rules.find((r: Doc) => r.alert === alert)?.expr ?? '';
    expect(expr('HelplineNotReady')).toContain('helpline_ready');
    expect(expr('HelplineQueueBacklog')).toContain('helpline_queue_depth');
    expect(expr('HelplineJobsSlow')).toContain('helpline_job_seconds_bucket');
    expect(expr('HelplineSlaWarning')).toContain('kind="warning"');
    expect(expr('HelplineSlaBreach')).toContain('kind="breach"');
    expect(expr('HelplineDeadLetters')).toContain('helpline_dead_letters_total');
    expect(expr('HelplineDeliveryFailures')).toContain('helpline_delivery_failures_total');
    expect(expr('HelplineWebhookRejected')).toContain('helpline_webhook_rejected_total');
    for (const r of rules) expect(['page', 'warning'], r.alert).toContain(r.labels.severity);

    const dashboard = JSON.parse(read('deploy/monitoring/grafana-dashboard.json'));
    const titles = dashboard.panels.map((p: Doc) => p.title);
    for (const t of [
      'Readiness checks',
      'Queue depth',
      'Job age at completion (p95)',
      'SLA warnings',
      'SLA breaches',
      'Dead letters',
      'Delivery failures',
      'Webhooks rejected (401/400)',
    ])
      expect(titles).toContain(t);
    const ids = dashboard.panels.map((p: Doc) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
