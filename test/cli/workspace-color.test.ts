// Workspace discovery (issue #14 §5) and the colour decision (issue #14 §3), pure.
import { describe, expect, it } from 'vitest';
import { parseColorMode, useColor } from '../../src/cli/color.js';
import { findWorkspace, resolveWorkspace } from '../../src/cli/workspace.js';
import { UsageError } from '../../src/util/errors.js';

const dirs = (...present: string[]) => (p: string) => present.includes(p);

describe('workspace discovery', () => {
  it('finds the nearest .openexpertise/ in the directory or a parent, like .git', () => {
    const isDir = dirs('/home/u/proj/.openexpertise', '/home/u/.openexpertise');
    expect(findWorkspace('/home/u/proj/src/deep', isDir)).toBe('/home/u/proj');
    expect(findWorkspace('/home/u/proj', isDir)).toBe('/home/u/proj');
    expect(findWorkspace('/home/u/other', isDir)).toBe('/home/u');
    expect(findWorkspace('/srv', isDir)).toBeUndefined();
  });
  it('uses --workspace / OE_WORKSPACE when given, else the discovered one, else the cwd', () => {
    const isDir = dirs('/p/.openexpertise');
    expect(resolveWorkspace('ws', '/p/sub', isDir)).toBe('/p/sub/ws');
    expect(resolveWorkspace('/abs', '/p/sub', isDir)).toBe('/abs');
    expect(resolveWorkspace(undefined, '/p/sub', isDir)).toBe('/p');
    expect(resolveWorkspace(undefined, '/q', isDir)).toBe('/q');
  });
});

describe('colour', () => {
  it('--color always|never wins over everything', () => {
    expect(useColor('always', { NO_COLOR: '1' }, false)).toBe(true);
    expect(useColor('never', { FORCE_COLOR: '1' }, true)).toBe(false);
  });
  it('FORCE_COLOR forces colour (0 and false turn it off), and wins over NO_COLOR', () => {
    expect(useColor('auto', { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(useColor('auto', { FORCE_COLOR: '' }, false)).toBe(true);
    expect(useColor('auto', { FORCE_COLOR: '0' }, true)).toBe(false);
    expect(useColor('auto', { FORCE_COLOR: 'false' }, true)).toBe(false);
    expect(useColor('auto', { FORCE_COLOR: '2', NO_COLOR: '1' }, false)).toBe(true);
  });
  it('a non-empty NO_COLOR turns colour off on a terminal; an empty one does not', () => {
    expect(useColor('auto', { NO_COLOR: '1' }, true)).toBe(false);
    expect(useColor('auto', { NO_COLOR: '' }, true)).toBe(true);
  });
  it('auto colours a terminal unless TERM is dumb, and never a pipe', () => {
    expect(useColor('auto', {}, true)).toBe(true);
    expect(useColor('auto', { TERM: 'dumb' }, true)).toBe(false);
    expect(useColor('auto', {}, false)).toBe(false);
  });
  it('refuses an unknown --color', () => {
    expect(parseColorMode(undefined)).toBe('auto');
    expect(() => parseColorMode('sometimes')).toThrow(UsageError);
  });
});
