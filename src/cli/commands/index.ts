// The list of `ado-sync` commands, in the order `help` shows them.
import type { Command } from '../command';

export const commands: readonly Command[] = [];
