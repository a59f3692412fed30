// Placeholder until the `diff` command lands; replaced by its owner.
import type { Register } from './command.js';

export const register: Register = () => {};
