// The reference keeps payments in Postgres; a Map is enough for one process.

export interface Payment {
  /** Lowercased, as .NET prints a Guid. */
  readonly correlationId: string;
  readonly cents: number;
  readonly requestedAtMicros: number;
}

export interface Totals {
  readonly count: number;
  readonly cents: number;
}

export class PaymentStore {
  readonly #rows = new Map<string, Payment>();

  /** False when the correlationId is already held: the first row wins. */
  insert(payment: Payment): boolean {
    if (this.#rows.has(payment.correlationId)) return false;
    this.#rows.set(payment.correlationId, payment);
    return true;
  }

  get(correlationId: string): Payment | undefined {
    return this.#rows.get(correlationId.toLowerCase());
  }

  /** Rows with from <= requestedAt <= to (SQL BETWEEN); a missing bound is open. */
  totals(from = -Infinity, to = Infinity): Totals {
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

  purge(): void {
    this.#rows.clear();
  }

  get size(): number {
    return this.#rows.size;
  }
}
