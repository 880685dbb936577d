#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { COMMANDS, findCommand, type Command } from './cli/commands';

/**
 * `kudos [command] [options]`: every operator task in one compiled command. With no command it serves.
 * Only the command table is loaded before a command runs, so `kudos serve` has its signal handlers in place
 * before the app's modules load.
 */

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: kudos [command] [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'kudos help <command> or kudos <command> --help shows a command\'s options. With no command, kudos serves.',
  ].join('\n');
}

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function usageError(sentence: string, help: string): number {
  process.stderr.write(`${sentence}\n\n${help}\n`);
  return 2;
}

/** Runs the command line; resolves to the exit code, or undefined while a command keeps running. */
export async function runCli(argv: string[]): Promise<number | undefined> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h') {
    out(overview());
    return 0;
  }
  if (first === 'help') {
    if (rest.length === 0) {
      out(overview());
      return 0;
    }
    const command = findCommand(rest[0]!);
    if (!command || rest.length > 1) return usageError(command ? 'help takes one command name.' : `Unknown command "${rest[0]}".`, overview());
    out(command.help);
    return 0;
  }
  let command: Command | undefined;
  let args = argv;
  if (first === undefined || first.startsWith('-')) {
    command = findCommand('serve')!;
  } else {
    command = findCommand(first);
    if (!command) return usageError(`Unknown command "${first}".`, overview());
    args = rest;
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options: command.options, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs says "Unknown option '--x'. To specify a positional argument …": the first sentence is the point.
    const message = err instanceof Error ? err.message.replace(/\. To specify a positional argument.*$/s, '.') : String(err);
    return usageError(`${message.replace(/\.$/, '')} (kudos ${command.name}).`, command.help);
  }
  if (parsed.values.help) {
    out(command.help);
    return 0;
  }
  const max = command.maxPositionals ?? 0;
  if (parsed.positionals.length > max) {
    const extra = parsed.positionals.slice(max).map((p) => `"${p}"`).join(' ');
    return usageError(`kudos ${command.name} does not take ${extra}.`, command.help);
  }
  return command.run({ values: parsed.values, positionals: parsed.positionals });
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      if (code !== undefined) process.exit(code);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
