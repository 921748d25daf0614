// A stand-in for the Rinha de Backend 2025 Payment Processor, behaving like the
// contest's reference so the backend can be load-tested without Docker.
import { createServer } from 'node:http';
import { handleAdmin } from "./admin.js";
import { isUuid, parsePayment, readBody } from "./body.js";
import { centsToNumber, parseDecimal } from "./decimal.js";
import { ConcurrencyLimiter, FixedWindowLimiter } from "./limits.js";
import { DUPLICATE, FAILING, INVALID, NOT_FOUND, PROCESSED, admit, send } from "./respond.js";
import { PaymentStore } from "./store.js";
import { formatIsoMicros } from "./time.js";
export async function startProcessor(options) {
    const host = options.host ?? '127.0.0.1';
    const feeDecimal = parseDecimal(String(options.fee));
    if (feeDecimal === undefined || !(options.fee >= 0))
        throw new RangeError(`fee must be a number >= 0, got ${options.fee}`);
    const store = new PaymentStore();
    const limiter = new ConcurrencyLimiter(options.maxConcurrent ?? 800, options.maxQueued ?? 500);
    const healthLimiter = new FixedWindowLimiter((options.rateLimitSeconds ?? 5) * 1000, 2);
    const paymentGate = { take: (w) => limiter.acquire(w), withdraw: (w) => limiter.withdraw(w) };
    const healthGate = { take: (w) => healthLimiter.take(w), withdraw: (w) => healthLimiter.withdraw(w) };
    const sleepers = new Set();
    let healthBody;
    const settings = {
        token: options.token ?? '123',
        delay: 0,
        failure: false,
        fee: options.fee,
        feeDecimal,
        changed: () => (healthBody = undefined),
    };
    const release = () => limiter.release();
    /** setTimeout that close() can cut short, so a closed server lets the process exit. */
    function sleep(ms) {
        return new Promise((resolve) => {
            const wake = () => {
                clearTimeout(timer);
                sleepers.delete(wake);
                resolve();
            };
            const timer = setTimeout(wake, ms);
            sleepers.add(wake);
        });
    }
    async function processPayment(req, res) {
        const text = await readBody(req);
        if (text === undefined)
            return;
        const payment = parsePayment(text);
        if (payment === undefined)
            return send(res, 400, INVALID);
        // Not cancelled by a client disconnect: the row lands anyway, as in the reference.
        if (settings.delay > 0)
            await sleep(settings.delay);
        if (settings.failure)
            return send(res, 500, FAILING);
        if (store.insert(payment))
            send(res, 200, PROCESSED);
        else
            send(res, 422, DUPLICATE);
    }
    function postPayment(req, res) {
        admit(paymentGate, res, () => {
            void processPayment(req, res)
                .catch(() => send(res, 500, FAILING))
                .finally(release);
        });
    }
    function serviceHealth(res) {
        admit(healthGate, res, () => {
            healthBody ??= JSON.stringify({ failing: settings.failure, minResponseTime: settings.delay });
            send(res, 200, healthBody);
        });
    }
    function getPayment(res, id) {
        const payment = isUuid(id) ? store.get(id) : undefined;
        if (payment === undefined)
            return send(res, 404, NOT_FOUND);
        const answer = {
            correlationId: payment.correlationId,
            amount: centsToNumber(payment.cents),
            requestedAt: formatIsoMicros(payment.requestedAtMicros),
        };
        send(res, 200, JSON.stringify(answer));
    }
    const server = createServer({ noDelay: true }, (req, res) => {
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        // ASP.NET routing ignores case; ids are lowercased for lookup anyway.
        const path = (q < 0 ? url : url.slice(0, q)).toLowerCase();
        const method = req.method;
        if (path === '/payments') {
            if (method === 'POST')
                return postPayment(req, res);
        }
        else if (path === '/payments/service-health') {
            if (method === 'GET')
                return serviceHealth(res);
        }
        else if (path.startsWith('/payments/')) {
            if (method === 'GET')
                return getPayment(res, path.slice('/payments/'.length));
        }
        else if (path.startsWith('/admin/')) {
            if (handleAdmin(req, res, path, q < 0 ? '' : url.slice(q + 1), settings, store))
                return;
        }
        send(res, 404, NOT_FOUND);
    });
    // Load-test clients keep connections open; headersTimeout must exceed it.
    server.keepAliveTimeout = 60_000;
    server.headersTimeout = 61_000;
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, host, () => {
            server.off('error', reject);
            resolve();
        });
    });
    const port = server.address().port;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    return {
        url: `http://${urlHost}:${port}`,
        port,
        close: () => new Promise((resolve) => {
            healthLimiter.close();
            for (const wake of [...sleepers])
                wake();
            server.close(() => resolve());
            server.closeAllConnections();
        }),
    };
}
