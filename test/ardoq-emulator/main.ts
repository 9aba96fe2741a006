// `npx tsx test/ardoq-emulator/main.ts --port 8091 --token demo-token [--workspace ws1] [--file components.json]`
// serves a generated (5 epics x 4 features x 5 stories) or file-given workspace for demos.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateBacklog, startArdoqEmulator, type ArdoqRecord } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8091' },
    token: { type: 'string', default: 'demo-token' },
    workspace: { type: 'string', default: 'demo-workspace' },
    file: { type: 'string' },
    'page-size': { type: 'string', default: '50' },
  },
});

const workspaceId = values.workspace ?? 'demo-workspace';
function readFile(file: string): ArdoqRecord[] {
  const document = JSON.parse(readFileSync(file, 'utf8')) as ArdoqRecord[] | { values: ArdoqRecord[] };
  return Array.isArray(document) ? document : document.values;
}

const components = values.file ? readFile(values.file) : generateBacklog({ workspaceId, epics: 5, featuresPerEpic: 4, storiesPerFeature: 5 });

void startArdoqEmulator({ port: Number(values.port), token: values.token ?? 'demo-token', workspaces: { [workspaceId]: components }, pageSize: Number(values['page-size']) }).then((emulator) => {
  process.stdout.write(`Ardoq emulator on ${emulator.url} (workspace ${workspaceId}, ${components.length} components)\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
