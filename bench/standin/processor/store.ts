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
  private readonly rows = new Map<string, Payment>();

  /** False when the correlationId is already held: the first row wins. */
  insert(payment: Payment): boolean {
    if (this.rows.has(payment.correlationId)) return false;
    this.rows.set(payment.correlationId, payment);
    return true;
  }

  /** The payment held for this correlationId; null when none is. */
  get(correlationId: string): Payment | null {
    return this.rows.get(correlationId.toLowerCase()) ?? null;
  }

  /** Rows with from <= requestedAt <= to (SQL BETWEEN); a null bound is open. */
  totals(from: number | null, to: number | null): Totals {
    const low = from ?? -Infinity;
    const high = to ?? Infinity;
    let count = 0;
    let cents = 0;
    for (const row of this.rows.values()) {
      if (row.requestedAtMicros >= low && row.requestedAtMicros <= high) {
        count += 1;
        cents += row.cents;
      }
    }
    return { count, cents };
  }

  purge(): void {
    this.rows.clear();
  }
}
