import type { Yaml } from '../standin/local/yaml.ts';
import { dig, parseMemory } from '../standin/local/compose.ts';

/**
 * The contest's architecture rules, checked on the parsed
 * compose file. Each violation names its rule.
 */
export const MAX_CPUS = 1.5;
export const MAX_MEMORY_BYTES = 350 * 2 ** 20;

export function contestViolations(doc: { [key: string]: Yaml }): string[] {
  const problems: string[] = [];
  const services = (doc.services ?? {}) as Record<string, Record<string, Yaml>>;
  let cpus = 0;
  let memory = 0;
  for (const [name, s] of Object.entries(services)) {
    const limits = dig(s, ['deploy', 'resources', 'limits']) as Record<string, string> | undefined;
    if (!limits?.cpus) problems.push(`limits: service ${name} has no deploy.resources.limits.cpus`);
    else cpus += Number(limits.cpus);
    if (!limits?.memory) problems.push(`limits: service ${name} has no deploy.resources.limits.memory`);
    else memory += parseMemory(limits.memory);
    if (s.network_mode !== undefined) problems.push(`network mode: service ${name} sets network_mode (${String(s.network_mode)}); only bridge networks are allowed`);
    if (s.privileged !== undefined && String(s.privileged) !== 'false') problems.push(`privileged: service ${name} runs privileged`);
    if (dig(s, ['deploy', 'replicas']) !== undefined) problems.push(`replicas: service ${name} sets deploy.replicas`);
    const env = (s.environment ?? {}) as Record<string, string>;
    const callsProcessors = Object.values(env).some((v) => /payment-processor-(default|fallback)/.test(String(v)));
    const networks = Array.isArray(s.networks) ? s.networks : Object.keys((s.networks ?? {}) as object);
    if (callsProcessors && !networks.includes('payment-processor')) problems.push(`processor network: service ${name} calls the processors but does not join payment-processor`);
  }
  if (cpus > MAX_CPUS + 1e-9) problems.push(`total CPU: limits sum to ${cpus.toFixed(2)}, above ${MAX_CPUS}`);
  if (memory > MAX_MEMORY_BYTES) problems.push(`total memory: limits sum to ${Math.round(memory / 2 ** 20)}MB, above 350MB`);
  const webServers = Object.keys(services).filter((n) => String(services[n]?.command ?? '').includes('dist/api/main.js'));
  if (webServers.length < 2) problems.push(`two web servers: ${webServers.length} service(s) run the API, the contest wants at least 2`);
  const published = Object.values(services).flatMap((s) => (Array.isArray(s.ports) ? s.ports.map(String) : []));
  if (!published.some((p) => /^(?:[\d.]+:)?9999:\d+$/.test(p))) problems.push('port 9999: no service publishes host port 9999');
  const networks = (doc.networks ?? {}) as Record<string, Record<string, string>>;
  for (const [name, n] of Object.entries(networks)) {
    if (n?.driver !== undefined && n.driver !== 'bridge') problems.push(`network mode: network ${name} uses driver ${n.driver}, not bridge`);
  }
  if (String(networks['payment-processor']?.external) !== 'true') problems.push('processor network: payment-processor must be declared external: true');
  return problems;
}
