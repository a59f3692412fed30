// `oe run [path]`: a new run of an experience (SPEC §4).
import type { Register } from './command.js';
import { startCommand } from './command.js';
import { addRunFlags, type RunFlags } from './launch.js';

export const register: Register = (program, proc) => {
  addRunFlags(
    program
      .command('run')
      .argument('[path]', 'experience directory or experience.yaml', '.')
      .description('run an experience; every event goes to .openexpertise/runs/<runId>.jsonl'),
  ).action(async (path: string, flags: RunFlags, cmd) => {
    const { globals, output } = await startCommand(cmd, proc);
    const { launchRun, parseArgsFlag, withRunExecutor } = await import('./launch.js');
    const given = parseArgsFlag(flags.args);
    await withRunExecutor(output, async (executor) => {
      const { loadExperience } = await import('../experience/load.js');
      const loaded = await loadExperience(path, globals.cwd);
      await launchRun(globals, output, proc, flags, {
        source: { experience: loaded.experience, graph: loaded.graph, dir: loaded.dir, file: loaded.file, sha256: loaded.sha256, definitionSource: 'file' },
        args: given,
        executor,
      });
    }, { g: globals, flags });
  });
};
