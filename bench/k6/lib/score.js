// The contest's score from k6's end-of-test `data` (counters from the scenarios,
// gauges recorded by teardown). Pure: settings and time come in as arguments.
import { AMOUNT, FEES } from './config.js';
import { roundTo } from './uuid.js';

export function metricValue(data, name, field, fallback) {
  const m = data.metrics[name];
  return m && m.values && m.values[field] !== undefined ? m.values[field] : fallback;
}

// The English summary: every number the score is made of.
export function computeScore(data, config) {
  const gauge = (name, fallback = 0) => metricValue(data, name, 'value', fallback);
  const count = (name) => metricValue(data, name, 'count', 0);

  const accepted = count('payments_accepted');
  const failed = count('payments_failed');
  const defaultCount = gauge('backend_default_count');
  const fallbackCount = gauge('backend_fallback_count');
  const defaultAmount = gauge('backend_default_amount');
  const fallbackAmount = gauge('backend_fallback_amount');
  const defaultRate = gauge('processor_default_fee_rate', FEES.default);
  const fallbackRate = gauge('processor_fallback_fee_rate', FEES.fallback);
  const inconsistencyCount = count('inconsistencies');

  const p99Raw = metricValue(data, 'http_req_duration{expected_response:true}', 'p(99)', NaN);
  const p99 = roundTo(p99Raw, 2);
  const bonus = Math.max(roundTo((11 - p99) * 0.02, 2), 0);
  const fine = inconsistencyCount > 0 ? 0.35 : 0;

  const gross = roundTo(defaultAmount + fallbackAmount, 2);
  const defaultFees = roundTo(defaultRate * defaultAmount, 6);
  const fallbackFees = roundTo(fallbackRate * fallbackAmount, 6);
  const fees = roundTo(defaultFees + fallbackFees, 6);
  const partial = gross - fees;
  const net = roundTo(partial * (1 + bonus - fine), 6);
  const reported = defaultCount + fallbackCount;
  const lag = accepted - reported;
  const ceiling = roundTo(accepted * AMOUNT * 0.95 * 1.2, 6);

  return {
    accepted, failed,
    default_count: defaultCount, fallback_count: fallbackCount,
    default_amount: defaultAmount, fallback_amount: fallbackAmount,
    default_fees: defaultFees, fallback_fees: fallbackFees,
    processor_default_count: gauge('processor_default_count'),
    processor_fallback_count: gauge('processor_fallback_count'),
    inconsistencies: inconsistencyCount,
    inconsistencies_per_processor: count('inconsistencies_per_processor'),
    consistency_check_errors: count('consistency_check_errors'),
    admin_errors: count('admin_errors'),
    lag,
    disqualified: lag < 0,
    final_reads_ok: gauge('final_reads_ok') === 1,
    // False when setup aborted, nothing was sent or teardown could not read the backend.
    valid: gauge('final_reads_ok') === 1 && accepted + failed > 0 && Number.isFinite(p99Raw),
    p99_ms: p99,
    p99_payments_ms: roundTo(metricValue(data, 'http_req_duration{endpoint:payments,expected_response:true}', 'p(99)', NaN), 2),
    bonus, fine,
    gross, fees,
    fine_amount: roundTo(partial * fine, 6),
    net,
    ceiling,
    net_pct_of_ceiling: ceiling > 0 ? roundTo((net / ceiling) * 100, 2) : 0,
    duration_s: config.duration,
    max_requests: config.maxRequests,
  };
}

// The contest's partial-results.json layout (field names and descriptions in Portuguese).
function contestResult(s, config, now) {
  return {
    participante: config.participant,
    timestamp: now.toISOString(),
    total_liquido: s.net,
    total_bruto: s.gross,
    total_taxas: s.fees,
    descricao: "'total_liquido' é sua pontuação final. Equivale ao seu lucro. Fórmula: total_liquido + (total_liquido * p99.bonus) - (total_liquido * multa.porcentagem)",
    p99: {
      valor: `${s.p99_ms}ms`,
      bonus: s.bonus,
      max_requests: config.maxRequests,
      descricao: 'Fórmula para o bônus: max((11 - p99.valor) * 0.02, 0)',
    },
    multa: {
      porcentagem: s.fine,
      total: s.fine_amount,
      composicao: {
        total_inconsistencias: s.inconsistencies,
        descricao: "Se 'total_inconsistencias' > 0, há multa de 35%.",
      },
    },
    lag: {
      num_pagamentos_total: s.default_count + s.fallback_count,
      num_pagamentos_solicitados: s.accepted,
      lag: s.lag,
      descricao: 'Lag é a diferença entre a quantidade de solicitações de pagamentos e o que foi realmente computado pelo backend. Lag negativo (mais pagamentos registrados do que solicitados) desclassifica.',
    },
    pagamentos_solicitados: {
      qtd_sucesso: s.accepted,
      qtd_falha: s.failed,
      descricao: "'qtd_sucesso' foram requests bem sucedidos para 'POST /payments' e 'qtd_falha' os requests com erro.",
    },
    pagamentos_realizados_default: {
      total_bruto: s.default_amount,
      num_pagamentos: s.default_count,
      total_taxas: s.default_fees,
      descricao: 'Informações do backend sobre solicitações de pagamento para o Payment Processor Default.',
    },
    pagamentos_realizados_fallback: {
      total_bruto: s.fallback_amount,
      num_pagamentos: s.fallback_count,
      total_taxas: s.fallback_fees,
      descricao: 'Informações do backend sobre solicitações de pagamento para o Payment Processor Fallback.',
    },
  };
}

// score.json: the contest's fields plus `summary` (the English breakdown).
export function scoreResult(data, config, now) {
  const s = computeScore(data, config);
  return Object.assign(contestResult(s, config, now), { summary: s });
}
