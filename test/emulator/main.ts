// CLI of the ADO emulator: node dist/emulator.js --port 8090 --pat <token> [...]; see usage().
import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions } from './index';
import { FaultSpecError, parseFaultSpec } from './faults';

function usage(): string {
  return [
    'usage: node dist/emulator.js [--port N] [--pat TOKEN]... [--seed demo|empty] [--seed-file F.json] [--work-items N]',
    '       [--max-attachment-size BYTES] [--api-version-max 5.0] [--faults SPEC] [--fault-seed N] [--data-dir DIR] [--rate-limit RPM] [--tls]',
    '       [--deployment server|services] [--scatter-status 500|400] [--version-error ceiling|route] [--language en|de]',
    'fault SPEC: kinds@rate[:routeRegex][#METHOD][*count], rules separated by ";" (e.g. "429,503,reset-mid-body@0.2:/_apis/wit/attachments")',
  ].join('\n');
}

class UsageError extends Error {}

function integer(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${value}'`);
  return Number(value);
}

export function parseCli(argv: string[]): EmulatorOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' }, pat: { type: 'string', multiple: true }, seed: { type: 'string' }, 'seed-file': { type: 'string' },
      'work-items': { type: 'string' }, 'max-attachment-size': { type: 'string' }, 'api-version-max': { type: 'string' },
      faults: { type: 'string' }, 'fault-seed': { type: 'string' }, 'data-dir': { type: 'string' }, 'rate-limit': { type: 'string' }, tls: { type: 'boolean' }, help: { type: 'boolean' },
      deployment: { type: 'string' }, 'scatter-status': { type: 'string' }, 'version-error': { type: 'string' }, language: { type: 'string' },
    },
  });
  if (values.help) throw new UsageError('');
  if (values.seed !== undefined && values.seed !== 'demo' && values.seed !== 'empty') throw new UsageError(`--seed must be demo or empty, got '${values.seed}'`);
  if (values['api-version-max'] !== undefined && !/^\d+\.\d+$/.test(values['api-version-max'])) throw new UsageError(`--api-version-max must look like 5.0, got '${values['api-version-max']}'`);
  if (values.faults !== undefined) parseFaultSpec(values.faults);
  const port = integer('port', values.port);
  if (port !== undefined && port > 65535) throw new UsageError(`--port must be <= 65535`);
  const rpm = integer('rate-limit', values['rate-limit'], 1);
  const choice = <T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined => {
    if (value === undefined) return undefined;
    if (!allowed.includes(value as T)) throw new UsageError(`--${name} must be ${allowed.join(' or ')}, got '${value}'`);
    return value as T;
  };
  const scatter = choice('scatter-status', values['scatter-status'], ['500', '400'] as const);
  const fidelity = {
    ...(values.deployment !== undefined ? { deployment: choice('deployment', values.deployment, ['server', 'services'] as const) } : {}),
    ...(scatter !== undefined ? { scatterStatus: Number(scatter) as 400 | 500 } : {}),
    ...(values['version-error'] !== undefined ? { versionError: choice('version-error', values['version-error'], ['ceiling', 'route'] as const) } : {}),
    ...(values.language !== undefined ? { language: choice('language', values.language, ['en', 'de'] as const) } : {}),
  };
  return {
    port,
    pats: values.pat,
    seed: values.seed as 'demo' | 'empty' | undefined,
    seedFile: values['seed-file'],
    workItems: integer('work-items', values['work-items']),
    maxAttachmentSize: integer('max-attachment-size', values['max-attachment-size'], 1),
    apiVersionMax: values['api-version-max'],
    faults: values.faults,
    faultSeed: integer('fault-seed', values['fault-seed']),
    dataDir: values['data-dir'],
    rateLimit: rpm ? { requestsPerMinute: rpm } : undefined,
    fidelity,
    tls: values.tls,
    log: (line) => console.error(line),
  };
}

async function main(): Promise<void> {
  let options: EmulatorOptions;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message) console.error(`ado-emulator: ${message}`);
    console.error(usage());
    process.exit(error instanceof UsageError || error instanceof FaultSpecError || error instanceof TypeError ? 2 : 1);
  }
  const emulator = await startEmulator({ ...options, log: () => undefined });
  console.log(`ADO emulator listening on ${emulator.baseUrl}`);
  if (emulator.caCertFile) console.log(`Its self-signed certificate: ${emulator.caCertFile} (trust it with NODE_EXTRA_CA_CERTS)`);
  const stop = () => {
    emulator.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main().catch((error: unknown) => {
  console.error(`ado-emulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
