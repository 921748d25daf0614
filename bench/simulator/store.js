// The reference keeps payments in Postgres; a Map is enough for one process.
export class PaymentStore {
    #rows = new Map();
    /** False when the correlationId is already held: the first row wins. */
    insert(payment) {
        if (this.#rows.has(payment.correlationId))
            return false;
        this.#rows.set(payment.correlationId, payment);
        return true;
    }
    get(correlationId) {
        return this.#rows.get(correlationId.toLowerCase());
    }
    /** Rows with from <= requestedAt <= to (SQL BETWEEN); a missing bound is open. */
    totals(from = -Infinity, to = Infinity) {
        let count = 0;
        let cents = 0;
        for (const row of this.#rows.values()) {
            if (row.requestedAtMicros >= from && row.requestedAtMicros <= to) {
                count += 1;
                cents += row.cents;
            }
        }
        return { count, cents };
    }
    purge() {
        this.#rows.clear();
    }
    get size() {
        return this.#rows.size;
    }
}
