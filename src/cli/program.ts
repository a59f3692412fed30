// The command table: global options and one register() per command (changesets' cli.ts shape).
import { Command } from 'commander';
import type { CliProcess } from './command.js';
import { addGlobalOptions } from './globals.js';
import { register as registerPause } from '../commands/pause.js';
import { register as registerCancel } from '../commands/cancel.js';
import { register as registerDiff } from '../commands/diff.js';
import { register as registerGraph } from '../commands/graph.js';
import { register as registerInit } from '../commands/init.js';
import { register as registerInspect } from '../commands/inspect.js';
import { register as registerModify } from '../commands/modify.js';
import { register as registerResume } from '../commands/resume.js';
import { register as registerRun } from '../commands/run.js';
import { register as registerRuns } from '../commands/runs.js';
import { register as registerSchema } from '../commands/schema.js';
import { register as registerValidate } from '../commands/validate.js';
import { commandHelp, rootHelp } from './help.js';
import { register as registerCompletion } from '../commands/completion.js';
import { register as registerDoctor } from '../commands/doctor.js';
import { register as registerWorker } from '../commands/worker.js';
import { OE_VERSION } from '../util/version.js';

/**
 * Builds the command table. Each command file (src/commands/) declares its options and holds its
 * work; the modules that work uses load when its action runs, so building the table loads no heavy
 * module.
 */
export function buildProgram(proc: CliProcess): Command {
  const program = addGlobalOptions(new Command('oe'))
    .description('Run experiences — workflow graphs of tools and LLM calls — with an event log that makes every run resumable.')
    .version(OE_VERSION, '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  for (const register of [registerRun, registerResume, registerValidate, registerSchema, registerGraph, registerInspect, registerRuns, registerDiff, registerInit, registerPause, registerCancel, registerModify, registerDoctor, registerCompletion, registerWorker]) {
    register(program, proc);
  }
  // Issue #14 §7: examples, exit codes and the environment after the options.
  program.addHelpText('after', rootHelp());
  for (const cmd of program.commands) {
    const text = commandHelp(cmd.name());
    if (text) cmd.addHelpText('after', text);
  }
  return program;
}
