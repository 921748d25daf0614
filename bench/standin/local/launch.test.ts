import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localPath } from './launch.ts';
import { JOURNAL, RUN, SOCKETS } from './state.ts';

test('container paths map under .run once, even when the checkout itself lives under /tmp', () => {
  assert.equal(localPath('unixsocket /sockets/redis.sock'), `unixsocket ${SOCKETS}/redis.sock`);
  assert.equal(localPath('unix:///sockets/redis.sock'), `unix://${SOCKETS}/redis.sock`);
  assert.equal(localPath('server unix:/sockets/api1.sock;'), `server unix:${SOCKETS}/api1.sock;`);
  assert.equal(localPath('/tmp/worker-ready'), `${RUN}/tmp/worker-ready`);
  assert.equal(localPath('/journal'), JOURNAL);
  assert.equal(localPath('/journalist /tmpfs'), '/journalist /tmpfs', 'only whole directory names');
  assert.equal(localPath('http://host/tmp/x /data/tmp/y'), 'http://host/tmp/x /data/tmp/y');
});
