/**
 * No Docker engine runs where this project is built, so the production stack is checked here: docker-compose.yml
 * against the official Compose Specification schema (before and after variable interpolation), every variable it
 * and the engine read documented in the README, the search attributes registered, and the Dockerfile's inputs.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import draft07MetaSchema from 'ajv/dist/refs/json-schema-draft-07.json';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readBridgePortals } from '../../src/bridge/config';
import { PortalRegistry } from '../../src/bridge/portal-registry';
import { loadEngineEnv } from '../../src/config/env';
import { readIntakeSettings } from '../../src/intake/settings';
import { readObservabilitySettings } from '../../src/observability/settings';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
import { readWorkerTuning } from '../../src/worker/tuning';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  volumes?: string[];
  restart?: string;
  stop_grace_period?: string;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;

/** Compose's interpolation: $$ escapes, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}, ${NAME:+alt}. */
const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}/g;

function interpolate(text: string, env: Record<string, string>): string {
  const pieces = text.split('$$');
  return pieces
    .map((piece) => {
      const replaced = piece.replace(VARIABLE, (_match, name: string, operator: string | undefined, argument: string | undefined) => {
        const value = env[name];
        const unsetOrEmpty = value === undefined || (operator?.startsWith(':') ?? false ? value === '' : false);
        switch (operator) {
          case ':-':
          case '-':
            return unsetOrEmpty ? (argument ?? '') : value!;
          case ':?':
          case '?':
            if (unsetOrEmpty) throw new Error(`required variable ${name} is missing: ${argument}`);
            return value!;
          case ':+':
          case '+':
            return unsetOrEmpty ? '' : (argument ?? '');
          default:
            return value ?? '';
        }
      });
      if (replaced.includes('$')) throw new Error(`malformed interpolation in "${piece}"`);
      return replaced;
    })
    .join('$');
}

function mapStrings(value: unknown, f: (text: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, f));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  return value;
}

function composeValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  // The spec names its meta-schema by the https URL; Ajv ships draft-07 under the http one.
  ajv.addMetaSchema({ ...draft07MetaSchema, $id: 'https://json-schema.org/draft-07/schema' });
  return ajv.compile(JSON.parse(read('test/fixtures/compose-spec/compose-spec.json')) as object);
}

/** Every variable the compose file interpolates, with whether it is required (${NAME:?…}). */
function interpolatedVariables(): Map<string, { required: boolean }> {
  const found = new Map<string, { required: boolean }>();
  mapStrings(compose, (text) => {
    for (const piece of text.split('$$')) {
      for (const [, name, operator] of piece.matchAll(VARIABLE)) found.set(name!, { required: operator === ':?' || operator === '?' });
    }
    return text;
  });
  return found;
}

const REQUIRED_FOR_TEST = {
  POSTGRES_PASSWORD: 'pg-secret',
  LOYALTY_PORTAL: 'example.bitrix24.ru',
  LOYALTY_ADMIN_TOKEN: 'admin-token-that-is-long-enough-1234',
  LOYALTY_PORTALS: '[{"key":"example.bitrix24.ru","memberId":"m1","applicationToken":"app-token-1"}]',
};

/** The files whose code reads the engine's environment variables. */
const ENGINE_CONFIGURATION = [
  'src/config/env.ts',
  'src/bridge/config.ts',
  'src/temporal/envconfig.ts',
  'src/observability/settings.ts',
  'src/observability/healthcheck.ts',
  'src/worker/tuning.ts',
  'src/worker/portal-plan.ts',
  'src/intake/settings.ts',
];

/**
 * Variable names the engine's configuration code reads: schema keys and string literals such as TEMPORAL_…,
 * outside comments; a name followed by `*` is wording about a family of variables, not a read.
 */
function variablesReadBy(file: string): string[] {
  const code = read(file).replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  return [...new Set([...code.matchAll(/\b((?:TEMPORAL|BITRIX24|LOYALTY)_[A-Z0-9_]*)\b(?!\*)/g)].map(([, name]) => name!))];
}

/** A name the engine reads; `TEMPORAL_GRPC_META_` stands for every variable with that prefix. */
function readByEngine(name: string): boolean {
  const read = ENGINE_CONFIGURATION.flatMap(variablesReadBy);
  return read.includes(name) || read.some((prefix) => prefix.endsWith('_') && name.startsWith(prefix));
}

describe('docker-compose.yml against the Compose Specification', () => {
  const validate = composeValidator();

  it('is valid as written', () => {
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('is valid after interpolation with only the required variables set', () => {
    const resolved = mapStrings(compose, (text) => interpolate(text, REQUIRED_FOR_TEST));
    expect(validate(resolved), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuses to start without each required secret, naming it', () => {
    const required = [...interpolatedVariables()].filter(([, v]) => v.required).map(([name]) => name);
    expect(required.sort()).toEqual(Object.keys(REQUIRED_FOR_TEST).sort());
    for (const name of required) {
      const { [name]: _omitted, ...others } = REQUIRED_FOR_TEST as Record<string, string>;
      expect(() => mapStrings(compose, (text) => interpolate(text, others))).toThrow(`required variable ${name} is missing`);
    }
  });

  it('catches the file broken in small ways: the validator is not a rubber stamp', () => {
    const broken = (change: (copy: ComposeFile & Record<string, unknown>) => void) => {
      const copy = structuredClone(compose) as ComposeFile & Record<string, unknown>;
      change(copy);
      return validate(copy);
    };
    expect(broken((c) => Object.assign(c.services.worker!, { stop_grace_periode: '45s' }))).toBe(false);
    expect(broken((c) => (c.services.worker!.depends_on!['temporal-setup']!.condition = 'service_done'))).toBe(false);
    expect(broken((c) => (c.services.bridge!.environment = { LOYALTY_PORTALS: { key: 'nested' } } as never))).toBe(false);
    expect(broken((c) => (c.volumez = {}))).toBe(false);
  });
});

describe('the stack', () => {
  const services = compose.services;
  const ours = Object.entries(services).filter(([, service]) => service.build !== undefined);

  it('runs PostgreSQL, Temporal, its UI, the search-attribute job, and the worker and bridge built from this project', () => {
    expect(Object.keys(services).sort()).toEqual(['bridge', 'postgresql', 'temporal', 'temporal-setup', 'temporal-ui', 'worker']);
    expect(ours.map(([name]) => name).sort()).toEqual(['bridge', 'worker']);
    expect(services.worker?.command).toEqual(['worker']);
    expect(services.bridge?.command).toEqual(['bridge', '--host', '0.0.0.0']);
  });

  it('health-checks every long-running service, and keeps data in named volumes', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.restart === 'no') continue;
      expect(service.healthcheck?.test, `${name} has no health check`).toBeDefined();
    }
    const declared = Object.keys(compose.volumes ?? {});
    const mounted = Object.values(services).flatMap((s) => s.volumes ?? []).map((v) => v.split(':')[0]!).filter((source) => !/^[.$/]/.test(source));
    expect(mounted.length).toBeGreaterThan(0);
    expect(declared.sort()).toEqual([...new Set(mounted)].sort());
  });

  it('registers every search attribute the engine writes, with its type, before the worker and bridge start', () => {
    const setup = services['temporal-setup']!;
    const cliType: Record<string, string> = { KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' };
    const registered = String(setup.environment?.LOYALTY_SEARCH_ATTRIBUTES).split(/\s+/).sort();
    expect(registered).toEqual(ALL_SEARCH_ATTRIBUTES.map((key) => `${key.name}=${cliType[key.type]}`).sort());
    const script = [setup.command].flat().join('\n');
    expect(script).toContain('for attribute in $$LOYALTY_SEARCH_ATTRIBUTES');
    expect(script).toContain('temporal operator search-attribute create --namespace "$$TEMPORAL_NAMESPACE"');
    for (const [name, service] of ours) {
      expect(service.depends_on?.['temporal-setup'], name).toEqual({ condition: 'service_completed_successfully' });
    }
    expect(services.temporal?.environment?.DEFAULT_NAMESPACE).toBe(setup.environment?.TEMPORAL_NAMESPACE);
  });

  it('gives the worker longer to stop than its activities get to finish', () => {
    const grace = interpolate(String(services.worker?.environment?.LOYALTY_WORKER_SHUTDOWN_GRACE_SECONDS), {});
    expect(Number.parseInt(services.worker?.stop_grace_period ?? '0', 10)).toBeGreaterThan(Number(grace));
  });
});

/** The variables the README's compose example exports: `NAME=value` or `NAME='value'`, over continued lines. */
function readmeComposeExample(): Record<string, string> {
  const command = /^export (?:.*\\\n)*.*$/m.exec(read('README.md'))?.[0] ?? '';
  return Object.fromEntries([...command.matchAll(/\b([A-Z][A-Z0-9_]*)=(?:'([^']*)'|(\S*))/g)].map(([, name, quoted, bare]) => [name!, quoted ?? bare ?? '']));
}

describe('the worker and bridge containers', () => {
  const ours = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);
  /** A container's environment as compose passes it when only the required variables are set. */
  const environmentOf = (service: Service): Record<string, string> =>
    Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(String(value ?? ''), REQUIRED_FOR_TEST)]));

  it('are given only variables the engine reads', () => {
    expect(ours.map(([name]) => name).sort()).toEqual(['bridge', 'worker']);
    for (const [name, service] of ours) expect(Object.keys(service.environment ?? {}).filter((variable) => !readByEngine(variable)), name).toEqual([]);
  });

  it('both mount the rules file read-only where the image tells the engine to read it', () => {
    const imageRulesFile = /LOYALTY_RULES_FILE=(\S+)/.exec(read('Dockerfile'))?.[1];
    expect(imageRulesFile).toBe('/app/loyalty.config.yaml');
    for (const [name, service] of ours) {
      const mounts = (service.volumes ?? []).map((volume) => interpolate(volume, {}).split(':'));
      expect(mounts, name).toContainEqual(['./loyalty.config.yaml', imageRulesFile, 'ro']);
    }
  });

  it('run with the portal key compose requires, the key of the portal the bridge accepts', () => {
    const worker = loadEngineEnv(environmentOf(compose.services.worker!));
    const bridge = environmentOf(compose.services.bridge!);
    expect(worker.portal).toBe(REQUIRED_FOR_TEST.LOYALTY_PORTAL);
    expect(loadEngineEnv(bridge).portal).toBe(worker.portal);
    expect(readBridgePortals(bridge).map((portal) => portal.key)).toEqual([worker.portal]);
  });

  it('leave the engine defaults alone where the file only spells them out', () => {
    const worker = environmentOf(compose.services.worker!);
    expect(readWorkerTuning(worker)).toEqual(readWorkerTuning({}));
    const { portal: _composed, ...intake } = readIntakeSettings(worker);
    const { portal: _default, ...defaultIntake } = readIntakeSettings({});
    expect(intake).toEqual(defaultIntake);
    expect(readObservabilitySettings(worker).logLevel).toBe(readObservabilitySettings({}).logLevel);
    expect(loadEngineEnv(worker).taskQueue).toBe(loadEngineEnv({}).taskQueue);
  });

  it('in application mode share one token file on a named volume the image prepares for its non-root user', () => {
    const oauth = { BITRIX24_CLIENT_ID: 'local.app', BITRIX24_CLIENT_SECRET: 'app-secret', BITRIX24_MEMBER_ID: 'm1', BITRIX24_TOKEN_FILE: '/var/lib/loyalty/bitrix24-tokens.json' };
    const accessOf = (service: Service) => {
      const environment = Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(String(value ?? ''), { ...REQUIRED_FOR_TEST, ...oauth })]));
      return loadEngineEnv(environment, { portalAccess: true }).bitrix24.access;
    };
    for (const [name, service] of ours) {
      expect(accessOf(service), name).toMatchObject({ mode: 'oauth', memberId: 'm1', tokenFile: oauth.BITRIX24_TOKEN_FILE });
      expect((service.volumes ?? []).map((volume) => interpolate(volume, {})), name).toContain(`loyalty-tokens:${path.dirname(oauth.BITRIX24_TOKEN_FILE)}`);
    }
    expect(compose.volumes).toHaveProperty('loyalty-tokens');
    expect(read('Dockerfile')).toMatch(/^RUN mkdir -p \/var\/lib\/loyalty && chown node:node \/var\/lib\/loyalty.*\nUSER node$/m);
  });

  it('start as the README example shows: every required variable set, one portal key for the worker and the bridge', () => {
    const example = readmeComposeExample();
    const required = [...interpolatedVariables()].filter(([, variable]) => variable.required).map(([name]) => name);
    expect(required.filter((name) => !example[name])).toEqual([]);
    expect(example.LOYALTY_PORTAL).toBe('example.bitrix24.ru');
    expect(loadEngineEnv({ LOYALTY_PORTAL: example.LOYALTY_PORTAL }).portal).toBe(example.LOYALTY_PORTAL);
    const portals = readBridgePortals({ LOYALTY_PORTALS: example.LOYALTY_PORTALS });
    expect(portals.map((portal) => portal.key)).toEqual([example.LOYALTY_PORTAL]);
    // What the bridge builds from them when it starts.
    expect(new PortalRegistry(portals).size).toBe(1);
  });
});

describe('every variable is documented in the README', () => {
  /** Names in the first column of every README table headed `| variable |`; `NAME*` stands for a prefix. */
  function documentedVariables(): Set<string> {
    const names = new Set<string>();
    let inTable = false;
    for (const line of read('README.md').split('\n')) {
      if (/^\|\s*variable\s*\|/i.test(line)) inTable = true;
      else if (!line.startsWith('|')) inTable = false;
      else if (inTable) for (const [, name] of (line.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*\*?)`/g)) names.add(name!);
    }
    return names;
  }

  const documented = documentedVariables();
  const isDocumented = (name: string) => documented.has(name) || (name.endsWith('_') && documented.has(`${name}*`));

  it('finds a table to check against', () => {
    expect(documented.size).toBeGreaterThan(10);
  });

  it.each(ENGINE_CONFIGURATION)('variables read by %s', (file) => {
    const names = variablesReadBy(file);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !isDocumented(name))).toEqual([]);
  });

  it('variables the compose file interpolates', () => {
    expect([...interpolatedVariables().keys()].filter((name) => !isDocumented(name))).toEqual([]);
  });

  it('variables the worker and bridge containers are given', () => {
    const given = Object.values(compose.services)
      .filter((service) => service.build !== undefined)
      .flatMap((service) => Object.keys(service.environment ?? {}));
    expect([...new Set(given)].filter((name) => !isDocumented(name))).toEqual([]);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const ignored = read('.dockerignore').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? '';

  it('builds every input it copies from the context, none of them excluded by .dockerignore', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap(([, args]) => args!.split(/\s+/).filter((a) => !a.startsWith('--')));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(path.join(root, source)), `${source} does not exist`).toBe(true);
      expect(ignored.filter((pattern) => source === pattern || source.startsWith(`${pattern}/`)), source).toEqual([]);
    }
  });

  it('runs compiled JavaScript from the build on a glibc base, as a non-root user, with a health check', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect([...dockerfile.matchAll(/^FROM (\S+)/gm)].map(([, image]) => image)).toEqual(['${NODE_IMAGE}', '${NODE_IMAGE}', '${NODE_IMAGE}']);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/npm ci --omit=dev|COPY --from=prod-deps/);
    const entry = /ENTRYPOINT \["node", "\/app\/(dist\/[^"]+)\.js"\]/.exec(runtime)?.[1];
    const health = /CMD \["node", "\/app\/(dist\/[^"]+)\.js"\]/.exec(runtime)?.[1];
    // tsconfig.build.json compiles <root>/X.ts to dist/X.js.
    for (const compiled of [entry, health]) expect(compiled && existsSync(path.join(root, `${compiled.replace(/^dist\//, '')}.ts`)), compiled).toBe(true);
    expect(JSON.parse(read('package.json')).scripts.build).toContain('tsconfig.build.json');
    expect(runtime).toContain('LOYALTY_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js');
    expect(JSON.parse(read('package.json')).scripts.build).toContain('dist/workflow-bundle.js');
  });
});
