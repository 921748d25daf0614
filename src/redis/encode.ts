/** RESP2 encoding of one command: an array of bulk strings. */
export type RedisArg = string | number | Buffer;

export function encodeCommand(args: readonly RedisArg[]): Buffer {
  // Fast path: all-string commands become one string, then one Buffer.
  let text = `*${args.length}\r\n`;
  let buffers: Buffer[] | null = null;
  for (const arg of args) {
    if (Buffer.isBuffer(arg)) {
      buffers ??= [];
      buffers.push(Buffer.from(`${text}$${arg.length}\r\n`), arg);
      text = '\r\n';
      continue;
    }
    const value = typeof arg === 'number' ? String(arg) : arg;
    text += `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
  }
  if (buffers === null) return Buffer.from(text);
  buffers.push(Buffer.from(text));
  return Buffer.concat(buffers);
}
