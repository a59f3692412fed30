// Placeholder until the `validate` command lands; replaced by its owner.
import type { Register } from './command.js';

export const register: Register = () => {};
