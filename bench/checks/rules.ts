import { dig, isMapping, parseMemory, type ComposeFile, type ComposeValue } from '../standin/local/compose.ts';

/**
 * The contest's architecture rules, checked on the parsed compose file (merge
 * keys applied, as compose applies them). Each violation names its rule.
 */
export const MAX_CPUS = 1.5;
export const MAX_MEMORY_BYTES = 350 * 2 ** 20;

const mapping = (value: ComposeValue | undefined): { [key: string]: ComposeValue } => (isMapping(value) ? value : {});

export function contestViolations(doc: ComposeFile): string[] {
  const problems: string[] = [];
  const services = mapping(doc.services);
  let cpus = 0;
  let memory = 0;
  for (const [name, raw] of Object.entries(services)) {
    const s = mapping(raw);
    const limits = mapping(dig(s, ['deploy', 'resources', 'limits']));
    if (!limits.cpus) problems.push(`limits: service ${name} has no deploy.resources.limits.cpus`);
    else cpus += Number(limits.cpus);
    if (!limits.memory) problems.push(`limits: service ${name} has no deploy.resources.limits.memory`);
    else memory += parseMemory(String(limits.memory));
    if (s.network_mode !== undefined) problems.push(`network mode: service ${name} sets network_mode (${String(s.network_mode)}); only bridge networks are allowed`);
    if (s.privileged !== undefined && String(s.privileged) !== 'false') problems.push(`privileged: service ${name} runs privileged`);
    if (dig(s, ['deploy', 'replicas']) !== undefined) problems.push(`replicas: service ${name} sets deploy.replicas`);
    const callsProcessors = Object.values(mapping(s.environment)).some((v) => /payment-processor-(default|fallback)/.test(String(v)));
    const networks = Array.isArray(s.networks) ? s.networks.map(String) : Object.keys(mapping(s.networks));
    if (callsProcessors && !networks.includes('payment-processor')) problems.push(`processor network: service ${name} calls the processors but does not join payment-processor`);
  }
  if (cpus > MAX_CPUS + 1e-9) problems.push(`total CPU: limits sum to ${cpus.toFixed(2)}, above ${MAX_CPUS}`);
  if (memory > MAX_MEMORY_BYTES) problems.push(`total memory: limits sum to ${Math.round(memory / 2 ** 20)}MB, above 350MB`);
  const webServers = Object.keys(services).filter((n) => String(mapping(services[n]).command ?? '').includes('dist/api/main.js'));
  if (webServers.length < 2) problems.push(`two web servers: ${webServers.length} service(s) run the API, the contest wants at least 2`);
  const published = Object.values(services).flatMap((s) => {
    const ports = mapping(s).ports;
    return Array.isArray(ports) ? ports.map(String) : [];
  });
  if (!published.some((p) => /^(?:[\d.]+:)?9999:\d+$/.test(p))) problems.push('port 9999: no service publishes host port 9999');
  const networks = mapping(doc.networks);
  for (const [name, n] of Object.entries(networks)) {
    const driver = mapping(n).driver;
    if (driver !== undefined && driver !== 'bridge') problems.push(`network mode: network ${name} uses driver ${String(driver)}, not bridge`);
  }
  if (String(mapping(networks['payment-processor']).external) !== 'true') problems.push('processor network: payment-processor must be declared external: true');
  return problems;
}
