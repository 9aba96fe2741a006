// Entry point of the headless `ado-sync` CLI; it runs the same core as the extension.
import { version } from '../../package.json';

const USAGE = `ado-sync ${version}: keep files attached to Azure DevOps work items in sync.

Usage: ado-sync <command> [options]

Commands:
  version            print the version
  help               print this help
`;

export function main(argv: string[]): number {
  const [command] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    case 'version':
    case '--version':
      process.stdout.write(`${version}\n`);
      return 0;
    default:
      process.stderr.write(`ado-sync: unknown command "${command}". Run "ado-sync help" for the list.\n`);
      return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
