import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadApiConfig, loadWorkerConfig } from './config.ts';

const processors = { DEFAULT_PROCESSOR_URL: 'http://d:8080', FALLBACK_PROCESSOR_URL: 'http://f:8080' };

describe('configuration', () => {
  test('the documented defaults apply when nothing is set', () => {
    const c = loadWorkerConfig(processors);
    assert.equal(c.instance, 'unknown');
    assert.deepEqual(c.redis, { kind: 'tcp', host: 'redis', port: 6379, db: 0 });
    assert.equal(c.batchSize, 8);
    assert.equal(c.maxRetries, 3);
    assert.equal(c.backoffBaseMs, 500);
    assert.equal(c.pollTimeoutSeconds, 5);
    assert.equal(c.httpTimeoutMs, 2500);
    assert.equal(c.logLevel, 'WARNING');
    assert.equal(c.redisHealthCheckMs, 30_000);
    assert.equal(c.httpConnectionLimit, 100);
    assert.equal(c.httpConnectionLimitPerHost, 20);
    assert.equal(c.routingPolicy, 'default-only');
    const api = loadApiConfig({});
    assert.equal(api.workers, 1);
    assert.equal(api.batchSize, 10);
    assert.equal(api.redisCommandTimeoutMs, 1000, 'a frozen Redis costs a request at most ~1 s');
  });

  test('JOURNAL_DIR, unset by default, is read by the API and the worker alike; the API flushes every 20 ms, the worker polls every second', () => {
    assert.equal(loadApiConfig({}).journalDir, null);
    assert.equal(loadApiConfig({}).journalFlushMs, 20);
    assert.equal(loadWorkerConfig(processors).journalPollMs, 1000);
    assert.equal(loadApiConfig({ JOURNAL_DIR: '/journal', JOURNAL_FLUSH_INTERVAL: '0.05' }).journalFlushMs, 50);
    const worker = loadWorkerConfig({ ...processors, JOURNAL_DIR: '/journal', JOURNAL_POLL_INTERVAL: '0.02' });
    assert.equal(worker.journalDir, '/journal');
    assert.equal(worker.journalPollMs, 20);
    assert.throws(() => loadWorkerConfig({ ...processors, JOURNAL_POLL_INTERVAL: '0' }), /^Error: JOURNAL_POLL_INTERVAL: expected seconds from 0.001 to 60/);
    assert.equal(loadApiConfig({ JOURNAL_FLUSH_INTERVAL: '0' }).journalFlushMs, 0, 'off: the worker tail moves every line');
    assert.throws(() => loadApiConfig({ JOURNAL_FLUSH_INTERVAL: 'soon' }), /^Error: JOURNAL_FLUSH_INTERVAL: expected seconds from 0 to 10/);
  });

  test('the worker refuses to start without a processor URL, naming it', () => {
    assert.throws(() => loadWorkerConfig({ FALLBACK_PROCESSOR_URL: 'http://f:8080' }), /^Error: DEFAULT_PROCESSOR_URL: required/);
  });

  test('an invalid number names the variable, the range and the value', () => {
    assert.throws(() => loadWorkerConfig({ ...processors, MAX_RETRIES: 'many' }), /MAX_RETRIES: expected an integer from 1 to 1000, got "many"/);
    assert.throws(() => loadWorkerConfig({ ...processors, HTTP_TIMEOUT: '-1' }), /HTTP_TIMEOUT: expected seconds/);
  });

  test('an unknown routing policy lists the ones that exist', () => {
    assert.throws(() => loadWorkerConfig({ ...processors, ROUTING_POLICY: 'cheapest' }), /ROUTING_POLICY: expected one of default-only, fallback-when-down, got "cheapest"/);
  });

  test('a malformed REDIS_URL names the expected forms', () => {
    assert.throws(() => loadApiConfig({ REDIS_URL: 'redis:6379' }), /REDIS_URL: expected redis:\/\/host:port\/db or unix:\/\/\/path/);
  });

  test('REDIS_MAX_CONNECTIONS changes nothing: each process keeps a fixed number of connections', () => {
    assert.deepEqual(loadApiConfig({ REDIS_MAX_CONNECTIONS: '1' }), loadApiConfig({}), 'the API read it');
    assert.deepEqual(loadWorkerConfig({ ...processors, REDIS_MAX_CONNECTIONS: '500' }), loadWorkerConfig(processors), 'the worker read it');
  });

  test('PURGE_TOKEN is read by the API, and a blank one leaves purge open', () => {
    assert.equal(loadApiConfig({ PURGE_TOKEN: ' s3cret ' }).purgeToken, 's3cret');
    assert.equal(loadApiConfig({ PURGE_TOKEN: '' }).purgeToken, null, 'compose passes ${PURGE_TOKEN:-}, blank when unset');
    assert.equal(loadApiConfig({}).purgeToken, null);
  });

  test('the per-host limit never exceeds the total limit', () => {
    const c = loadWorkerConfig({ ...processors, HTTP_CONNECTION_LIMIT: '10', HTTP_CONNECTION_LIMIT_PER_HOST: '50' });
    assert.equal(c.httpConnectionLimitPerHost, 10);
  });
});
