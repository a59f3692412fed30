// The command table: global options and one register() per command (changesets' cli.ts shape).
import { Command } from 'commander';
import type { CliProcess } from './command.js';
import { addGlobalOptions } from './globals.js';
import { register as registerControl } from './control.js';
import { register as registerDiff } from './diff.js';
import { register as registerGraph } from './graph.js';
import { register as registerInit } from './init.js';
import { register as registerInspect } from './inspect.js';
import { register as registerModify } from './modify.js';
import { register as registerResume } from './resume.js';
import { register as registerRun } from './run.js';
import { register as registerRuns } from './runs.js';
import { register as registerSchema } from './schema.js';
import { register as registerValidate } from './validate.js';
import { commandHelp, rootHelp } from './help.js';
import { register as registerCompletion } from './completion.js';
import { register as registerDoctor } from './doctor.js';
import { register as registerWorker } from './worker.js';
import { OE_VERSION } from './version.js';

/**
 * Builds the command table. Each register() only declares its options; its action imports the work,
 * so building the table loads no heavy module.
 */
export function buildProgram(proc: CliProcess): Command {
  const program = addGlobalOptions(new Command('oe'))
    .description('Run experiences — workflow graphs of tools and LLM calls — with an event log that makes every run resumable.')
    .version(OE_VERSION, '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  for (const register of [registerRun, registerResume, registerValidate, registerSchema, registerGraph, registerInspect, registerRuns, registerDiff, registerInit, registerControl, registerModify, registerDoctor, registerCompletion, registerWorker]) {
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
