import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCompose, readDotEnv, services, substitute } from '../standin/local/compose.ts';
import { contestViolations } from './rules.ts';
import { parseYaml } from '../standin/local/yaml.ts';

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

  test('a service without limits is named, with the rule', () => {
    const broken = structuredClone(compose);
    delete ((broken.services as Record<string, Record<string, unknown>>).redis as Record<string, unknown>).deploy;
    assert.ok(contestViolations(broken).some((p) => p.startsWith('limits: service redis has no deploy.resources.limits.cpus')));
  });

  test('host networking, privileged mode and replicas are each named', () => {
    const broken = parseYaml(
      readFileSync('deploy/docker-compose.yml', 'utf8')
        .replace('  worker:\n', '  worker:\n    network_mode: host\n    privileged: "true"\n')
        .replace(/(\n  worker:\n[\s\S]*?\n)(      resources:\n)/, '$1      replicas: "2"\n$2'),
    ) as Record<string, never>;
    const problems = contestViolations(broken).join('\n');
    assert.match(problems, /network mode: service worker sets network_mode/);
    assert.match(problems, /privileged: service worker runs privileged/);
    assert.match(problems, /replicas: service worker sets deploy.replicas/);
  });

  test('a key given twice is an error, not silently overwritten', () => {
    assert.throws(() => parseYaml('a:\n  b: 1\na:\n  c: 2\n'), /line 3: key "a" given twice/);
  });

  test('limits above the budget are named with their sum', () => {
    // The worker's quota half a CPU higher: the total becomes 2.00.
    const text = readFileSync('deploy/docker-compose.yml', 'utf8').replace(/(\n  worker:\n[\s\S]*?cpus: )"([\d.]+)"/, (_, head: string, cpus: string) => `${head}"${(Number(cpus) + 0.5).toFixed(2)}"`);
    const broken = parseYaml(text) as Record<string, never>;
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

describe('compose schema', () => {
  // compose-go is what `docker compose` uses to load a file: the schema is checked without a Docker engine.
  // Built once, then run from the repository root, so relative paths in flags resolve as they do for make.
  const bin = join(mkdtempSync(join(tmpdir(), 'composecheck-')), 'composecheck');
  const check = (args: string[]) => execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  before(() => {
    execFileSync('go', ['-C', 'deploy/composecheck', 'build', '-o', bin, '.'], { stdio: 'inherit', timeout: 300_000 });
  });

  test('deploy/docker-compose.yml loads with the flags make up passes, and its relative paths resolve against deploy/', () => {
    const flags = execFileSync('make', ['-s', 'compose-flags'], { encoding: 'utf8' }).trim().split(/\s+/);
    assert.ok(flags.includes('deploy/docker-compose.yml'), `make compose-flags: ${flags.join(' ')}`);
    const out = check(flags);
    assert.match(out, /rinha-payments: 5 services, valid/);
    const root = process.cwd();
    assert.match(out, new RegExp(`^build api1 ${root}$`, 'm'), out);
    assert.match(out, new RegExp(`^bind nginx ${root}/deploy/nginx.conf$`, 'm'), out);
    assert.match(out, new RegExp(`^bind redis ${root}/deploy/redis.conf$`, 'm'), out);
  });

  for (const files of [['bench/standin/docker/processors.yml'], ['bench/standin/docker/processors.yml', 'bench/standin/docker/processors.standin.yml']]) {
    test(`${files.join(' + ')} loads with compose-go, the loader of docker compose`, () => {
      const out = check(files.flatMap((f) => ['-f', f]));
      assert.match(out, new RegExp(`payment-processors: ${files.length === 1 ? 4 : 2} services, valid`));
    });
  }

  test('a value of the wrong type is refused by the loader', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    writeFileSync(join(dir, 'docker-compose.yml'), readFileSync('deploy/docker-compose.yml', 'utf8').replace('cpu_shares: 256', 'cpu_shares: lots'));
    assert.throws(() => check(['-f', join(dir, 'docker-compose.yml')]), /cpu_shares/);
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
