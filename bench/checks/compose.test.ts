import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCompose, readCompose, readDotEnv, services, substitute, workerIds } from '../standin/local/compose.ts';
import { contestViolations } from './rules.ts';

const compose = readCompose('deploy/docker-compose.yml');

describe('deploy/docker-compose.yml', () => {
  test('follows every contest rule', () => {
    assert.deepEqual(contestViolations(compose), []);
  });

  test('limits add up to at most 1.5 CPU and 350 MB', () => {
    const specs = services(compose);
    const cpus = specs.reduce((sum, s) => sum + (s.cpus ?? 0), 0);
    const memory = specs.reduce((sum, s) => sum + (s.memoryBytes ?? 0), 0);
    assert.ok(cpus <= 1.5 + 1e-9, `CPU sum ${cpus}`);
    assert.ok(memory <= 350 * 2 ** 20, `memory sum ${memory / 2 ** 20}MB`);
  });

  test('no service has a Docker health check (each one costs the container ~33 ms of its CPU quota)', () => {
    const specs = compose.services as Record<string, Record<string, unknown>>;
    const checked = Object.entries(specs).filter(([, spec]) => 'healthcheck' in spec).map(([name]) => name);
    assert.deepEqual(checked, [], 'make up waits for readiness itself: bench/standin/docker/wait-ready.sh');
    const waits = Object.values(specs).flatMap((spec) => Object.values((spec.depends_on ?? {}) as Record<string, { condition?: string }>).map((d) => d.condition));
    assert.ok(!waits.includes('service_healthy'), 'depends_on cannot wait for a health check that does not exist');
  });

  test('a service without limits is named, with the rule', () => {
    const broken = structuredClone(compose);
    delete ((broken.services as Record<string, Record<string, unknown>>).redis as Record<string, unknown>).deploy;
    assert.ok(contestViolations(broken).some((p) => p.startsWith('limits: service redis has no deploy.resources.limits.cpus')));
  });

  test('host networking, privileged mode and replicas are each named', () => {
    const broken = parseCompose(
      readFileSync('deploy/docker-compose.yml', 'utf8')
        .replace('  worker:\n', '  worker:\n    network_mode: host\n    privileged: "true"\n')
        .replace(/(\n  worker:\n[\s\S]*?\n)(      resources:\n)/, '$1      replicas: "2"\n$2'),
    );
    const problems = contestViolations(broken).join('\n');
    assert.match(problems, /network mode: service worker sets network_mode/);
    assert.match(problems, /privileged: service worker runs privileged/);
    assert.match(problems, /replicas: service worker sets deploy.replicas/);
  });

  test('a key given twice is an error, not silently overwritten', () => {
    assert.throws(() => parseCompose('a:\n  b: 1\na:\n  c: 2\n'), /keys must be unique at line 3/);
  });

  test('anchors, aliases and merge keys are read as compose reads them: shallow, the service\'s own keys win', () => {
    const doc = parseCompose('x-base: &base\n  image: app\n  environment: &env\n    A: "1"\n    B: "2"\nservices:\n  one:\n    <<: *base\n    environment:\n      <<: *env\n      B: "3"\n');
    assert.deepEqual(doc.services, { one: { image: 'app', environment: { A: '1', B: '3' } } });
  });

  test('a tag this reader would not apply (compose\'s !reset) is an error, not silently misread', () => {
    assert.throws(() => parseCompose('services:\n  one:\n    depends_on: !reset []\n'), /tag/i);
  });

  test('api2 runs what api1 runs: the same command, limits and environment but for INSTANCE and SOCKET_PATH', () => {
    const [api1, api2] = ['api1', 'api2'].map((name) => services(compose).find((s) => s.name === name)!);
    assert.ok(api1 && api2, 'both API services exist');
    const { INSTANCE: instance1, SOCKET_PATH: socket1, ...shared1 } = api1.environment;
    const { INSTANCE: instance2, SOCKET_PATH: socket2, ...shared2 } = api2.environment;
    assert.deepEqual([instance1, socket1, instance2, socket2], ['api1', '/sockets/api1.sock', 'api2', '/sockets/api2.sock']);
    assert.ok(Object.keys(shared1).length >= 9, `api1's shared environment: ${Object.keys(shared1).join(', ')}`);
    assert.deepEqual(shared2, shared1, "api2's environment is api1's");
    assert.deepEqual(api2.command, api1.command);
    assert.deepEqual([api2.cpus, api2.memoryBytes, api2.cpuShares, api2.cpuset], [api1.cpus, api1.memoryBytes, api1.cpuShares, api1.cpuset]);
    assert.match(api1.command.join(' '), /dist\/api\/main\.js/);
  });

  test('the APIs and the worker share the journal: one volume at /journal, JOURNAL_DIR pointing there unless set', () => {
    const raw = compose as { services: Record<string, { volumes?: string[] }>; volumes: Record<string, unknown> };
    assert.ok('journal' in raw.volumes, 'a named volume, on disk like the Redis data');
    for (const spec of services(compose).filter((s) => ['api1', 'api2', 'worker'].includes(s.name))) {
      assert.ok(raw.services[spec.name]!.volumes!.includes('journal:/journal'), `${spec.name} mounts the journal`);
      assert.equal(substitute(spec.environment.JOURNAL_DIR ?? '', {}), '/journal', `${spec.name}'s JOURNAL_DIR`);
      assert.equal(substitute(spec.environment.JOURNAL_DIR ?? '', { JOURNAL_DIR: '' }), '', 'set empty, the journal is off');
    }
  });

  test("the worker's id is read from the compose file as the worker reads it: WORKER_ID, else INSTANCE, else worker", () => {
    assert.deepEqual(workerIds(compose, {}), ['worker']);
    const doc = parseCompose(
      'services:\n  a:\n    command: ["node", "dist/worker/main.js"]\n    environment:\n      INSTANCE: a\n      WORKER_ID: ${WORKER_ID:-w7}\n' +
        '  b:\n    command: ["node", "dist/worker/main.js"]\n    environment:\n      INSTANCE: b\n' +
        '  c:\n    command: ["node", "dist/worker/main.js"]\n' +
        '  api:\n    command: ["node", "dist/api/main.js"]\n    environment:\n      INSTANCE: api\n',
    );
    assert.deepEqual(workerIds(doc, {}), ['w7', 'b', 'worker']);
    assert.deepEqual(workerIds(doc, { WORKER_ID: 'w9' }), ['w9', 'b', 'worker']);
  });

  test('limits above the budget are named with their sum', () => {
    // The worker's quota half a CPU higher: the total becomes 2.00.
    const text = readFileSync('deploy/docker-compose.yml', 'utf8').replace(/(\n  worker:\n[\s\S]*?cpus: )"([\d.]+)"/, (_, head: string, cpus: string) => `${head}"${(Number(cpus) + 0.5).toFixed(2)}"`);
    const broken = parseCompose(text);
    assert.ok(contestViolations(broken).some((p) => /^total CPU: limits sum to 2.00, above 1.5/.test(p)), contestViolations(broken).join('\n'));
  });

  test('a .env file is read as compose reads it: comments, export and quotes', () => {
    assert.deepEqual(readDotEnv('# tuning\nHTTP_TIMEOUT=1.5\nexport LOG_LEVEL="INFO"\n\nBAD LINE\n'), { HTTP_TIMEOUT: '1.5', LOG_LEVEL: 'INFO' });
  });

  test('environment defaults resolve like compose: .env value, else the default', () => {
    assert.equal(substitute('${HTTP_TIMEOUT:-2.5}', {}), '2.5');
    assert.equal(substitute('${HTTP_TIMEOUT:-2.5}', { HTTP_TIMEOUT: '1' }), '1');
    assert.equal(substitute('$$(date)', {}), '$(date)');
  });
});

// `docker compose config` loads a file exactly as `make up` will (compose-go, schema,
// interpolation, merge keys) without an engine. Skipped where compose v2 is missing,
// never in CI (.ci/run runs make docker-ready first).
const composeAnswers = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0;

describe('compose schema (docker compose config)', { skip: !composeAnswers && process.env.CI !== 'true' && 'docker compose is missing (make docker-ready installs it)' }, () => {
  // Run from the repository root, as make runs it, so relative paths in flags resolve as they do for make.
  // A clean environment: what the file says, not what this shell happens to export.
  const config = (args: string[]) =>
    JSON.parse(
      execFileSync('docker', ['compose', ...args, 'config', '--format', 'json'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
      }),
    );

  test('deploy/docker-compose.yml loads with the flags make up passes, and its relative paths resolve against deploy/', () => {
    const flags = execFileSync('make', ['-s', 'compose-flags'], { encoding: 'utf8' }).trim().split(/\s+/);
    assert.ok(flags.includes('deploy/docker-compose.yml'), `make compose-flags: ${flags.join(' ')}`);
    const project = config(flags);
    assert.equal(project.name, 'rinha-payments');
    assert.deepEqual(Object.keys(project.services).sort(), ['api1', 'api2', 'nginx', 'redis', 'worker']);
    const root = process.cwd();
    assert.equal(project.services.api1.build.context, root);
    const binds = (name: string) => project.services[name].volumes.filter((v: { type: string }) => v.type === 'bind').map((v: { source: string }) => v.source);
    assert.deepEqual(binds('nginx'), [`${root}/deploy/nginx.conf`]);
    assert.deepEqual(binds('redis'), [`${root}/deploy/redis.conf`]);
  });

  test('the local runner and the contest rules read every service as compose does: command, environment, limits, merge keys applied', () => {
    const project = config(['-f', 'deploy/docker-compose.yml']);
    for (const spec of services(compose)) {
      const loaded = project.services[spec.name];
      assert.ok(loaded, `compose loads service ${spec.name}`);
      const environment = Object.fromEntries(Object.entries(spec.environment).map(([k, v]) => [k, substitute(v, {})]));
      assert.deepEqual(environment, loaded.environment ?? {}, `${spec.name} environment`);
      if (loaded.command) assert.deepEqual(spec.command, loaded.command, `${spec.name} command`);
      else assert.deepEqual(spec.command, [], `${spec.name} has no command`);
      assert.equal(spec.cpus, loaded.deploy.resources.limits.cpus, `${spec.name} CPU limit`);
      assert.equal(spec.memoryBytes, Number(loaded.deploy.resources.limits.memory), `${spec.name} memory limit`);
      assert.equal(spec.cpuShares, loaded.cpu_shares ?? null, `${spec.name} CPU weight`);
      assert.equal(spec.cpuset, loaded.cpuset ?? null, `${spec.name} CPUs`);
    }
    assert.deepEqual(services(compose).map((s) => s.name).sort(), Object.keys(project.services).sort());
  });

  for (const files of [['bench/standin/docker/processors.yml'], ['bench/standin/docker/processors.yml', 'bench/standin/docker/processors.standin.yml']]) {
    test(`${files.join(' + ')} loads with docker compose`, () => {
      const project = config(files.flatMap((f) => ['-f', f]));
      assert.equal(project.name, 'payment-processors');
      assert.equal(Object.keys(project.services).length, files.length === 1 ? 4 : 2);
    });
  }

  test('a value of the wrong type is refused by the loader', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    writeFileSync(join(dir, 'docker-compose.yml'), readFileSync('deploy/docker-compose.yml', 'utf8').replace('cpu_shares: 256', 'cpu_shares: lots'));
    assert.throws(() => config(['-f', join(dir, 'docker-compose.yml')]), /cpu_shares/);
  });
});

describe('deploy/nginx.conf', () => {
  test('nginx -t accepts the config that make up generates from it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nginx-'));
    const conf = readFileSync('deploy/nginx.conf', 'utf8').replaceAll('/sockets/', `${dir}/`).replace(/^pid .*;$/m, `pid ${dir}/nginx.pid;`);
    writeFileSync(join(dir, 'nginx.conf'), conf);
    const nginx = ['/usr/sbin/nginx', 'nginx'].find((bin) => {
      try {
        execFileSync(bin, ['-v'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    });
    assert.ok(nginx, 'nginx is installed (make test installs it)');
    const out = execFileSync(nginx, ['-t', '-c', join(dir, 'nginx.conf')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(typeof out, 'string');
  });
});
