import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { HttpError, sendError } from './errors.ts';

export type Handler = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => void | Promise<void>;

/**
 * Exact-path routing: the API has a handful of fixed paths, so a Map lookup is
 * all it needs. An unknown path is a 404; a known path with another method, a 405.
 * HEAD without a handler of its own is served by the path's GET handler
 * (node:http sends the headers, not the body), as HTTP asks of every server that answers GET.
 */
export class Router {
  private readonly routes = new Map<string, Map<string, Handler>>();

  /** `maxBodyBytes`: the largest body any route reads; a larger one is refused before it is sent. */
  constructor(private readonly maxBodyBytes = Infinity) {}

  on(method: string, path: string, handler: Handler): this {
    let methods = this.routes.get(path);
    if (!methods) this.routes.set(path, (methods = new Map()));
    methods.set(method, handler);
    return this;
  }

  /**
   * The 'checkContinue' listener for node:http. Without one, node answers
   * "100 Continue" to every `Expect: 100-continue` and the client sends a body
   * that is then refused: a body over the limit gets its 413 first.
   */
  readonly checkContinue = (req: IncomingMessage, res: ServerResponse): void => {
    const declared = Number(req.headers['content-length']);
    if (declared > this.maxBodyBytes) {
      return sendError(res, new HttpError(413, `body must be at most ${this.maxBodyBytes} bytes, got ${declared}`, { Connection: 'close' }));
    }
    res.writeContinue();
    this.handle(req, res);
  };

  /** Serves requests on `server`, the `Expect: 100-continue` ones included. */
  attach(server: Server): void {
    server.on('request', this.handle);
    server.on('checkContinue', this.checkContinue);
  }

  /** The request listener for node:http. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    const path = mark === -1 ? url : url.slice(0, mark);
    const methods = this.routes.get(path);
    if (!methods) return sendError(res, new HttpError(404, `no route for ${path}`));
    const handler = methods.get(req.method ?? '') ?? (req.method === 'HEAD' ? methods.get('GET') : undefined);
    if (!handler) {
      const allow = [...new Set([...methods.keys()].flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])))].join(', ');
      return sendError(res, new HttpError(405, `${req.method} not allowed on ${path}; use ${allow}`, { Allow: allow }));
    }
    const query = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1));
    try {
      const done = handler(req, res, query);
      if (done) done.catch((err: unknown) => sendError(res, err));
    } catch (err) {
      sendError(res, err);
    }
  };
}
