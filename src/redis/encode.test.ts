import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import RedisParser from 'redis-parser';
import { encodeCommand, type RedisArg } from './encode.ts';

/** Reads RESP back with the parser the connection uses: a command is an array of bulk strings, like a reply. */
function decode(bytes: Buffer): Buffer[] {
  const replies: Buffer[][] = [];
  const parser = new RedisParser({
    returnReply: (reply: Buffer[]) => replies.push(reply),
    returnError: (err) => assert.fail(`not RESP: ${err.message}`),
    returnBuffers: true,
  });
  parser.execute(bytes);
  assert.equal(replies.length, 1, 'one command encodes as exactly one RESP value');
  return replies[0]!;
}

describe('encodeCommand', () => {
  test('a command of strings is an array of bulk strings', () => {
    assert.equal(encodeCommand(['GET', 'key']).toString(), '*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n');
  });

  test('lengths count bytes, not characters', () => {
    assert.equal(encodeCommand(['SET', 'k', 'é€']).toString(), '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\né€\r\n');
  });

  test('numbers go as their decimal text', () => {
    assert.equal(encodeCommand(['EXPIRE', 'k', 60, 1.5, -3]).toString(), '*5\r\n$6\r\nEXPIRE\r\n$1\r\nk\r\n$2\r\n60\r\n$3\r\n1.5\r\n$2\r\n-3\r\n');
  });

  test('an empty string is a bulk string of length zero', () => {
    assert.equal(encodeCommand(['SET', 'k', '']).toString(), '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n');
  });

  test('a Buffer goes byte for byte, CR LF and invalid UTF-8 included, between string arguments', () => {
    const binary = Buffer.from([0xff, 0x0d, 0x0a, 0x00, 0xc3]);
    const bytes = encodeCommand(['SET', binary, 'tail', binary]);
    const expected = Buffer.concat([Buffer.from('*4\r\n$3\r\nSET\r\n$5\r\n'), binary, Buffer.from('\r\n$4\r\ntail\r\n$5\r\n'), binary, Buffer.from('\r\n')]);
    assert.ok(bytes.equals(expected), `got ${JSON.stringify(bytes.toString('latin1'))}`);
  });

  test('whatever it encodes, a RESP parser reads back as the same arguments', () => {
    const pieces: RedisArg[] = ['', 'a', 'multi\r\nline', '€', 0, 42, -7, 0.25, Buffer.alloc(0), Buffer.from([0, 255, 13, 10]), 'x'.repeat(70_000)];
    for (let round = 0; round < 200; round++) {
      const args = Array.from({ length: 1 + (round % 7) }, (_, i) => pieces[(round * 7 + i * 3) % pieces.length]!);
      const back = decode(encodeCommand(args));
      const sent = args.map((a) => (Buffer.isBuffer(a) ? a : Buffer.from(String(a))));
      assert.equal(back.length, sent.length, `round ${round}: argument count`);
      back.forEach((b, i) => assert.ok(b.equals(sent[i]!), `round ${round}: argument ${i} differs`));
    }
  });
});
