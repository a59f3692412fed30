// The experience a run executes and where it came from: a file read now, or the definition a prior
// run recorded in run.started (a resume without the file, SPEC §3.2). run.started records which.
import type { Graph } from '../experience/topology.js';
import type { Experience, LoadedExperience } from '../experience/types.js';

/** The experience a run executes, and where it came from. */
export interface RunSource {
  experience: Experience;
  /** Its graph, built once by validation. */
  graph: Graph;
  /** Absolute experience directory. */
  dir: string;
  /** Absolute path of the YAML, when it was read from a file. */
  file?: string;
  /** sha256 (hex) of the YAML's bytes, or of the recorded definition's canonical JSON. */
  sha256: string;
  /** `file` when read now, `log` when taken from a prior run's run.started. */
  definitionSource: 'file' | 'log';
  /** The path to record, relative to the workspace, when there is no file (the prior run's). */
  recordedPath?: string;
}

/** The source of an experience loaded from its file now. */
export function fileSource(l: LoadedExperience): RunSource {
  return { experience: l.experience, graph: l.graph, dir: l.dir, file: l.file, sha256: l.sha256, definitionSource: 'file' };
}
